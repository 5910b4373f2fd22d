"""Keys for the reversible and keyed operators: a store protocol, an in-memory store and a
passphrase- or env-wrapped keyring file. Key material lives only in this package."""

from jikimi.keys.errors import (
    KekSourceError,
    KeyInUse,
    KeyringError,
    UnknownKey,
    WrongPassphrase,
)
from jikimi.keys.kek import KekSource, Passphrase, RawKek, passphrase_from_env, raw_kek_from_env
from jikimi.keys.keyring import Keyring, KeyUser
from jikimi.keys.material import SecretKey
from jikimi.keys.store import KeyStore, MemoryKeyStore

__all__ = [
    "KekSource",
    "KekSourceError",
    "KeyInUse",
    "KeyStore",
    "KeyUser",
    "Keyring",
    "KeyringError",
    "MemoryKeyStore",
    "Passphrase",
    "RawKek",
    "SecretKey",
    "UnknownKey",
    "WrongPassphrase",
    "passphrase_from_env",
    "raw_kek_from_env",
]
