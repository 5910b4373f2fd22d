"""A local keyring file: master keys wrapped (AES-256-GCM) under a key-encryption key.

File layout (JSON, one object)::

    {"format": "jikimi-keyring/1",
     "kek": {"kind": "scrypt", "salt": "<b64>", "n": 32768, "r": 8, "p": 1} | {"kind": "raw"},
     "primary": "<key id>",
     "keys": [{"id": "<key id>", "created": "<ISO 8601>", "wrapped": "<b64 nonce|ct>"}]}

Each wrapped key is bound to its id as associated data, so swapping entries inside the file
is detected. The file is rewritten atomically (temporary file + rename) with mode 0600.

A key's life: created (``create``/``rotate``), primary until the next rotation, then kept
to open what was made under it; once everything it wrapped or authenticated has been
re-wrapped under the new primary (``Shredder.rewrap``, ``Archives.rewrap``), ``retire``
removes it, refusing while any :class:`KeyUser` still reports a dependency.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jikimi.keys.errors import KeyInUse, KeyringError, UnknownKey, WrongPassphrase
from jikimi.keys.kek import KekSource, Passphrase, ScryptParams
from jikimi.keys.material import SecretKey

FORMAT = "jikimi-keyring/1"
_NONCE = 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _aad(key_id: str) -> bytes:
    return f"{FORMAT}|{key_id}".encode()


@runtime_checkable
class KeyUser(Protocol):
    """Anything holding keys wrapped, records authenticated, or values sealed under master
    keys: subject key tables (:class:`~jikimi.shred.Shredder`), archives on their targets,
    token vaults (:class:`~jikimi.transform.vault.SqliteTokenVault`), …"""

    def uses_of(self, key_id: str) -> Sequence[str]:
        """What still needs master key ``key_id``, one short phrase each (empty: nothing).

        Phrases name counts, stores and targets, never subjects or key material.
        """
        ...


class Keyring:
    """A :class:`~jikimi.keys.store.KeyStore` backed by a wrapped-key file."""

    __slots__ = ("_kek", "_kek_header", "_keys", "_primary", "path")

    def __init__(
        self,
        path: Path,
        kek: bytes,
        kek_header: dict[str, Any],
        keys: Sequence[SecretKey],
        primary: str,
    ) -> None:
        self.path = path
        self._kek = kek
        self._kek_header = kek_header
        self._keys = {k.key_id: k for k in keys}
        self._primary = primary

    # -- KeyStore ------------------------------------------------------------------------
    def primary(self) -> SecretKey:
        return self._keys[self._primary]

    def get(self, key_id: str) -> SecretKey:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKey(f"key {key_id} is not in keyring {self.path.name}") from None

    def key_ids(self) -> Sequence[str]:
        return tuple(self._keys)

    # -- life cycle ----------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        source: KekSource,
        *,
        scrypt_n: int = 2**15,
        overwrite: bool = False,
    ) -> Keyring:
        """Write a new keyring with one fresh primary key."""
        p = Path(path)
        if p.exists() and not overwrite:
            raise KeyringError(f"{p} already exists; refusing to overwrite a keyring")
        if isinstance(source, Passphrase):
            params = ScryptParams(salt=secrets.token_bytes(16), n=scrypt_n)
            header: dict[str, Any] = {
                "kind": "scrypt",
                "salt": _b64(params.salt),
                "n": params.n,
                "r": params.r,
                "p": params.p,
            }
            kek = source.kek(params)
        else:
            header = {"kind": "raw"}
            kek = source.kek()
        key = SecretKey.generate()
        ring = cls(p, kek, header, [key], key.key_id)
        ring.save()
        return ring

    @classmethod
    def open(cls, path: str | os.PathLike[str], source: KekSource) -> Keyring:
        """Read and unwrap a keyring; a wrong passphrase raises :class:`WrongPassphrase`."""
        p = Path(path)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringError(f"keyring {p} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeyringError(f"keyring {p} cannot be read: {type(exc).__name__}") from None
        try:
            return cls._from_doc(p, doc, source)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise KeyringError(f"keyring {p} is malformed") from None

    @classmethod
    def _from_doc(cls, p: Path, doc: dict[str, Any], source: KekSource) -> Keyring:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise KeyringError(f"{p} is not a {FORMAT} file")
        header = doc["kek"]
        if header["kind"] != source.kind:
            want = "a passphrase" if header["kind"] == "scrypt" else "a raw key (env var)"
            raise KeyringError(f"keyring {p} is opened with {want}")
        if isinstance(source, Passphrase):
            kek = source.kek(
                ScryptParams(
                    salt=_unb64(header["salt"]),
                    n=int(header["n"]),
                    r=int(header["r"]),
                    p=int(header["p"]),
                )
            )
        else:
            kek = source.kek()
        aead = AESGCM(kek)
        keys = []
        for entry in doc["keys"]:
            blob = _unb64(entry["wrapped"])
            try:
                material = aead.decrypt(blob[:_NONCE], blob[_NONCE:], _aad(entry["id"]))
            except InvalidTag:
                raise WrongPassphrase(
                    f"cannot open keyring {p}: wrong passphrase or key-encryption key"
                ) from None
            keys.append(
                SecretKey(entry["id"], material, dt.datetime.fromisoformat(entry["created"]))
            )
        primary = doc["primary"]
        if primary not in {k.key_id for k in keys}:
            raise KeyringError(f"keyring {p} names a primary key it does not hold")
        return cls(p, kek, header, keys, primary)

    def rotate(self) -> SecretKey:
        """Add a fresh primary key and save; old keys stay so old data can be revealed."""
        key = SecretKey.generate()
        while key.key_id in self._keys:  # pragma: no cover
            key = SecretKey.generate()
        self._keys[key.key_id] = key
        self._primary = key.key_id
        self.save()
        return key

    def retire(
        self, key_id: str, users: Sequence[KeyUser] = (), *, allow_oldest: bool = False
    ) -> None:
        """Remove an old master key for good, once nothing needs it; saves the file.

        Refuses (:class:`KeyInUse`, listing every reason) while ``key_id`` is the primary,
        while any of ``users`` reports a dependency, or while it is the keyring's oldest
        key unless ``allow_oldest``: FPE and date-shift operators without a pinned
        ``key_id`` use the oldest key, so removing it would change their output and leave
        FPE values made with it irreversible. Data a keyring cannot see is the
        caller's to name in ``users`` (token vaults: ``SqliteTokenVault``); tokens and
        ciphertexts made by ``protect`` outside a vault cannot be checked at all.
        """
        if key_id not in self._keys:
            raise UnknownKey(f"key {key_id} is not in keyring {self.path.name}")
        uses: list[str] = []
        if key_id == self._primary:
            uses.append("it is the primary key (rotate first)")
        if key_id == next(iter(self._keys)) and not allow_oldest:
            uses.append(
                "it is the oldest key, which fpe and date-shift use unless a policy pins "
                "key_id (pin it, or allow retiring the oldest key if they never used it)"
            )
        for user in users:
            uses.extend(user.uses_of(key_id))
        if uses:
            raise KeyInUse(key_id, tuple(uses))
        del self._keys[key_id]
        self.save()

    def describe(self) -> list[dict[str, str | bool]]:
        """Key ids, creation times and which is primary (no material)."""
        return [
            {"id": k.key_id, "created": k.created.isoformat(), "primary": k.key_id == self._primary}
            for k in self._keys.values()
        ]

    def save(self) -> None:
        aead = AESGCM(self._kek)
        entries = []
        for k in self._keys.values():
            nonce = secrets.token_bytes(_NONCE)
            wrapped = nonce + aead.encrypt(nonce, k.export_material(), _aad(k.key_id))
            entries.append(
                {"id": k.key_id, "created": k.created.isoformat(), "wrapped": _b64(wrapped)}
            )
        doc = {"format": FORMAT, "kek": self._kek_header, "primary": self._primary, "keys": entries}
        _atomic_write(self.path, json.dumps(doc, indent=2) + "\n")

    def __repr__(self) -> str:
        return (
            f"Keyring(path={str(self.path)!r}, keys={list(self._keys)}, primary={self._primary!r})"
        )

    def __reduce__(self) -> Any:
        raise TypeError("a keyring cannot be pickled")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
