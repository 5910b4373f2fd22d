"""Encrypted, chunked, authenticated archives on one or more targets.

Layout on a target (``<id>`` = ``YYYYmmddTHHMMSSZ-<16 hex>``), format ``jikimi-backup/2``::

    <id>/chunk-00000000 … chunk-NNNNNNNN   file contents, concatenated, cut into chunks
    <id>/files                               the file table (paths, modes, mtimes, sizes)
    <id>/manifest.json                       written last; HMAC-SHA-256 over its body

Every chunk and the file table are subject ciphertexts (jikimi.shred envelope) under the
archive's own data key. A chunk's associated data is ``jikimi-backup/2|<id>|<index>|<last?>``
and the table's ``jikimi-backup/2|<id>|files|<chunks>|<bytes>``: a chunk moved to another
position, another archive, a truncated tail, or a table from another archive fails to
authenticate. The container itself (no tar) is described in :mod:`jikimi.backup.container`.
``jikimi-backup/1`` archives (a tar stream in the chunks, no table) are still verified and
restored.

The archive key is a row in the subject key store (subject ``archive:<id>``), wrapped
under the keyring master key and kept *beside* the targets, never on them: destroying it
makes every copy unreadable, including copies a provider kept. The manifest is only
written after every chunk and the table, so a killed writer leaves no restorable archive,
only objects that ``list`` marks incomplete. Restore checks the table, then extracts into
a hidden directory renamed into place only after the last chunk authenticated; a failure
leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import stat
import tarfile
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jikimi.backup import container
from jikimi.backup.errors import ArchiveCorrupt, ArchiveDestroyed, ArchiveNotFound, BackupError
from jikimi.backup.residency import ResidencyPolicy
from jikimi.backup.targets import Target, country_of
from jikimi.keys import KeyStore, UnknownKey
from jikimi.shred import DecryptionFailed, KeyDestroyed, Shredder, ShredError, SubjectKeyStore
from jikimi.shred import certificate as cert
from jikimi.shred.envelope import OVERHEAD, key_id_of

FORMAT = "jikimi-backup/2"
FORMAT_V1 = "jikimi-backup/1"  # tar inside the chunks; read (verify, restore), never written
MANIFEST = "manifest.json"
FILES = "files"
DEFAULT_CHUNK = 4 * 1024 * 1024
_MAC_PURPOSE = "backup/manifest-hmac"

ChunkHook = Callable[[int], None]


def archive_subject(archive_id: str) -> str:
    return f"archive:{archive_id}"


def chunk_key(archive_id: str, index: int) -> str:
    return f"{archive_id}/chunk-{index:08d}"


def files_key(archive_id: str) -> str:
    return f"{archive_id}/{FILES}"


def _chunk_aad(archive_id: str, index: int, last: bool, fmt: str = FORMAT) -> bytes:
    return f"{fmt}|{archive_id}|{index}|{int(last)}".encode()


def _table_aad(archive_id: str, chunks: int, total: int) -> bytes:
    return f"{FORMAT}|{archive_id}|{FILES}|{chunks}|{total}".encode()


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


@dataclass(frozen=True, slots=True)
class RewrapResult:
    """What :meth:`Archives.rewrap` changed, and which manifests it refused to re-sign."""

    archive_keys: int
    manifests: int
    refused: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArchiveKeyUser:
    """Archives on given targets, seen as one keyring ``KeyUser``."""

    archives: Archives
    targets: tuple[Target, ...]

    def uses_of(self, key_id: str) -> list[str]:
        return self.archives.uses_of(key_id, self.targets)


class _Source(io.RawIOBase):
    """A read-only stream over decrypted chunks, for ``jikimi-backup/1`` (tar) restores."""

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
        workers: int | None = None,
    ) -> str:
        """Back up a file or directory to every target; returns the archive id.

        Residency is checked for every target before the first byte is written.
        ``after_chunk`` is a test hook called after each chunk reaches every target (in
        order, from the storing thread). ``workers``: sealing threads (default: one per
        core but the caller's, at least 1, at most 4).
        """
        src = Path(source)
        if not src.exists():
            raise ArchiveNotFound(f"backup source {src} does not exist")
        if not targets:
            raise BackupError("no backup target given")
        if not 1024 <= chunk_size <= container.MAX_CHUNK:
            raise BackupError("chunk size must be between 1 KiB and 1 GiB")
        for target in targets:
            self.policy.check(tags, target)
        archive_id = _new_archive_id()
        key_id = self._shredder.key_id_for(archive_subject(archive_id))
        self._shredder.prepare(key_id)  # sealing threads must not touch the key store
        sizes: list[int] = []

        def seal(index: int, plain: memoryview, last: bool, out: bytearray) -> int:
            aad = _chunk_aad(archive_id, index, last)
            return self._shredder.seal_into(key_id, plain, aad, out)

        unsynced: list[list[str]] = [[] for _ in targets]  # chunks whose flush waits

        def store(index: int, sealed: memoryview) -> None:
            key = chunk_key(archive_id, index)
            for target, waiting in zip(targets, unsynced, strict=True):
                data = sealed if getattr(target, "takes_views", False) else bytes(sealed)
                put_unsynced = getattr(target, "put_unsynced", None)
                if put_unsynced is None:
                    target.put(key, data)
                else:
                    put_unsynced(key, data)
                    waiting.append(key)
            sizes.append(len(sealed))
            if after_chunk is not None:
                after_chunk(index)

        writer = container.ChunkWriter(
            chunk_size, seal, store, workers or container.default_workers(caller_busy=True)
        )
        try:
            try:
                entries = self._stream(src, writer)
                count = writer.finish()
            finally:
                writer.close()  # nothing runs behind _discard's back
            for target, waiting in zip(targets, unsynced, strict=True):
                if waiting:  # every chunk on the disk before a manifest names it
                    target.sync(waiting)  # type: ignore[attr-defined]
            table = self._shredder.encrypt_with(
                key_id,
                container.encode_table(entries),
                _table_aad(archive_id, count, writer.total),
            )
            for target in targets:
                target.put(files_key(archive_id), table)
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
                "plaintext_bytes": writer.total,
                "files": len(entries),
                "files_bytes": len(table),
                "mac_key_id": master_id,
            }
            for target in targets:
                self._put_manifest(target, body)
        except Exception:  # a kill (or BaseException) leaves an incomplete archive instead
            self._discard(archive_id, targets)
            raise
        return archive_id

    @staticmethod
    def _stream(src: Path, writer: container.ChunkWriter) -> list[container.Entry]:
        """Feed every regular file into ``writer``; the table records the bytes read."""
        entries: list[container.Entry] = []
        n = 0

        def unreadable(code: int | None) -> BackupError:  # the path may be personal data
            name = errno.errorcode.get(code or 0, "unknown error")
            return BackupError(f"source entry #{n} could not be read ({name})")

        items = container.scan(src)
        while True:  # OSError is caught around source calls only: a failed store keeps its own
            try:
                kind, arc, fs, st = next(items)
                fh = open(fs, "rb", buffering=0) if kind == "f" else None  # noqa: SIM115
                link = os.readlink(fs) if kind == "l" else ""
            except StopIteration:
                return entries
            except OSError as exc:
                raise unreadable(exc.errno) from None
            if fh is not None:
                with fh:
                    try:
                        size = writer.read_from(fh)
                    except container.SourceReadError as exc:
                        raise unreadable(exc.code) from None
                    st = os.fstat(fh.fileno())  # mode and mtime of what was read
                entry = container.Entry("f", arc, stat.S_IMODE(st.st_mode), st.st_mtime_ns, size)
            else:
                entry = container.Entry(
                    kind, arc, stat.S_IMODE(st.st_mode), st.st_mtime_ns, link=link
                )
            entries.append(entry)
            n += 1

    def _put_manifest(self, target: Target, body: Mapping[str, Any]) -> None:
        manifest = dict(body, target=target.name, region=target.region)
        doc = {"body": manifest, "mac": _mac(self._keys, str(body["mac_key_id"]), manifest)}
        target.put(f"{body['archive_id']}/{MANIFEST}", json.dumps(doc, indent=1).encode())

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
        if body.get("format") not in (FORMAT, FORMAT_V1) or body.get("archive_id") != archive_id:
            raise ArchiveCorrupt(f"manifest on {target.name} belongs to another archive")
        if body.get("target") != target.name or body.get("region") != target.region:
            raise ArchiveCorrupt(f"manifest of {archive_id} was written for another target")
        container.check_chunk_size(body.get("chunk_size"), archive_id)
        return dict(body)

    def _table(self, target: Target, body: Mapping[str, Any]) -> list[container.Entry]:
        """The decrypted, checked file table of a ``jikimi-backup/2`` copy."""
        archive_id = body["archive_id"]
        try:
            sealed = target.get(files_key(archive_id))
        except BackupError:
            raise ArchiveCorrupt(
                f"file table of {archive_id} is missing on {target.name}"
            ) from None
        aad = _table_aad(archive_id, int(body["chunks"]), int(body["plaintext_bytes"]))
        raw = self._open(sealed, aad, body, f"file table of {archive_id} on {target.name}")
        entries = container.decode_table(raw, archive_id)
        if sum(e.size for e in entries) != body["plaintext_bytes"]:
            raise ArchiveCorrupt(f"file table of {archive_id} does not match its manifest")
        return entries

    def _prepare(self, body: Mapping[str, Any]) -> None:
        """Unwrap the archive key here: worker threads must not touch the key store."""
        try:
            self._shredder.prepare(str(body["archive_key_id"]))
        except KeyDestroyed:
            raise ArchiveDestroyed(
                f"archive {body['archive_id']} cannot be opened: its key was destroyed"
            ) from None
        except ShredError:
            raise ArchiveCorrupt(
                f"archive key of {body['archive_id']} cannot be unwrapped with this keyring"
            ) from None

    def _open(self, sealed: bytes, aad: bytes, body: Mapping[str, Any], what: str) -> bytes:
        try:
            if key_id_of(sealed) != body["archive_key_id"]:
                raise ArchiveCorrupt(f"{what} is under another key")
            return self._shredder.decrypt(sealed, aad)
        except KeyDestroyed:
            raise ArchiveDestroyed(
                f"archive {body['archive_id']} cannot be opened: its key was destroyed"
            ) from None
        except DecryptionFailed:
            raise ArchiveCorrupt(f"{what} fails authentication") from None

    def _chunk_opener(
        self, target: Target, body: Mapping[str, Any]
    ) -> Callable[[int, bytearray], int]:
        """``open_chunk(index, buf)``: fetch chunk ``index``, authenticate and decrypt it
        into ``buf``; returns the plaintext length. Safe to call from worker threads
        (after :meth:`_prepare`)."""
        archive_id = body["archive_id"]
        count = int(body["chunks"])
        size = int(body["chunk_size"])
        stored = list(body.get("chunk_bytes", ()))
        fmt = str(body["format"])

        get_view = getattr(target, "get_view", None)
        get_into = getattr(target, "get_into", None)
        local = threading.local()  # one reused buffer per thread for get_into

        def fetch(key: str) -> bytes | memoryview:
            if get_view is not None:
                return memoryview(get_view(key))
            if get_into is None:
                return target.get(key)
            buf = getattr(local, "buf", None)
            if buf is None:
                buf = local.buf = bytearray(size + OVERHEAD + 1)
            n = get_into(key, buf)
            return memoryview(buf)[: min(n, len(buf))]  # too long: still caught below

        def open_chunk(index: int, buf: bytearray) -> int:
            where = f"chunk {index} of {archive_id} on {target.name}"
            try:
                sealed = fetch(chunk_key(archive_id, index))
            except BackupError:
                raise ArchiveCorrupt(f"{where} is missing") from None
            if len(stored) == count and len(sealed) != stored[index]:
                raise ArchiveCorrupt(f"{where} has the wrong size")
            if len(sealed) > size + OVERHEAD:
                raise ArchiveCorrupt(f"{where} is larger than a chunk")
            last = index == count - 1
            try:
                if key_id_of(bytes(sealed[:OVERHEAD])) != body["archive_key_id"]:
                    raise ArchiveCorrupt(f"{where} is under another key")
                n = self._shredder.open_into(sealed, _chunk_aad(archive_id, index, last, fmt), buf)
            except KeyDestroyed:
                raise ArchiveDestroyed(
                    f"archive {archive_id} cannot be opened: its key was destroyed"
                ) from None
            except DecryptionFailed:
                raise ArchiveCorrupt(f"{where} fails authentication") from None
            if not last and n != size:
                raise ArchiveCorrupt(f"{where} is shorter than a chunk")
            return n

        if count < 1:
            raise ArchiveCorrupt(f"manifest of {archive_id} lists no chunk")
        return open_chunk

    @staticmethod
    def _no_extra_chunk(target: Target, body: Mapping[str, Any]) -> None:
        archive_id = body["archive_id"]
        if target.exists(chunk_key(archive_id, int(body["chunks"]))):
            raise ArchiveCorrupt(f"archive {archive_id} on {target.name} has extra chunks")

    def _chunks(
        self, target: Target, body: Mapping[str, Any], workers: int
    ) -> Generator[memoryview, None, None]:
        """Every plaintext chunk in order, authenticated; fetched and opened ahead."""
        open_chunk = self._chunk_opener(target, body)
        self._prepare(body)
        yield from container.read_chunks(
            int(body["chunks"]), open_chunk, int(body["chunk_size"]), workers
        )
        self._no_extra_chunk(target, body)

    def _complete_copies(self, archive_id: str, targets: Sequence[Target]) -> list[Target]:
        found = [t for t in targets if t.exists(f"{archive_id}/{MANIFEST}")]
        if not found:
            if self._store.by_subject(archive_subject(archive_id)):
                raise ArchiveNotFound(f"no complete copy of archive {archive_id} on these targets")
            raise ArchiveDestroyed(
                f"archive {archive_id} cannot be opened: no copy and no key (destroyed or unknown)"
            )
        return found

    def verify(
        self, archive_id: str, targets: Sequence[Target], *, workers: int | None = None
    ) -> VerifyResult:
        """Authenticate the manifest, the file table and every chunk of every copy."""
        copies = self._complete_copies(archive_id, targets)
        body: dict[str, Any] = {}
        for target in copies:
            body = self._manifest(target, archive_id)
            if body["format"] == FORMAT:
                self._table(target, body)
            chunks = self._chunks(
                target, body, workers or container.default_workers(caller_busy=False)
            )
            total = sum(len(c) for c in chunks)
            if total != body["plaintext_bytes"]:
                raise ArchiveCorrupt(f"archive {archive_id} on {target.name} has the wrong size")
        return VerifyResult(
            archive_id,
            tuple(t.name for t in copies),
            int(body["chunks"]),
            int(body["plaintext_bytes"]),
        )

    def restore(
        self,
        archive_id: str,
        targets: Sequence[Target],
        dest: str | Path,
        *,
        workers: int | None = None,
    ) -> Path:
        """Extract the archive into ``dest`` (which must not exist) from the first copy.

        The file table is checked (no absolute path, ``..``, duplicate or escaping link)
        before anything is written; extraction goes to a hidden sibling directory renamed
        into place only after every chunk authenticated and every size matched.
        """
        out = Path(dest)
        if out.exists():
            raise BackupError(f"restore destination {out} already exists")
        target = self._complete_copies(archive_id, targets)[0]
        body = self._manifest(target, archive_id)
        entries = self._table(target, body) if body["format"] == FORMAT else None
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.restore-", dir=out.parent))
        workers = workers or container.default_workers(caller_busy=False)
        try:
            if entries is None:
                chunks = self._chunks(target, body, workers)
                try:
                    total = self._untar(chunks, tmp, archive_id)
                finally:
                    chunks.close()
            else:
                total = self._extract(target, body, entries, tmp, workers)
            if total != body["plaintext_bytes"]:
                raise ArchiveCorrupt(f"archive {archive_id} has the wrong size")
            tmp.rename(out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out

    def _extract(
        self,
        target: Target,
        body: Mapping[str, Any],
        entries: Sequence[container.Entry],
        tmp: Path,
        workers: int,
    ) -> int:
        """Restore a ``jikimi-backup/2`` copy into ``tmp``; returns the bytes written.

        Every worker thread fetches a chunk, authenticates and decrypts it into its own
        buffer, and only then writes it, at its offset, into the files it covers: no
        chunk's bytes reach a file before that chunk authenticated, and the writes of
        two chunks run side by side instead of one thread writing everything.
        """
        open_chunk = self._chunk_opener(target, body)
        size = int(body["chunk_size"])
        extractor = container.Extractor(tmp, entries, str(body["archive_id"]))
        written = [0]
        lock = threading.Lock()

        def consume(index: int, view: memoryview) -> None:
            extractor.write_at(index * size, view)
            with lock:
                written[0] += len(view)

        self._prepare(body)
        try:
            container.consume_chunks(int(body["chunks"]), open_chunk, consume, size, workers)
            self._no_extra_chunk(target, body)
            extractor.finish()
        finally:
            extractor.abort()
        return written[0]

    @staticmethod
    def _untar(chunks: Iterator[memoryview], tmp: Path, archive_id: str) -> int:
        """Restore a ``jikimi-backup/1`` copy (tar stream, ``data`` filter)."""
        src = _Source(bytes(c) for c in chunks)
        stream = io.BufferedReader(src, buffer_size=1 << 20)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                tar.extractall(tmp, filter="data")
            while stream.read(1 << 20):  # tar padding: authenticate every last chunk
                pass
        except tarfile.TarError:
            raise ArchiveCorrupt(f"archive {archive_id} does not hold a valid tar stream") from None
        return src.total

    # -- master key life cycle ------------------------------------------------------------
    def rewrap(self, targets: Sequence[Target]) -> RewrapResult:
        """After a keyring rotation: re-wrap every archive key and re-authenticate every
        manifest on ``targets`` under the current primary master key.

        A manifest is re-signed only after its old MAC verified, so this never blesses a
        tampered manifest; those that do not verify are left as they are and reported.
        Chunks and file tables are untouched (they are under the archive keys).
        """
        rewrapped = self._shredder.rewrap()
        primary = self._keys.primary().key_id
        resigned = 0
        refused: list[str] = []
        for target in targets:
            for archive_id in self._archive_ids(target):
                if not target.exists(f"{archive_id}/{MANIFEST}"):
                    continue
                try:
                    body = self._manifest(target, archive_id)
                except ArchiveCorrupt:
                    refused.append(f"{archive_id} on {target.name}")
                    continue
                if body["mac_key_id"] != primary:
                    self._put_manifest(target, dict(body, mac_key_id=primary))
                    resigned += 1
        return RewrapResult(rewrapped, resigned, tuple(refused))

    def uses_of(self, key_id: str, targets: Sequence[Target]) -> list[str]:
        """What of these archives still needs master key ``key_id``: archive keys wrapped
        under it, manifests authenticated with it, manifests too damaged to tell."""
        uses = [f"archive {u}" for u in self._shredder.uses_of(key_id)]
        for target in targets:
            signed = unreadable = 0
            for archive_id in self._archive_ids(target):
                if not target.exists(f"{archive_id}/{MANIFEST}"):
                    continue  # incomplete: nothing under a master key (a target error raises)
                try:
                    doc = json.loads(target.get(f"{archive_id}/{MANIFEST}"))
                    mac_key = str(doc["body"]["mac_key_id"])
                except (ValueError, KeyError, TypeError):
                    unreadable += 1
                    continue
                signed += mac_key == key_id
            if signed:
                uses.append(f"{signed} archive manifest(s) on {target.name} are signed with it")
            if unreadable:
                uses.append(
                    f"{unreadable} archive manifest(s) on {target.name} are unreadable "
                    "(cannot tell which key they need; destroy or repair them)"
                )
        return uses

    def key_user(self, targets: Sequence[Target]) -> ArchiveKeyUser:
        """These archives as a keyring :class:`~jikimi.keys.KeyUser` (for ``retire``)."""
        return ArchiveKeyUser(self, tuple(targets))

    @staticmethod
    def _archive_ids(target: Target) -> list[str]:
        return sorted({k.split("/", 1)[0] for k in target.list() if "/" in k})

    # -- inventory -----------------------------------------------------------------------
    def list_copies(self, targets: Sequence[Target]) -> list[ArchiveCopy]:
        """Every archive (complete or not) on every target, for "what do we hold where?"."""
        rows: list[ArchiveCopy] = []
        for target in targets:
            for archive_id in self._archive_ids(target):
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
                        stored_bytes=int(sum(body.get("chunk_bytes", ())))
                        + int(body.get("files_bytes", 0)),
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
