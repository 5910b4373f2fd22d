"""Scan files, directory trees and standard input for personal data.

Files are detected (encoding or binary), decoded incrementally and streamed through the
engine, so a file of any size is never held in memory whole. Several files are scanned
in parallel worker processes, each with its own compiled engine; a file that cannot be
read becomes an ``error`` result and the scan goes on. Results come back in the order
the walk found the files, whatever order the workers finish in, so output is stable.
"""

from __future__ import annotations

import bisect
import io
import multiprocessing
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, TextIO

from jikimi.detect import registry
from jikimi.detect.engine import CHUNK_CHARS, OVERLAP_CHARS, Engine
from jikimi.detect.registry import select
from jikimi.scanner import DEFAULT_MIN_SCORE, engine_for, norm_entities, norm_languages
from jikimi.sources.text import (
    CHUNK_BYTES,
    SAMPLE_BYTES,
    DecodeStats,
    decode_chunks,
    detect_encoding,
    iter_blocks,
    read_text_chunks,
    sniff_file,
)
from jikimi.sources.walk import STDIN, iter_paths
from jikimi.types import EntityId, Finding

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(bytes_done, bytes_total)`` while a scan runs."""

STDIN_NAME = "-"

_BATCH_BYTES = 8 << 20  # small files travel to workers in batches of about this size
_BATCH_FILES = 128
_MIN_BATCH_BYTES = 64 << 10
_MAX_POOL_RESTARTS = 3
_PARALLEL_MIN_BYTES = 4 << 20  # below this, compiling an engine per worker costs more than it saves
_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class FileStatus(StrEnum):
    """What happened to one file."""

    OK = "ok"  # decoded and scanned (findings may be empty)
    BINARY = "binary"  # not text: skipped
    ERROR = "error"  # could not be read; ``error`` says why
    SKIPPED = "skipped"  # deliberately not read (not a regular file, ...)


@dataclass(frozen=True, slots=True)
class LocatedFinding:
    """A finding with the 1-based line and column (in code points) where it starts."""

    finding: Finding
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome of scanning one file.

    ``error`` names the failure (``permission denied``), never file content.
    ``replacements`` counts undecodable byte sequences read as U+FFFD.
    """

    path: str
    status: FileStatus
    encoding: str | None = None
    size_bytes: int = 0
    findings: tuple[LocatedFinding, ...] = ()
    error: str | None = None
    replacements: int = 0


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """Totals over a scan, for a closing line or a report header."""

    files_scanned: int = 0
    files_binary: int = 0
    files_skipped: int = 0
    files_error: int = 0
    bytes_scanned: int = 0
    replacements: int = 0
    findings_by_entity: Mapping[EntityId, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def files_total(self) -> int:
        return self.files_scanned + self.files_binary + self.files_skipped + self.files_error

    @property
    def findings_total(self) -> int:
        return sum(self.findings_by_entity.values())

    def add(self, result: FileResult) -> ScanSummary:
        """This summary with one more file counted."""
        counts = dict(self.findings_by_entity)
        for lf in result.findings:
            counts[lf.finding.entity] = counts.get(lf.finding.entity, 0) + 1
        ok = result.status is FileStatus.OK
        return ScanSummary(
            files_scanned=self.files_scanned + ok,
            files_binary=self.files_binary + (result.status is FileStatus.BINARY),
            files_skipped=self.files_skipped + (result.status is FileStatus.SKIPPED),
            files_error=self.files_error + (result.status is FileStatus.ERROR),
            bytes_scanned=self.bytes_scanned + (result.size_bytes if ok else 0),
            replacements=self.replacements + result.replacements,
            findings_by_entity=MappingProxyType(dict(sorted(counts.items()))),
        )

    @classmethod
    def of(cls, results: Iterable[FileResult]) -> ScanSummary:
        summary = cls()
        for r in results:
            summary = summary.add(r)
        return summary


# -- public entry points ------------------------------------------------------------------------


def scan_path(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    languages: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    ner: bool = False,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    follow_symlinks: bool = False,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[FileResult]:
    """Scan files and directories (recursively) for personal data.

    Args:
        paths: a path or several; directories are walked, ``-`` reads standard input.
        languages, entities, min_score, ner: as for :func:`jikimi.scan_text`.
        include, exclude: globs on paths relative to a named directory (see
            :func:`jikimi.sources.iter_paths`); files named explicitly are always scanned.
        follow_symlinks: follow symbolic links found while walking.
        workers: at most this many processes scan in parallel (default: CPU count); 1
            scans in this process. A single file, or a few MiB in all, is always scanned
            in this process: each worker compiles its own engine, which takes a second.
        progress: called with ``(bytes_done, bytes_total)`` as files complete.

    Returns:
        An iterator of one :class:`FileResult` per file, in walk order. Bad arguments
        (unknown entity or language, workers < 1) raise UsageError at once.
    """
    from jikimi.errors import UsageError

    ents = norm_entities(entities)
    langs = norm_languages(languages)
    select(ents, langs)  # validates languages without compiling anything
    if ner:
        from jikimi.detect.ner import taggers_for

        taggers_for(langs)  # a missing [ner] extra fails here, not in a worker
    if workers is not None and workers < 1:
        raise UsageError("workers must be at least 1")
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    opts = _Options(ents, langs, min_score, ner)
    return _run(
        list(paths),
        tuple(include),
        tuple(exclude),
        follow_symlinks,
        workers or os.cpu_count() or 1,
        progress,
        opts,
    )


def scan_stream_text(
    stream: TextIO | BinaryIO,
    *,
    languages: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    ner: bool = False,
    path: str = STDIN_NAME,
) -> FileResult:
    """Scan a text or binary stream (standard input, a pipe) without reading it whole.

    A binary stream has its encoding detected from the first 64 KiB, like a file; a
    text stream is taken as already decoded.
    """
    opts = _Options(norm_entities(entities), norm_languages(languages), min_score, ner)
    return _scan_stream(stream, path, opts, None)


# -- internals: options, line tracking ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Options:
    entities: frozenset[EntityId] | None
    languages: frozenset[str] | None
    min_score: float
    ner: bool = False

    def engine(self) -> Engine:
        return engine_for(self.entities, self.languages, self.ner)


class _Lines:
    """Pass text pieces through while remembering enough to turn offsets into line:column.

    Only the pieces the engine may still report findings in are kept: the engine holds
    at most a window plus overlaps behind the newest piece, and reports in offset order.
    """

    _RETAIN = 2 * (CHUNK_CHARS + OVERLAP_CHARS)

    def __init__(self, pieces: Iterable[str]) -> None:
        self._pieces = pieces
        self._starts: list[int] = []
        self._chunks: list[tuple[int, int, str]] = []  # (line, column base, text)
        self._newlines: dict[int, list[int]] = {}  # chunk start -> newline offsets
        self._end = 0
        self._line = 1
        self._col = 0  # characters since the last newline

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            if not piece:
                continue
            self._trim(self._end - self._RETAIN - len(piece))
            self._starts.append(self._end)
            self._chunks.append((self._line, self._col, piece))
            nl = piece.count("\n")
            if nl:
                self._line += nl
                self._col = len(piece) - piece.rfind("\n") - 1
            else:
                self._col += len(piece)
            self._end += len(piece)
            yield piece

    def _trim(self, keep_from: int) -> None:
        drop = 0
        while drop < len(self._starts) - 1 and self._starts[drop + 1] <= keep_from:
            self._newlines.pop(self._starts[drop], None)
            drop += 1
        if drop:
            del self._starts[:drop]
            del self._chunks[:drop]

    def locate(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset still in the retained pieces."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            raise RuntimeError("finding offset precedes the retained text")
        start = self._starts[i]
        line, col_base, text = self._chunks[i]
        nls = self._newlines.get(start)
        if nls is None:
            nls = self._newlines[start] = _newline_offsets(text)
        local = offset - start
        k = bisect.bisect_left(nls, local)
        if k:
            return line + k, local - nls[k - 1]
        return line, col_base + local + 1


def _newline_offsets(text: str) -> list[int]:
    out: list[int] = []
    i = text.find("\n")
    while i >= 0:
        out.append(i)
        i = text.find("\n", i + 1)
    return out


def _scan_pieces(pieces: Iterable[str], opts: _Options) -> tuple[LocatedFinding, ...]:
    lines = _Lines(pieces)
    out = []
    for f in opts.engine().scan_stream(lines):
        if f.score >= opts.min_score:
            line, col = lines.locate(f.start)
            out.append(LocatedFinding(f, line, col))
    return tuple(out)


# -- internals: one file or stream ---------------------------------------------------------------


def _os_message(exc: OSError) -> str:
    """The reason only (``permission denied``): never content, and the path is elsewhere."""
    reason = exc.strerror or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _scan_file(path: str, opts: _Options, on_bytes: Callable[[int], None] | None) -> FileResult:
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            return FileResult(path, FileStatus.SKIPPED, error="is a directory")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or process substitution named explicitly
            with open(path, "rb") as fh:
                return _scan_stream(fh, path, opts, on_bytes)
        encoding = sniff_file(path)
        if encoding is None:
            return FileResult(path, FileStatus.BINARY, size_bytes=st.st_size)
        stats = DecodeStats()
        chunks = read_text_chunks(path, encoding, CHUNK_BYTES, stats)
        findings = _scan_pieces(_reporting(chunks, stats, on_bytes), opts)
        return FileResult(
            path,
            FileStatus.OK,
            encoding=encoding,
            size_bytes=stats.bytes_read,
            findings=findings,
            replacements=stats.replacements,
        )
    except OSError as exc:
        return FileResult(path, FileStatus.ERROR, error=_os_message(exc))
    except Exception as exc:  # one bad file must not end a scan of thousands
        return FileResult(path, FileStatus.ERROR, error=f"internal error ({type(exc).__name__})")


def _reporting(
    chunks: Iterable[str], stats: DecodeStats, on_bytes: Callable[[int], None] | None
) -> Iterator[str]:
    done = 0
    for chunk in chunks:
        yield chunk
        if on_bytes is not None and stats.bytes_read > done:
            on_bytes(stats.bytes_read - done)
            done = stats.bytes_read


def _scan_stream(
    stream: TextIO | BinaryIO,
    path: str,
    opts: _Options,
    on_bytes: Callable[[int], None] | None,
) -> FileResult:
    try:
        probe = stream.read(0)
        if isinstance(probe, str):
            text_stream: TextIO = stream  # type: ignore[assignment]
            pieces = iter(lambda: text_stream.read(CHUNK_CHARS), "")
            findings = _scan_pieces(pieces, opts)
            return FileResult(
                path,
                FileStatus.OK,
                encoding=getattr(stream, "encoding", None),
                findings=findings,
            )
        raw: BinaryIO = stream  # type: ignore[assignment]
        head = b""
        while len(head) < SAMPLE_BYTES:  # pipes return short reads
            block = raw.read(SAMPLE_BYTES - len(head))
            if not block:
                break
            head += block
        at_eof = len(head) < SAMPLE_BYTES
        encoding = detect_encoding(head, complete=at_eof)
        if encoding is None:
            rest = sum(len(b) for b in iter_blocks(raw))  # drain, so a pipe writer ends
            return FileResult(path, FileStatus.BINARY, size_bytes=len(head) + rest)
        stats = DecodeStats()
        chunks = decode_chunks(chain((head,), iter_blocks(raw)), encoding, stats)
        findings = _scan_pieces(_reporting(chunks, stats, on_bytes), opts)
        return FileResult(
            path,
            FileStatus.OK,
            encoding=encoding,
            size_bytes=stats.bytes_read,
            findings=findings,
            replacements=stats.replacements,
        )
    except OSError as exc:
        return FileResult(path, FileStatus.ERROR, error=_os_message(exc))
    except (UnicodeDecodeError, io.UnsupportedOperation) as exc:
        return FileResult(
            path, FileStatus.ERROR, error=f"cannot read stream ({type(exc).__name__})"
        )


def _scan_stdin(opts: _Options) -> FileResult:
    """Standard input as bytes when possible, so its encoding is detected like a file's."""
    stdin = sys.stdin
    if stdin is None:
        return FileResult(STDIN_NAME, FileStatus.ERROR, error="no standard input")
    return _scan_stream(getattr(stdin, "buffer", stdin), STDIN_NAME, opts, None)


def _scan_batch(batch: list[str], opts: _Options) -> list[FileResult]:
    """Worker entry point: scan a few files with this process's cached engine."""
    return [_scan_file(p, opts, None) for p in batch]


# -- internals: the driver ----------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    index: int
    path: str
    size: int


def _plan(
    paths: list[str | os.PathLike[str]],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow: bool,
) -> tuple[list[_Job | FileResult], int]:
    """Walk everything first: the progress bar needs the total, and order must be fixed."""
    items: list[_Job | FileResult] = []

    def on_error(p: Path, exc: OSError) -> None:
        items.append(FileResult(str(p), FileStatus.ERROR, error=_os_message(exc)))

    total = 0
    for p in iter_paths(paths, include, exclude, follow, on_error=on_error):
        if p == STDIN and not p.is_absolute():
            items.append(_Job(len(items), STDIN_NAME, 0))
            continue
        try:
            size = p.stat().st_size
        except OSError as exc:
            on_error(p, exc)
            continue
        items.append(_Job(len(items), str(p), size))
        total += size
    return items, total


def _batches(jobs: list[_Job], workers: int) -> list[list[_Job]]:
    """Files grouped for the pool: small files travel together, but never in so few
    batches that a worker sits idle (at least about four per worker)."""
    total = sum(j.size for j in jobs)
    limit = max(_MIN_BATCH_BYTES, min(_BATCH_BYTES, total // (4 * workers)))
    out: list[list[_Job]] = []
    cur: list[_Job] = []
    cur_bytes = 0
    for job in jobs:
        if cur and (cur_bytes + job.size > limit or len(cur) >= _BATCH_FILES):
            out.append(cur)
            cur, cur_bytes = [], 0
        cur.append(job)
        cur_bytes += job.size
    if cur:
        out.append(cur)
    return out


def _run(
    paths: list[str | os.PathLike[str]],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    follow: bool,
    workers: int,
    progress: ProgressCallback | None,
    opts: _Options,
) -> Iterator[FileResult]:
    items, total = _plan(paths, include, exclude, follow)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(min(done, total), total)

    jobs = [it for it in items if isinstance(it, _Job)]
    file_jobs = [j for j in jobs if j.path != STDIN_NAME]
    if workers <= 1 or len(file_jobs) <= 1 or total < _PARALLEL_MIN_BYTES or not _can_spawn():
        for it in items:
            if isinstance(it, FileResult):
                yield it
                continue
            before = done
            if it.path == STDIN_NAME:
                yield _scan_stdin(opts)
                continue
            result = _scan_file(it.path, opts, advance)
            advance(it.size - (done - before))  # settle: the file may have changed size
            yield result
        return
    yield from _run_parallel(items, file_jobs, workers, opts, advance)


def _pool(workers: int, ctx: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides what happens, so
    # workers do not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _abandon(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    procs = getattr(pool, "_processes", None) or {}
    for proc in list(procs.values()):
        proc.terminate()


def _can_spawn() -> bool:
    """Worker processes re-import ``__main__`` from its file; a script read from standard
    input has none, and every worker would die on start."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or os.path.exists(main_file)


def _run_parallel(
    items: list[_Job | FileResult],
    file_jobs: list[_Job],
    workers: int,
    opts: _Options,
    advance: Callable[[int], None],
) -> Iterator[FileResult]:
    ready: dict[int, FileResult] = {
        i: it for i, it in enumerate(items) if isinstance(it, FileResult)
    }
    for i, it in enumerate(items):
        if isinstance(it, _Job) and it.path == STDIN_NAME:
            ready[i] = _scan_stdin(opts)
    pending = _batches(file_jobs, workers)
    pending.reverse()  # pop() from the end takes them in walk order
    nxt = 0
    restarts = 0
    ctx = multiprocessing.get_context(_START_METHOD)
    if _START_METHOD == "forkserver":  # workers fork from a server that imported these once
        recognizer_modules = list(registry.RECOGNIZER_MODULES)
        ctx.set_forkserver_preload(["jikimi.pathscan", *recognizer_modules])
    pool = _pool(min(workers, len(pending)), ctx)
    in_flight: dict[Future[list[FileResult]], list[_Job]] = {}
    try:
        while pending or in_flight:
            while pending and len(in_flight) < 2 * workers:
                batch = pending.pop()
                fut = pool.submit(_scan_batch, [j.path for j in batch], opts)
                in_flight[fut] = batch
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                batch = in_flight.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken = True
                    results = [
                        FileResult(j.path, FileStatus.ERROR, error="worker process failed")
                        for j in batch
                    ]
                for job, res in zip(batch, results, strict=True):
                    ready[job.index] = res
                    advance(job.size)
            if broken:
                pool.shutdown(wait=False, cancel_futures=True)
                for batch in in_flight.values():
                    pending.append(batch)  # not yet known to be at fault: retry
                in_flight.clear()
                restarts += 1
                if restarts > _MAX_POOL_RESTARTS:
                    for batch in pending:
                        for job in batch:
                            ready[job.index] = FileResult(
                                job.path, FileStatus.ERROR, error="worker process failed"
                            )
                            advance(job.size)
                    pending.clear()
                else:
                    pool = _pool(min(workers, max(len(pending), 1)), ctx)
            while nxt in ready:
                yield ready.pop(nxt)
                nxt += 1
    except BaseException:  # Ctrl-C, or the consumer stopped early: do not wait for workers
        _abandon(pool)
        raise
    pool.shutdown(wait=True)
    while nxt in ready:
        yield ready.pop(nxt)
        nxt += 1
