"""The ``jikimi-backup/2`` container: a file table, and file contents in fixed-size chunks.

The contents of every regular file, in file-table order, are concatenated and cut into
``chunk_size`` pieces; nothing else (no headers, no padding) is in that stream, so a chunk
buffer is filled straight from ``readinto`` and sealed with ``encrypt_into``: no per-chunk
copy on the Python side. The file table (paths, kinds, modes, mtimes, sizes, link targets)
is JSON, sealed as its own object once the contents are written, so it records the sizes
actually read rather than the sizes seen when the walk started.

Three stages overlap on creation: the calling thread reads files into buffers, a small
pool seals them (AES-GCM runs without the GIL), and one thread stores sealed chunks *in
order*, so a writer killed after chunk *n* has stored exactly chunks 0…n. Verify runs
the mirror image: a pool fetches and opens chunks ahead, the calling thread consumes them
in order. Restore does not wait for order: each worker thread fetches, authenticates and
decrypts a chunk into its own buffer, then writes it at its offset (``pwrite``).

Restore trusts nothing in the table: every path must be relative, without ``.``/``..`` or
empty parts, listed once, with every ancestor listed as a directory; files are created
with ``O_EXCL | O_NOFOLLOW``; symbolic links are made only after every file is written,
and each must resolve inside the restore root, lexically *and* once made.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import io
import json
import os
import posixpath
import stat
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jikimi.backup.errors import ArchiveCorrupt, BackupError
from jikimi.shred.envelope import OVERHEAD

TABLE_VERSION = 1
MAX_CHUNK = 1 << 30
_MODE_MASK = 0o755  # like tarfile's "data" filter: no setuid/setgid/sticky, no g/o write
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_OPEN_NEW |= getattr(os, "O_CLOEXEC", 0)


def default_workers(*, caller_busy: bool) -> int:
    """Worker threads: one per core, at most four, less the calling thread's core when it
    has work of its own (reading files on create). Measured on 2 cores: create ran at
    ~5 GB/s with one sealing thread and ~3.5–4.5 GB/s with two; verify was faster with two.
    """
    cores = os.cpu_count() or 1
    return max(1, min(4, cores - 1 if caller_busy else cores))


@dataclass(frozen=True, slots=True)
class Entry:
    """One file-table row. ``kind``: ``d`` directory, ``f`` regular file, ``l`` symlink."""

    kind: str
    path: str
    mode: int
    mtime_ns: int
    size: int = 0
    link: str = ""

    def row(self) -> list[Any]:
        last: int | str = self.link if self.kind == "l" else self.size
        return [self.kind, self.path, self.mode, self.mtime_ns, last]


# -- the file table ----------------------------------------------------------------------
def encode_table(entries: Sequence[Entry]) -> bytes:
    doc = {"v": TABLE_VERSION, "entries": [e.row() for e in entries]}
    return json.dumps(doc, separators=(",", ":")).encode()


def decode_table(raw: bytes, where: str) -> list[Entry]:
    """Parse and check a decrypted file table; every problem is :class:`ArchiveCorrupt`."""
    bad = ArchiveCorrupt(f"file table of {where} is malformed")
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("v") != TABLE_VERSION:
            raise bad
        rows = doc["entries"]
        if not isinstance(rows, list):
            raise bad
        entries = []
        for row in rows:
            kind, path, mode, mtime, last = row
            ok = kind in ("d", "f", "l") and isinstance(path, str)
            ok = ok and all(type(v) is int for v in (mode, mtime)) and 0 <= mode <= 0o7777
            if kind == "l":
                ok = ok and isinstance(last, str)
                entries.append(Entry(kind, path, mode, mtime, 0, str(last)))
            else:
                ok = ok and type(last) is int and last >= 0 and (kind == "f" or last == 0)
                entries.append(Entry(kind, path, mode, mtime, int(last) if ok else 0))
            if not ok:
                raise bad
    except (ValueError, KeyError, TypeError):
        raise bad from None
    check_table(entries, where)
    return entries


def _unsafe_path(path: str) -> bool:
    parts = path.split("/")
    return (
        not path
        or "\x00" in path
        or path.startswith("/")
        or any(p in ("", ".", "..") for p in parts)
    )


def check_table(entries: Sequence[Entry], where: str) -> None:
    """Refuse absolute paths, ``..``, duplicates, entries under non-directories and
    links that point outside the archive root (lexically)."""
    dirs: set[str] = set()
    seen: set[str] = set()
    for n, e in enumerate(entries):
        if _unsafe_path(e.path):
            raise ArchiveCorrupt(f"file table of {where}: entry {n} has an unsafe path")
        if e.path in seen:
            raise ArchiveCorrupt(f"file table of {where}: entry {n} is listed twice")
        parent = posixpath.dirname(e.path)
        if parent and parent not in dirs:
            raise ArchiveCorrupt(f"file table of {where}: entry {n} is not under a directory")
        if e.kind == "l":
            target = e.link
            inside = posixpath.normpath(posixpath.join(parent, target))
            if (
                not target
                or "\x00" in target
                or target.startswith("/")
                or inside == ".."
                or inside.startswith("../")
            ):
                raise ArchiveCorrupt(f"file table of {where}: link {n} points outside")
        seen.add(e.path)
        if e.kind == "d":
            dirs.add(e.path)


# -- walking the source ------------------------------------------------------------------
def scan(src: Path) -> Iterator[tuple[str, str, str, os.stat_result]]:
    """``(kind, archive path, file-system path, lstat)`` in archive order: each directory
    before its children, names sorted. Sockets, FIFOs and devices are skipped."""
    stack = [(os.fspath(src), src.name or "root", os.lstat(src))]
    while stack:
        fs, arc, st = stack.pop()
        if stat.S_ISLNK(st.st_mode):
            yield "l", arc, fs, st
        elif stat.S_ISREG(st.st_mode):
            yield "f", arc, fs, st
        elif stat.S_ISDIR(st.st_mode):
            yield "d", arc, fs, st
            with os.scandir(fs) as it:
                children = sorted(it, key=lambda d: d.name)
            for child in reversed(children):
                stack.append((child.path, f"{arc}/{child.name}", child.stat(follow_symlinks=False)))


# -- creating: read → seal (pool) → store (one thread, in order) ------------------------
Seal = Callable[[int, memoryview, bool, bytearray], int]
Store = Callable[[int, memoryview], None]
_Pair = tuple[bytearray, bytearray]


class _Aborted(Exception):
    """A later chunk is skipped because an earlier one failed."""


class SourceReadError(Exception):
    """Reading a source file failed (carries the errno only, never the path)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


