"""Per-purpose subkeys derived from a store's keys, cached, and as unprintable as the keys.

Operators hold a :class:`Subkeys` rather than bytes: it asks the store for the current
primary on every ``primary()`` call, so rotation takes effect without rebuilding operators.
"""

from __future__ import annotations

from typing import NoReturn

from jikimi.keys.material import KEY_BYTES
from jikimi.keys.store import KeyStore


class Subkeys:
    __slots__ = ("_cache", "_length", "_purpose", "_store")

    def __init__(self, store: KeyStore, purpose: str, length: int = KEY_BYTES) -> None:
        self._store = store
        self._purpose = purpose
        self._length = length
        self._cache: dict[str, bytes] = {}

    def primary(self) -> tuple[str, bytes]:
        """The primary key's id and its subkey for this purpose."""
        kid = self._store.primary().key_id
        return kid, self.get(kid)

    def get(self, key_id: str) -> bytes:
        """The subkey of ``key_id``; raises ``UnknownKey`` when the store lacks it."""
        sub = self._cache.get(key_id)
        if sub is None:
            sub = self._store.get(key_id).derive(self._purpose, self._length)
            self._cache[key_id] = sub
        return sub

    def __repr__(self) -> str:
        return f"Subkeys(purpose={self._purpose!r}, material=<hidden>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key material cannot be pickled")
