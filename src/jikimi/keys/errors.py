"""Errors of the key store; none of them ever carries key material or a passphrase."""

from __future__ import annotations

from jikimi.errors import JikimiError, UsageError


class KeyringError(JikimiError):
    """A keyring file is missing, malformed, or cannot be written."""


class WrongPassphrase(KeyringError):
    """The key-encryption key does not open the keyring (wrong passphrase or env key)."""


class UnknownKey(KeyringError):
    """A key id is not in the store (for instance a ciphertext from another keyring)."""


class KekSourceError(UsageError):
    """No usable key-encryption key was supplied (missing env var, malformed value)."""


class KeyInUse(KeyringError):
    """A master key cannot be retired: something still needs it (``uses`` says what)."""

    def __init__(self, key_id: str, uses: tuple[str, ...]) -> None:
        super().__init__(f"key {key_id} is still in use: " + "; ".join(uses))
        self.key_id = key_id
        self.uses = uses