class ChunkWriter:
    """Cuts a byte stream into chunks, seals them on a pool and stores them in order.

    The last full chunk is held back until more data or :meth:`finish` arrives, so the
    final chunk is sealed with its *last* flag (truncation is then detectable).
    """

    def __init__(self, chunk_size: int, seal: Seal, store: Store, workers: int) -> None:
        self._size = chunk_size
        self._seal = seal
        self._store = store
        self._depth = 2 * max(1, workers)
        self._seal_pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="jikimi-seal")
        self._store_pool = ThreadPoolExecutor(1, thread_name_prefix="jikimi-store")
        self._inflight: deque[Future[_Pair]] = deque()
        self._free: list[_Pair] = []
        self._failed = threading.Event()
        self._cur = self._take()
        self._fill = 0
        self._pending: _Pair | None = None
        self._index = 0
        self.total = 0

    def _take(self) -> _Pair:
        if self._free:
            return self._free.pop()
        if len(self._inflight) >= self._depth:
            return self._inflight.popleft().result()  # raises the first failure
        return bytearray(self._size), bytearray(self._size + OVERHEAD)

    def _submit(self, pair: _Pair, n: int, last: bool) -> None:
        index = self._index
        self._index += 1
        sealed = self._seal_pool.submit(self._seal_job, index, pair, n, last)
        self._inflight.append(self._store_pool.submit(self._store_job, index, pair, sealed))

    def _seal_job(self, index: int, pair: _Pair, n: int, last: bool) -> int:
        if self._failed.is_set():
            raise _Aborted
        return self._seal(index, memoryview(pair[0])[:n], last, pair[1])

    def _store_job(self, index: int, pair: _Pair, sealed: Future[int]) -> _Pair:
        try:
            if self._failed.is_set():
                raise _Aborted
            size = sealed.result()
            self._store(index, memoryview(pair[1])[:size])
        except BaseException:
            self._failed.set()
            raise
        return pair

    def read_from(self, fh: io.RawIOBase) -> int:
        """Append everything ``fh`` holds, read straight into chunk buffers; returns bytes.

        A failing read raises :class:`SourceReadError`; a failed seal or store re-raises
        that failure unchanged.
        """
        got = 0
        while True:
            if self._fill == self._size:
                self._pending = self._cur
                self._cur = self._take()
                self._fill = 0
            try:
                n = fh.readinto(memoryview(self._cur[0])[self._fill :])
            except OSError as exc:
                raise SourceReadError(exc.errno) from None
            if not n:
                self.total += got
                return got
            if self._pending is not None:
                self._submit(self._pending, self._size, False)
                self._pending = None
            self._fill += n
            got += n

    def finish(self) -> int:
        """Seal the final chunk (possibly empty), wait for every store; returns the count."""
        if self._pending is not None:  # then the current buffer is still empty
            self._submit(self._pending, self._size, True)
            self._pending = None
        else:
            self._submit(self._cur, self._fill, True)
        while self._inflight:
            self._inflight.popleft().result()
        return self._index

    def close(self) -> None:
        """Stop: later chunks are skipped, running ones are waited for (idempotent)."""
        if self._inflight:
            self._failed.set()
        self._seal_pool.shutdown(wait=True, cancel_futures=True)
        self._store_pool.shutdown(wait=True, cancel_futures=True)
        self._inflight.clear()


