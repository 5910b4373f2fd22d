"""Per-subject envelope encryption and crypto-shredding.

Key hierarchy::

    KEK (scrypt passphrase / env key)          wraps →  keyring master keys (jikimi.keys)
    master key --HKDF "shred/wrap"-->  wrapping key  wraps →  one data key per subject
    subject data key  --AES-256-GCM-->  fields and blobs of that subject

Every copy of a subject's data (tables, exports, backups) is ciphertext under the same
subject key, so deleting that one wrapped key row makes all of them unreadable at once.
Rotating the master key re-wraps the rows (:meth:`Shredder.rewrap`) without touching data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jikimi.keys import KeyStore, UnknownKey
from jikimi.shred import certificate as cert
from jikimi.shred.envelope import (
    HEADER_BYTES,
    KEY_ID_BYTES,
    MAGIC,
    NONCE_BYTES,
    OVERHEAD,
    header_for,
    parse,
)
from jikimi.shred.errors import (
    DecryptionFailed,
    KeyDestroyed,
    SampleMismatch,
    ShredError,
    UnknownSubject,
)
from jikimi.shred.store import SubjectKeyStore, WrappedSubjectKey, now_iso

_WRAP_PURPOSE = "shred/wrap"
_WRAP_FORMAT = b"jikimi-subject-key/1|"
DATA_KEY_BYTES = 32
Buffer = bytes | bytearray | memoryview


def _wrap_aad(key_id: str, subject: str, master_id: str) -> bytes:
    return _WRAP_FORMAT + f"{key_id}|{master_id}|".encode() + subject.encode()


def subject_digest(subject: str) -> str:
    """A SHA-256 of the subject reference, for logs and certificates shared outside."""
    return hashlib.sha256(subject.encode()).hexdigest()


class Shredder:
    """Encrypts each subject's data under its own key; erasing the key shreds every copy."""

    __slots__ = ("_cache", "_keys", "_store", "_wrappers")

    def __init__(self, keys: KeyStore, store: SubjectKeyStore) -> None:
        self._keys = keys
        self._store = store
        self._cache: dict[str, AESGCM] = {}
        self._wrappers: dict[str, AESGCM] = {}

    # -- keys ----------------------------------------------------------------------------
    def _wrapper(self, master_id: str) -> AESGCM:
        w = self._wrappers.get(master_id)
        if w is None:
            w = AESGCM(self._keys.get(master_id).derive(_WRAP_PURPOSE))
            self._wrappers[master_id] = w
        return w

    def _wrap(self, key_id: str, subject: str, material: bytes) -> WrappedSubjectKey:
        master_id = self._keys.primary().key_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        blob = nonce + self._wrapper(master_id).encrypt(
            nonce, material, _wrap_aad(key_id, subject, master_id)
        )
        return WrappedSubjectKey(key_id, subject, master_id, blob, now_iso())

    def _unwrap(self, row: WrappedSubjectKey) -> bytes:
        try:
            wrapper = self._wrapper(row.master_id)
            return wrapper.decrypt(
                row.wrapped[:NONCE_BYTES],
                row.wrapped[NONCE_BYTES:],
                _wrap_aad(row.key_id, row.subject, row.master_id),
            )
        except (InvalidTag, UnknownKey):
            raise ShredError(
                f"subject key {row.key_id} cannot be unwrapped with this keyring"
            ) from None

    def _new_key_id(self) -> str:
        while True:
            key_id = secrets.token_hex(KEY_ID_BYTES)
            if self._store.by_key_id(key_id) is None:
                return key_id

    def ensure_keys(self, subjects: Iterable[str]) -> int:
        """Create keys for every subject that lacks one, in one batch; returns how many."""
        fresh = [
            self._wrap(self._new_key_id(), s, secrets.token_bytes(DATA_KEY_BYTES))
            for s in dict.fromkeys(subjects)
            if not self._store.by_subject(s)
        ]
        self._store.add(fresh)
        return len(fresh)

    def key_id_for(self, subject: str, *, create: bool = True) -> str:
        """The subject's current key id, made on first use unless ``create`` is false."""
        rows = self._store.by_subject(subject)
        if rows:
            return rows[-1].key_id
        if not create:
            raise UnknownSubject("no key for this subject")
        self.ensure_keys([subject])
        return self._store.by_subject(subject)[-1].key_id

    def _aead(self, key_id: str) -> AESGCM:
        aead = self._cache.get(key_id)
        if aead is None:
            row = self._store.by_key_id(key_id)
            if row is None:
                raise KeyDestroyed(f"subject key {key_id} does not exist (erased or foreign)")
            aead = AESGCM(self._unwrap(row))
            self._cache[key_id] = aead
        return aead

    # -- data ----------------------------------------------------------------------------
    def encrypt(self, subject: str, plaintext: bytes, context: bytes = b"") -> bytes:
        """Encrypt ``plaintext`` for ``subject``; ``context`` must be given again to decrypt."""
        return self.encrypt_with(self.key_id_for(subject), plaintext, context)

    def encrypt_with(self, key_id: str, plaintext: bytes, context: bytes = b"") -> bytes:
        header = header_for(key_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead(key_id).encrypt(nonce, plaintext, header + context)
        return b"".join((header, nonce, sealed))

    def prepare(self, key_id: str) -> None:
        """Unwrap and cache ``key_id`` now, so that :meth:`seal_into` and :meth:`open_into`
        on it never reach the key store: call it from the thread that owns the store
        before handing those calls to worker threads (SQLite connections are per thread).
        """
        self._aead(key_id)

    def seal_into(
        self, key_id: str, plaintext: Buffer, context: bytes, out: bytearray | memoryview
    ) -> int:
        """:meth:`encrypt_with` written into ``out`` instead of a new object; returns the
        envelope's length (``len(plaintext) + OVERHEAD``).

        For bulk data (backup chunks): no allocation and no copy of the plaintext, and the
        cipher runs without the GIL, so several threads can seal at once.
        """
        src = memoryview(plaintext)
        size = src.nbytes + OVERHEAD
        view = memoryview(out)
        if view.nbytes < size:
            raise ShredError("output buffer too small for the sealed envelope")
        header = header_for(key_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        view[:HEADER_BYTES] = header
        view[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES] = nonce
        body = view[HEADER_BYTES + NONCE_BYTES : size]
        self._aead(key_id).encrypt_into(nonce, src, header + context, body)
        return size

    def open_into(self, ciphertext: Buffer, context: bytes, out: bytearray | memoryview) -> int:
        """:meth:`decrypt` into ``out`` (at least ``len(ciphertext) - OVERHEAD`` bytes);
        returns the plaintext length. Same errors as :meth:`decrypt`."""
        blob = memoryview(ciphertext)
        if blob.nbytes < OVERHEAD or blob[: len(MAGIC)] != MAGIC:
            raise DecryptionFailed("not a jikimi subject ciphertext")
        header = bytes(blob[:HEADER_BYTES])
        aead = self._aead(header[len(MAGIC) :].hex())
        size = blob.nbytes - OVERHEAD
        view = memoryview(out)
        if view.nbytes < size:
            raise ShredError("output buffer too small for the plaintext")
        nonce = bytes(blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES])
        try:
            aead.decrypt_into(
                nonce, blob[HEADER_BYTES + NONCE_BYTES :], header + context, view[:size]
            )
        except InvalidTag:
            raise DecryptionFailed("ciphertext does not authenticate") from None
        return size

    def decrypt(self, ciphertext: bytes, context: bytes = b"") -> bytes:
        """Open a ciphertext; :class:`KeyDestroyed` once its subject has been erased."""
        env = parse(ciphertext)
        aead = self._aead(env.key_id)
        try:
            return aead.decrypt(env.nonce, env.body, ciphertext[:HEADER_BYTES] + context)
        except InvalidTag:
            raise DecryptionFailed("ciphertext does not authenticate") from None

    # -- life cycle ----------------------------------------------------------------------
    def rewrap(self) -> int:
        """Re-wrap every subject key under the current primary master key (after rotation);
        data ciphertexts are untouched. Returns how many rows changed."""
        primary = self._keys.primary().key_id
        changed = 0
        for row in self._store:
            if row.master_id != primary:
                fresh = self._wrap(row.key_id, row.subject, self._unwrap(row))
                self._store.replace(fresh)
                changed += 1
        return changed

    def uses_of(self, key_id: str) -> list[str]:
        """What in this store still needs master key ``key_id`` (a keyring ``KeyUser``)."""
        n = sum(1 for row in self._store if row.master_id == key_id)
        return [f"{n} subject key(s) in {self._store!r} are wrapped under it"] if n else []

    def erase_subject(
        self,
        subject: str,
        *,
        actor: str,
        reason: str = "erasure request",
        samples: Sequence[bytes] = (),
        extra: Mapping[str, Any] | None = None,
        record_subject: bool = True,
    ) -> cert.DestructionCertificate:
        """Destroy every key of ``subject`` and return a signed certificate with the proof.

        The proof: a probe encrypted just before the deletion (plus any ``samples`` the
        caller holds, such as a row from a backup) is decrypted after it, and each attempt
        must fail with :class:`KeyDestroyed`; a success aborts with :class:`ShredError`.
        Samples under other keys are refused before anything is destroyed. With
        ``record_subject=False`` the certificate keeps only the subject's SHA-256.
        """
        rows = self._store.by_subject(subject)
        if not rows:
            raise UnknownSubject("no key for this subject; nothing to erase")
        ids = {r.key_id for r in rows}
        for sample in samples:  # checked before anything is destroyed
            if parse(sample).key_id not in ids:
                raise SampleMismatch("a sample ciphertext is not under this subject's keys")
        probe = self.encrypt_with(rows[-1].key_id, secrets.token_bytes(16), b"erasure-probe")
        deleted = self._store.delete_subject(subject)
        for key_id in deleted:
            self._cache.pop(key_id, None)
        attempts = []
        for sample in (probe, *samples):
            attempts.append(self._prove_unreadable(sample))
        body: dict[str, Any] = {
            "kind": "subject-erasure",
            "subject": subject if record_subject else None,
            "subject_sha256": subject_digest(subject),
            "key_ids": list(deleted),
            "wrapped_under": sorted({r.master_id for r in rows}),
            "actor": actor,
            "reason": reason,
            "destroyed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "keys_remaining_for_subject": len(self._store.by_subject(subject)),
            "proof": attempts,
        }
        if extra:
            body["extra"] = dict(extra)
        return cert.issue(self._keys, body)

    def _prove_unreadable(self, sample: bytes) -> dict[str, str]:
        digest = hashlib.sha256(sample).hexdigest()
        try:
            self.decrypt(sample, b"erasure-probe")
        except KeyDestroyed:
            return {"sample_sha256": digest, "decrypt": "failed", "error": "KeyDestroyed"}
        except DecryptionFailed:
            # The key still exists but the context differs: try the sample's own key.
            key_id = parse(sample).key_id
            if self._store.by_key_id(key_id) is not None:
                raise ShredError(f"sample key {key_id} still exists after erasure") from None
            return {"sample_sha256": digest, "decrypt": "failed", "error": "KeyDestroyed"}
        raise ShredError("a sample still decrypts after erasure; keys were not destroyed")

    def __repr__(self) -> str:
        return f"Shredder(store={self._store!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a shredder holds key material and cannot be pickled")
