"""The ``KeyStore`` protocol operators depend on, and an in-memory store for tests and tools.

A store has one primary key (used to protect) and any number of older keys (still used
to reveal). Ciphertexts and tokens name their key id, so rotating the primary never
strands old data. A key-management back end replaces the store; operators do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from jikimi.keys.errors import UnknownKey
from jikimi.keys.material import SecretKey


@runtime_checkable
class KeyStore(Protocol):
    """What operators need from a key store."""

    def primary(self) -> SecretKey:
        """The key new tokens and ciphertexts are made with."""
        ...

    def get(self, key_id: str) -> SecretKey:
        """The key with this id; raises :class:`UnknownKey` when absent."""
        ...

    def key_ids(self) -> Sequence[str]:
        """Every key id, oldest first."""
        ...


class MemoryKeyStore:
    """A key store that lives only in this process (tests, one-off pipelines)."""

    __slots__ = ("_keys", "_primary")

    def __init__(self, keys: Sequence[SecretKey] = (), primary: str | None = None) -> None:
        self._keys: dict[str, SecretKey] = {k.key_id: k for k in keys}
        if not self._keys:
            k = SecretKey.generate()
            self._keys[k.key_id] = k
        self._primary = primary or next(reversed(self._keys))
        if self._primary not in self._keys:
            raise UnknownKey(f"primary key {self._primary} is not in the store")

    def primary(self) -> SecretKey:
        return self._keys[self._primary]

    def get(self, key_id: str) -> SecretKey:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKey(f"key {key_id} is not in the store") from None

    def key_ids(self) -> Sequence[str]:
        return tuple(self._keys)

    def rotate(self) -> SecretKey:
        """Add a fresh key and make it primary; older keys stay for revealing."""
        k = SecretKey.generate()
        while k.key_id in self._keys:  # pragma: no cover - 1 in 4 billion
            k = SecretKey.generate()
        self._keys[k.key_id] = k
        self._primary = k.key_id
        return k

    def __repr__(self) -> str:
        return f"MemoryKeyStore(keys={list(self._keys)}, primary={self._primary!r})"