# -- reading: fetch + open (pool) → consume (caller, in order) ---------------------------
def read_chunks(
    count: int, open_chunk: Callable[[int, bytearray], int], chunk_size: int, workers: int
) -> Iterator[memoryview]:
    """Plaintext chunks in order, opened ahead on a pool. Each view is valid only until
    the next one is asked for (its buffer is reused)."""
    depth = 2 * max(1, workers)
    free: list[bytearray] = []
    inflight: deque[tuple[Future[int], bytearray]] = deque()
    pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="jikimi-open")
    nxt = 0
    try:
        while nxt < count or inflight:
            while nxt < count and len(inflight) < depth:
                buf = free.pop() if free else bytearray(chunk_size)
                inflight.append((pool.submit(open_chunk, nxt, buf), buf))
                nxt += 1
            fut, buf = inflight.popleft()
            n = fut.result()
            view = memoryview(buf)[:n]
            yield view
            free.append(buf)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def consume_chunks(
    count: int,
    open_chunk: Callable[[int, bytearray], int],
    consume: Callable[[int, memoryview], None],
    chunk_size: int,
    workers: int,
) -> None:
    """Open every chunk and hand its plaintext to ``consume(index, view)``, on ``workers``
    threads (the caller is one of them), in no particular order.

    Each thread reuses one buffer: a chunk is opened (fetched, authenticated, decrypted)
    into it and consumed from it while its bytes are still in the CPU cache, and no
    chunk waits for the one before it. ``consume`` must therefore be thread-safe and
    place bytes by index. Chunks are handed out striped over as many lanes as threads
    (:func:`striped`), so that threads write far-apart parts of the stream, usually
    different files: two writers in one file queue on its inode lock, and restore ran
    at about half the speed. After a failure no further chunk is started; the failure
    of the lowest index among the chunks opened is raised once every thread has stopped.
    """
    order = striped(count, max(1, min(workers, count)))
    lock = threading.Lock()
    state = {"next": 0}
    errors: list[tuple[int, BaseException]] = []
    failed = threading.Event()

    def run() -> None:
        buf = bytearray(chunk_size)
        while not failed.is_set():
            with lock:
                at = state["next"]
                state["next"] = at + 1
            if at >= count:
                return
            index = order[at]
            try:
                n = open_chunk(index, buf)
                consume(index, memoryview(buf)[:n])
            except BaseException as exc:
                with lock:
                    errors.append((index, exc))
                failed.set()
                return

    threads = [
        threading.Thread(target=run, name=f"jikimi-open-{n}", daemon=True)
        for n in range(max(1, min(workers, count)) - 1)
    ]
    for t in threads:
        t.start()
    try:
        run()
    except BaseException:  # e.g. KeyboardInterrupt outside open/consume: stop the others
        failed.set()
        raise
    finally:
        for t in threads:
            t.join()
    if errors:
        raise min(errors, key=lambda e: e[0])[1]


