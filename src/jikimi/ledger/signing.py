"""Keys that sign access-log checkpoints: HMAC-SHA256 (shared secret) or Ed25519.

A signed checkpoint anchors the chain: rewriting history after it, even with every hash
recomputed, no longer matches a signature the writer cannot forge. Key material is never
shown by ``repr`` and never appears in errors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jikimi.ledger.errors import KeyConfigError

ENV_KEY = "JIKIMI_LEDGER_KEY"


class Signer(Protocol):
    """Signs checkpoint messages and checks signatures made with the same key."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> str: ...

    def verify(self, message: bytes, signature: str) -> bool: ...


class HmacSigner:
    """HMAC-SHA256 with a secret of at least 32 bytes."""

    __slots__ = ("_key", "_key_id")

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise KeyConfigError("an HMAC checkpoint key needs at least 32 bytes")
        self._key = key
        self._key_id = "hmac-" + hashlib.sha256(b"jikimi.key-id" + key).hexdigest()[:12]

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, message: bytes) -> str:
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, message: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(message), signature)

    def __repr__(self) -> str:
        return f"HmacSigner(key_id={self._key_id!r})"

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("checkpoint keys cannot be pickled")


class Ed25519Signer:
    """Ed25519: auditors can verify with the public key alone (``private`` may be None)."""

    __slots__ = ("_key_id", "_private", "_public")

    def __init__(
        self, private: Ed25519PrivateKey | None = None, public: Ed25519PublicKey | None = None
    ) -> None:
        if private is None and public is None:
            raise KeyConfigError("an Ed25519 signer needs a private or a public key")
        self._private = private
        self._public = public if public is not None else private.public_key()  # type: ignore[union-attr]
        raw = self._public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._key_id = "ed25519-" + hashlib.sha256(raw).hexdigest()[:12]

    @classmethod
    def generate(cls) -> Ed25519Signer:
        return cls(Ed25519PrivateKey.generate())

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, message: bytes) -> str:
        if self._private is None:
            raise KeyConfigError("this Ed25519 key can verify but not sign")
        return base64.b64encode(self._private.sign(message)).decode()

    def verify(self, message: bytes, signature: str) -> bool:
        try:
            self._public.verify(base64.b64decode(signature, validate=True), message)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self._key_id!r})"

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("checkpoint keys cannot be pickled")


def load_signer(spec: str | None = None) -> Signer | None:
    """Load a key from ``hmac:<base64>``, ``ed25519:<PEM file>`` or env ``JIKIMI_LEDGER_KEY``.

    Returns None when no key is configured: the chain still detects edits, but a wholesale
    rewrite of the chain can only be caught with checkpoints.
    """
    spec = spec if spec is not None else os.environ.get(ENV_KEY)
    if not spec:
        return None
    kind, _, value = spec.partition(":")
    if kind == "hmac":
        try:
            return HmacSigner(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            raise KeyConfigError("the HMAC checkpoint key is not valid base64") from None
    if kind == "ed25519":
        try:
            data = Path(value).read_bytes()
        except OSError:
            raise KeyConfigError("the Ed25519 key file cannot be read") from None
        try:
            if b"PRIVATE KEY" in data:
                key = serialization.load_pem_private_key(data, password=None)
                if isinstance(key, Ed25519PrivateKey):
                    return Ed25519Signer(key)
            else:
                pub = serialization.load_pem_public_key(data)
                if isinstance(pub, Ed25519PublicKey):
                    return Ed25519Signer(public=pub)
        except ValueError:
            pass
        raise KeyConfigError("the key file does not hold an Ed25519 key in PEM form")
    raise KeyConfigError("a checkpoint key spec starts with 'hmac:' or 'ed25519:'")
