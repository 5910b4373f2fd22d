"""Encrypted, chunked, authenticated archives on one or more targets.

Layout on a target (``<id>`` = ``YYYYmmddTHHMMSSZ-<16 hex>``)::

    <id>/chunk-00000000 … chunk-NNNNNNNN   subject ciphertexts (jikimi.shred envelope)
    <id>/manifest.json                       written last; HMAC-SHA-256 over its body

Each chunk is AES-256-GCM under the archive's own data key, with associated data
``jikimi-backup/1|<id>|<index>|<last?>``: a chunk moved to another position, another
archive, or a truncated tail fails to authenticate. The archive key is a row in the
subject key store (subject ``archive:<id>``), wrapped under the keyring master key and
kept *beside* the targets, never on them: destroying it makes every copy unreadable,
including copies a provider kept. The manifest is only written after every chunk, so a
killed writer leaves no restorable archive, only objects that ``list`` marks incomplete.
Restore extracts into a hidden directory and renames it into place only after the last
chunk authenticated; a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jikimi.backup.errors import ArchiveCorrupt, ArchiveDestroyed, ArchiveNotFound, BackupError
from jikimi.backup.residency import ResidencyPolicy
from jikimi.backup.targets import Target, country_of
from jikimi.keys import KeyStore, UnknownKey
from jikimi.shred import DecryptionFailed, KeyDestroyed, Shredder, SubjectKeyStore
from jikimi.shred import certificate as cert
from jikimi.shred.envelope import key_id_of

FORMAT = "jikimi-backup/1"
MANIFEST = "manifest.json"
DEFAULT_CHUNK = 4 * 1024 * 1024
_MAC_PURPOSE = "backup/manifest-hmac"
# tarfile copies its stream buffer on every write, so bigger is not always faster: 256 KiB
# measured ~1.7x faster than the default 10 KiB, while 4 MiB was 5x slower.
_TAR_BUF = 256 * 1024

ChunkHook = Callable[[int], None]


def archive_subject(archive_id: str) -> str:
    return f"archive:{archive_id}"


def chunk_key(archive_id: str, index: int) -> str:
    return f"{archive_id}/chunk-{index:08d}"


def _chunk_aad(archive_id: str, index: int, last: bool) -> bytes:
    return f"{FORMAT}|{archive_id}|{index}|{int(last)}".encode()


def _new_archive_id() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(8)}"


def _mac(keys: KeyStore, master_id: str, body: Mapping[str, Any]) -> str:
    key = keys.get(master_id).derive(_MAC_PURPOSE)
    return hmac.new(key, cert.canonical(body), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class ArchiveCopy:
    """One copy of an archive on one target, as ``list`` reports it."""

    archive_id: str
    target: str
    region: str
    location: str
    complete: bool
    created: str = ""
    tags: tuple[str, ...] = ()
    label: str = ""
    chunks: int = 0
    stored_bytes: int = 0
    authentic: bool = False


@dataclass(frozen=True, slots=True)
class VerifyResult:
    archive_id: str
    copies: tuple[str, ...]
    chunks: int
    plaintext_bytes: int


@dataclass(slots=True)
class _Sink:
    """A write-only file object that seals fixed-size chunks and hands them to ``emit``.

    Holds the last full chunk back until more data or ``finish`` arrives, so the final
    chunk can be flagged as last in its associated data (truncation is then detectable).
    """

    size: int
    emit: Callable[[int, bytes, bool], None]
    parts: list[bytes] = field(default_factory=list)
    fill: int = 0
    pending: bytes | None = None
    index: int = 0
    total: int = 0

    def write(self, data: bytes) -> int:
        n = len(data)
        self.total += n
        while data:
            take = self.size - self.fill
            if len(data) < take:
                self.parts.append(bytes(data))
                self.fill += len(data)
                break
            self.parts.append(bytes(data[:take]))
            data = data[take:]
            self._push(b"".join(self.parts))
            self.parts.clear()
            self.fill = 0
        return n

    def _push(self, chunk: bytes) -> None:
        if self.pending is not None:
            self.emit(self.index, self.pending, False)
            self.index += 1
        self.pending = chunk

    def finish(self) -> int:
        if self.parts or self.pending is None:
            self._push(b"".join(self.parts))
            self.parts.clear()
            self.fill = 0
        assert self.pending is not None
        self.emit(self.index, self.pending, True)
        self.index += 1
        return self.index


class _Source(io.RawIOBase):
    """A read-only stream over decrypted chunks, for streaming tar extraction."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._buf = nxt
            self.total += len(nxt)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class Archives:
    """Create, list, verify, restore and destroy archives under one keyring."""

    def __init__(
        self,
        keys: KeyStore,
        archive_keys: SubjectKeyStore,
        policy: ResidencyPolicy | None = None,
    ) -> None:
        self._keys = keys
        self._shredder = Shredder(keys, archive_keys)
        self._store = archive_keys
        self.policy = policy or ResidencyPolicy()

    # -- create --------------------------------------------------------------------------
    def create(
        self,
        source: str | Path,
        targets: Sequence[Target],
        *,
        tags: Sequence[str] = (),
        label: str = "",
        chunk_size: int = DEFAULT_CHUNK,
        actor: str = "",
        after_chunk: ChunkHook | None = None,
    ) -> str:
        """Back up a file or directory to every target; returns the archive id.

        Residency is checked for every target before the first byte is written.
        ``after_chunk`` is a test hook called after each chunk reaches every target.
        """
        src = Path(source)
        if not src.exists():
            raise ArchiveNotFound(f"backup source {src} does not exist")
        if not targets:
            raise BackupError("no backup target given")
        if chunk_size < 1024:
            raise BackupError("chunk size must be at least 1 KiB")
        for target in targets:
            self.policy.check(tags, target)
        archive_id = _new_archive_id()
        key_id = self._shredder.key_id_for(archive_subject(archive_id))
        sizes: list[int] = []

        def emit(index: int, chunk: bytes, last: bool) -> None:
            sealed = self._shredder.encrypt_with(key_id, chunk, _chunk_aad(archive_id, index, last))
            for target in targets:
                target.put(chunk_key(archive_id, index), sealed)
            sizes.append(len(sealed))
            if after_chunk is not None:
                after_chunk(index)

        sink = _Sink(chunk_size, emit)
        try:
            with tarfile.open(  # type: ignore[call-overload]
                fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT, bufsize=_TAR_BUF
            ) as tar:
                tar.copybufsize = _TAR_BUF  # fewer Python-level calls than 10 KiB
                tar.add(src, arcname=src.name or "root", recursive=True)
            count = sink.finish()
            master_id = self._keys.primary().key_id
            body = {
                "format": FORMAT,
                "archive_id": archive_id,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "created_by": actor,
                "label": label,
                "tags": sorted(set(tags)),
                "archive_key_id": key_id,
                "chunk_size": chunk_size,
                "chunks": count,
                "chunk_bytes": sizes,
                "plaintext_bytes": sink.total,
                "mac_key_id": master_id,
            }
            for target in targets:
                manifest = dict(body, target=target.name, region=target.region)
                doc = {"body": manifest, "mac": _mac(self._keys, master_id, manifest)}
                target.put(f"{archive_id}/{MANIFEST}", json.dumps(doc, indent=1).encode())
        except Exception:
            self._discard(archive_id, targets)
            raise
        return archive_id

    def _discard(self, archive_id: str, targets: Sequence[Target]) -> None:
        for target in targets:
            for key in target.list(f"{archive_id}/"):
                target.delete(key)
        self._store.delete_subject(archive_subject(archive_id))

    # -- read ----------------------------------------------------------------------------
    def _manifest(self, target: Target, archive_id: str) -> dict[str, Any]:
        try:
            doc = json.loads(target.get(f"{archive_id}/{MANIFEST}"))
            body = doc["body"]
            mac = doc["mac"]
            good = _mac(self._keys, body["mac_key_id"], body)
        except (ValueError, KeyError, TypeError, UnknownKey):
            raise ArchiveCorrupt(
                f"manifest of {archive_id} on {target.name} is unreadable"
            ) from None
        if not hmac.compare_digest(good, str(mac)):
            raise ArchiveCorrupt(f"manifest of {archive_id} on {target.name} fails authentication")
        if body.get("format") != FORMAT or body.get("archive_id") != archive_id:
            raise ArchiveCorrupt(f"manifest on {target.name} belongs to another archive")
        if body.get("target") != target.name or body.get("region") != target.region:
            raise ArchiveCorrupt(f"manifest of {archive_id} was written for another target")
        return dict(body)

    def _chunks(self, target: Target, body: Mapping[str, Any]) -> Iterator[bytes]:
        archive_id = body["archive_id"]
        count = int(body["chunks"])
        for index in range(count):
            try:
                sealed = target.get(chunk_key(archive_id, index))
            except BackupError:
                raise ArchiveCorrupt(
                    f"chunk {index} of {archive_id} is missing on {target.name}"
                ) from None
            try:
                if key_id_of(sealed) != body["archive_key_id"]:
                    raise ArchiveCorrupt(f"chunk {index} of {archive_id} is under another key")
                aad = _chunk_aad(archive_id, index, index == count - 1)
                yield self._shredder.decrypt(sealed, aad)
            except KeyDestroyed:
                raise ArchiveDestroyed(
                    f"archive {archive_id} cannot be opened: its key was destroyed"
                ) from None
            except DecryptionFailed:
                raise ArchiveCorrupt(
                    f"chunk {index} of {archive_id} on {target.name} fails authentication"
                ) from None
        if target.exists(chunk_key(archive_id, count)):
            raise ArchiveCorrupt(f"archive {archive_id} on {target.name} has extra chunks")

    def _complete_copies(self, archive_id: str, targets: Sequence[Target]) -> list[Target]:
        found = [t for t in targets if t.exists(f"{archive_id}/{MANIFEST}")]
        if not found:
            if self._store.by_subject(archive_subject(archive_id)):
                raise ArchiveNotFound(f"no complete copy of archive {archive_id} on these targets")
            raise ArchiveDestroyed(
                f"archive {archive_id} cannot be opened: no copy and no key (destroyed or unknown)"
            )
        return found

    def verify(self, archive_id: str, targets: Sequence[Target]) -> VerifyResult:
        """Authenticate the manifest and every chunk of every copy; writes nothing."""
        copies = self._complete_copies(archive_id, targets)
        body: dict[str, Any] = {}
        for target in copies:
            body = self._manifest(target, archive_id)
            total = sum(len(c) for c in self._chunks(target, body))
            if total != body["plaintext_bytes"]:
                raise ArchiveCorrupt(f"archive {archive_id} on {target.name} has the wrong size")
        return VerifyResult(
            archive_id,
            tuple(t.name for t in copies),
            int(body["chunks"]),
            int(body["plaintext_bytes"]),
        )

    def restore(self, archive_id: str, targets: Sequence[Target], dest: str | Path) -> Path:
        """Extract the archive into ``dest`` (which must not exist) from the first copy.

        Extraction goes to a hidden sibling directory renamed into place only after every
        chunk authenticated and the size matched.
        """
        out = Path(dest)
        if out.exists():
            raise BackupError(f"restore destination {out} already exists")
        target = self._complete_copies(archive_id, targets)[0]
        body = self._manifest(target, archive_id)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.restore-", dir=out.parent))
        try:
            src = _Source(self._chunks(target, body))
            stream = io.BufferedReader(src, buffer_size=1 << 20)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                tar.extractall(tmp, filter="data")
            while stream.read(1 << 20):  # tar padding: authenticate every last chunk
                pass
            if src.total != body["plaintext_bytes"]:
                raise ArchiveCorrupt(f"archive {archive_id} has the wrong size")
            tmp.rename(out)
        except tarfile.TarError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ArchiveCorrupt(f"archive {archive_id} does not hold a valid tar stream") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out

    # -- inventory -----------------------------------------------------------------------
    def list_copies(self, targets: Sequence[Target]) -> list[ArchiveCopy]:
        """Every archive (complete or not) on every target, for "what do we hold where?"."""
        rows: list[ArchiveCopy] = []
        for target in targets:
            ids = sorted({k.split("/", 1)[0] for k in target.list() if "/" in k})
            for archive_id in ids:
                objects = target.list(f"{archive_id}/")
                if f"{archive_id}/{MANIFEST}" not in objects:
                    rows.append(
                        ArchiveCopy(
                            archive_id,
                            target.name,
                            target.region,
                            target.location(),
                            False,
                            chunks=len(objects),
                        )
                    )
                    continue
                try:
                    body = self._manifest(target, archive_id)
                    authentic = True
                except ArchiveCorrupt:
                    body, authentic = {}, False
                rows.append(
                    ArchiveCopy(
                        archive_id,
                        target.name,
                        target.region,
                        target.location(),
                        True,
                        created=str(body.get("created", "")),
                        tags=tuple(body.get("tags", ())),
                        label=str(body.get("label", "")),
                        chunks=int(body.get("chunks", 0)),
                        stored_bytes=int(sum(body.get("chunk_bytes", ()))),
                        authentic=authentic,
                    )
                )
        return rows

    # -- destroy -------------------------------------------------------------------------
    def destroy(
        self, archive_id: str, targets: Sequence[Target], *, actor: str, reason: str = "retention"
    ) -> cert.DestructionCertificate:
        """Destroy the archive key, then delete every object on every target; certify both."""
        subject = archive_subject(archive_id)
        holders = [t for t in targets if t.list(f"{archive_id}/")]
        if not self._store.by_subject(subject) and not holders:
            raise ArchiveNotFound(f"archive {archive_id} is unknown on these targets")
        own = {r.key_id for r in self._store.by_subject(subject)}
        samples = []  # one real chunk under the archive key, to prove it stops decrypting
        for t in holders:
            first = chunk_key(archive_id, 0)
            if t.exists(first):
                blob = t.get(first)
                try:
                    if key_id_of(blob) in own:
                        samples.append(blob)
                        break
                except DecryptionFailed:
                    continue  # a damaged chunk must not block destruction
        erased: Mapping[str, Any] = {"key_ids": [], "proof": []}
        if self._store.by_subject(subject):
            erased = self._shredder.erase_subject(
                subject, actor=actor, reason=reason, samples=samples
            ).body
        deleted = []
        for t in holders:
            objects = list(t.list(f"{archive_id}/"))
            objects.sort(key=lambda k: k.endswith(MANIFEST), reverse=True)  # manifest first
            for key in objects:
                t.delete(key)
            deleted.append(
                {
                    "target": t.name,
                    "region": t.region,
                    "location": t.location(),
                    "objects_deleted": len(objects),
                    "objects_remaining": len(t.list(f"{archive_id}/")),
                }
            )
        body = {
            "kind": "archive-destruction",
            "archive_id": archive_id,
            "key_ids": list(erased["key_ids"]),
            "actor": actor,
            "reason": reason,
            "destroyed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "proof": list(erased["proof"]),
            "copies": deleted,
            "countries": sorted({country_of(t.region) for t in holders}),
        }
        return cert.issue(self._keys, body)