def striped(count: int, lanes: int) -> list[int]:
    """``range(count)`` cut into ``lanes`` contiguous lanes, then interleaved: the first
    index of every lane, then the second of every lane, and so on. Each lane stays in
    order, and consecutive indices come from different lanes."""
    if lanes <= 1 or count <= lanes:
        return list(range(count))
    width = -(-count // lanes)
    return [
        lane * width + step
        for step in range(width)
        for lane in range(lanes)
        if lane * width + step < count
    ]


# -- restoring ---------------------------------------------------------------------------
_PREALLOCATE = 1 << 20  # files from this size get their blocks before the first write
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def _preallocate(fd: int, size: int) -> None:
    """Reserve a file's blocks up front: a full disk fails the restore before gigabytes
    are written, and writes into reserved blocks ran ~1.2-1.4x faster than into a growing
    file (2 GB of 64 MiB files, two threads, ext4). Filesystems without the call skip it."""
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as exc:
        if exc.errno in _NO_SPACE:
            raise BackupError("not enough free space in the restore destination") from None


def _pwrite_all(fd: int, view: memoryview, offset: int) -> None:
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


@dataclass(slots=True)
class _Open:
    """A file being written: its descriptor and the bytes it still waits for."""

    fd: int
    left: int


class Extractor:
    """Writes the content stream into the files of a checked table under ``root``.

    :meth:`write_at` may be called from several threads at once with pieces of the
    stream in any order: each piece goes to its files with ``pwrite`` at its offset. A
    file is created (``O_EXCL | O_NOFOLLOW``) when its first piece arrives and gets its
    mode and mtime, and is closed, by whichever thread writes its last byte.
    """

    def __init__(self, root: Path, entries: Sequence[Entry], where: str) -> None:
        check_table(entries, where)
        self._root = root
        self._where = where
        self._entries = entries
        self._files = [e for e in entries if e.kind == "f" and e.size]
        self._starts: list[int] = []
        pos = 0
        for e in self._files:
            self._starts.append(pos)
            pos += e.size
        self._total = pos
        self._lock = threading.Lock()
        self._open: dict[int, _Open] = {}
        self._done: set[int] = set()
        self._pos = 0  # for write(): the end of what was written in order
        for e in entries:
            if e.kind == "d":
                os.mkdir(self._path(e), 0o700)

    def _path(self, e: Entry) -> str:
        return os.path.join(self._root, *e.path.split("/"))

    def _create(self, e: Entry) -> int:
        try:
            fd = os.open(self._path(e), _OPEN_NEW, 0o600)
        except FileExistsError:
            raise ArchiveCorrupt(f"file table of {self._where} names a file twice") from None
        if e.size >= _PREALLOCATE:
            try:
                _preallocate(fd, e.size)
            except BaseException:  # gone again, so a thread with the next piece fails alike
                os.close(fd)
                os.unlink(self._path(e))
                raise
        return fd

    @staticmethod
    def _seal(fd: int, e: Entry) -> None:
        try:
            os.fchmod(fd, (e.mode & _MODE_MASK) | 0o600)
            os.utime(fd, ns=(e.mtime_ns, e.mtime_ns))
        finally:
            os.close(fd)

    def _acquire(self, n: int) -> int:
        with self._lock:
            f = self._open.get(n)
            if f is None:
                if n in self._done:  # only reachable by overlapping pieces
                    raise ArchiveCorrupt(f"{self._where} writes a file twice")
                f = self._open[n] = _Open(self._create(self._files[n]), self._files[n].size)
            return f.fd

    def _release(self, n: int, wrote: int) -> None:
        with self._lock:
            f = self._open[n]
            f.left -= wrote
            if f.left > 0:
                return
            del self._open[n]
            self._done.add(n)
        self._seal(f.fd, self._files[n])

    def write_at(self, offset: int, view: memoryview) -> None:
        """Write ``view``, the stream's bytes from ``offset`` on, into its files."""
        end = offset + len(view)
        if end > self._total:
            raise ArchiveCorrupt(f"{self._where} holds more bytes than its file table")
        n = bisect.bisect_right(self._starts, offset) - 1
        pos = offset
        while pos < end:
            start = self._starts[n]
            take = min(start + self._files[n].size, end) - pos
            fd = self._acquire(n)
            try:
                _pwrite_all(fd, view[pos - offset : pos - offset + take], pos - start)
            finally:
                self._release(n, take)
            pos += take
            n += 1

    def write(self, view: memoryview) -> None:
        """Append ``view`` to what was written before (one thread, in order)."""
        self.write_at(self._pos, view)
        self._pos += len(view)

    def finish(self) -> None:
        """Check every file is complete, create the empty ones, then make links and set
        directory metadata."""
        if self._open or len(self._done) != len(self._files):
            raise ArchiveCorrupt(f"{self._where} holds fewer bytes than its file table")
        for e in self._entries:
            if e.kind == "f" and not e.size:
                self._seal(self._create(e), e)
        links = [e for e in self._entries if e.kind == "l"]
        for e in links:  # all made first: one link can change where another resolves
            try:
                os.symlink(e.link, self._path(e))
            except FileExistsError:
                raise ArchiveCorrupt(f"file table of {self._where} names a link twice") from None
        root = os.path.realpath(self._root)
        for e in links:
            real = os.path.realpath(self._path(e))
            if real != root and not real.startswith(root + os.sep):
                raise ArchiveCorrupt(f"file table of {self._where}: a link points outside")
            with contextlib.suppress(NotImplementedError, OSError):  # platform-dependent
                os.utime(self._path(e), ns=(e.mtime_ns, e.mtime_ns), follow_symlinks=False)
        for e in reversed(self._entries):  # children before parents: mtimes stick
            if e.kind == "d":
                path = self._path(e)
                os.chmod(path, (e.mode & _MODE_MASK) | 0o700)
                os.utime(path, ns=(e.mtime_ns, e.mtime_ns))

    def abort(self) -> None:
        """Close every file still open (call once no thread writes any more)."""
        with self._lock:
            fds = [f.fd for f in self._open.values()]
            self._open.clear()
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def check_chunk_size(value: Any, where: str) -> int:
    if type(value) is not int or not 1024 <= value <= MAX_CHUNK:
        raise ArchiveCorrupt(f"manifest of {where} has an impossible chunk size")
    return value


__all__ = [
    "ChunkWriter",
    "Entry",
    "Extractor",
    "SourceReadError",
    "check_chunk_size",
    "check_table",
    "consume_chunks",
    "decode_table",
    "default_workers",
    "encode_table",
    "read_chunks",
    "scan",
    "striped",
]
