"""Where the key-encryption key (KEK) that wraps a keyring comes from.

Either a passphrase stretched with scrypt (people), or a random 256-bit key handed over in
an environment variable as base64 (CI jobs, secret managers). Both objects hide their
contents from ``repr`` and refuse to be pickled.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import NoReturn

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from jikimi.keys.errors import KekSourceError

KEK_BYTES = 32


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost; the defaults (n=2**15, r=8) take about 0.1 s and 32 MiB."""

    salt: bytes
    n: int = 2**15
    r: int = 8
    p: int = 1


class _Hidden:
    __slots__ = ()

    def __reduce__(self) -> NoReturn:
        raise TypeError("secrets cannot be pickled")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"

    __str__ = __repr__


class Passphrase(_Hidden):
    """A passphrase; stretched with scrypt into the KEK."""

    __slots__ = ("__value",)
    kind = "scrypt"

    def __init__(self, value: str) -> None:
        if not value:
            raise KekSourceError("the passphrase is empty")
        self.__value = value

    def kek(self, params: ScryptParams) -> bytes:
        return Scrypt(
            salt=params.salt, length=KEK_BYTES, n=params.n, r=params.r, p=params.p
        ).derive(self.__value.encode())


class RawKek(_Hidden):
    """A ready 256-bit KEK (no stretching: it must be random, not a password)."""

    __slots__ = ("__key",)
    kind = "raw"

    def __init__(self, key: bytes) -> None:
        if len(key) != KEK_BYTES:
            raise KekSourceError(f"a raw key-encryption key must be {KEK_BYTES} bytes")
        self.__key = bytes(key)

    def kek(self, params: ScryptParams | None = None) -> bytes:
        return self.__key


KekSource = Passphrase | RawKek


def _env(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise KekSourceError(f"environment variable {var} is not set or empty")
    return value


def passphrase_from_env(var: str) -> Passphrase:
    return Passphrase(_env(var))


def raw_kek_from_env(var: str) -> RawKek:
    """Read a base64 (standard or URL-safe) 32-byte KEK from ``var``."""
    text = _env(var).strip()
    try:
        key = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "==")
    except (binascii.Error, ValueError):
        raise KekSourceError(f"environment variable {var} is not base64") from None
    return RawKek(key)
