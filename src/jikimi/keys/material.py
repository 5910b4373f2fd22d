"""Key material in one object that cannot be printed, compared by value or pickled.

Operators never see a master key's bytes: they ask for a purpose-bound subkey through
:meth:`SecretKey.derive`, so one keyring entry serves tokens, FPE and encryption without
the same bytes being used by two algorithms.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
_INFO_PREFIX = b"jikimi/v1/"


def new_key_id() -> str:
    """Eight lower-case hex digits: short enough to sit in every token, unique per keyring."""
    return secrets.token_hex(4)


class SecretKey:
    """One 256-bit master key with its id; the bytes never leave except as derived subkeys."""

    __slots__ = ("__material", "created", "key_id")

    def __init__(self, key_id: str, material: bytes, created: dt.datetime | None = None) -> None:
        if len(material) != KEY_BYTES:
            raise ValueError(f"a key must be {KEY_BYTES} bytes")
        if not (len(key_id) == 8 and all(c in "0123456789abcdef" for c in key_id)):
            raise ValueError("a key id is eight lower-case hex digits")
        self.key_id = key_id
        self.created = created or dt.datetime.now(dt.UTC)
        self.__material = bytes(material)

    @classmethod
    def generate(cls, key_id: str | None = None) -> SecretKey:
        return cls(key_id or new_key_id(), secrets.token_bytes(KEY_BYTES))

    def derive(self, purpose: str, length: int = KEY_BYTES) -> bytes:
        """A subkey bound to ``purpose`` (e.g. ``"token/PHONE"``) by HKDF-SHA-256."""
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=length,
            salt=None,
            info=_INFO_PREFIX + purpose.encode(),
        )
        return hkdf.derive(self.__material)

    def export_material(self) -> bytes:
        """The raw bytes, for the keyring file's wrapping step only."""
        return self.__material

    def __repr__(self) -> str:
        return f"SecretKey(key_id={self.key_id!r}, material=<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("key material cannot be pickled")

    def __copy__(self) -> NoReturn:
        raise TypeError("key material cannot be copied")

    def __deepcopy__(self, memo: object) -> NoReturn:
        raise TypeError("key material cannot be copied")
