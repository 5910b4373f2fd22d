"""Where archive objects are written: one small protocol, a local directory by default.

A target declares the country (ISO 3166 alpha-2, optionally ``/region``) its bytes live
in; residency rules are checked against that declaration before anything is written.
Objects are written under a temporary name and renamed, so a reader never sees half an
object and a killed writer leaves only dot-prefixed temporaries that listing ignores.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from jikimi.backup.errors import BackupError

Data = bytes | bytearray | memoryview


@runtime_checkable
class Target(Protocol):
    """An object store holding archives: local directory, S3-compatible bucket, …"""

    @property
    def name(self) -> str: ...

    @property
    def region(self) -> str: ...

    def location(self) -> str:
        """A human-readable place (path or URL) for listings and certificates."""
        ...

    def put(self, key: str, data: Data) -> None:
        """Store ``data`` under ``key`` atomically (all or nothing).

        A target whose class sets ``takes_views = True`` (jikimi's own do) promises to
        copy or consume ``data`` before returning, and receives a view of a buffer that
        is reused afterwards; any other target receives ``bytes`` it may keep. ``put``
        may be called from a worker thread (one at a time per archive, in chunk order).

        A target may also offer ``put_unsynced(key, data)`` and ``sync(keys)``
        (:class:`LocalTarget` does): backups then write their chunks unsynced and sync
        them all before the manifest.
        """
        ...

    def get(self, key: str) -> bytes:
        """The object's bytes. A target may also offer ``get_into(key, out) -> int``
        (jikimi's :class:`LocalTarget` does): read the object into the writable buffer
        ``out`` and return its length; an object longer than ``out`` returns its full
        length with only a prefix read. Restore and verify then reuse one buffer per
        thread instead of a fresh object per chunk. A target that holds its objects in
        memory may offer ``get_view(key) -> memoryview`` instead (read-only, no copy;
        :class:`MemoryTarget` does)."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> Sequence[str]:
        """Keys under ``prefix``, sorted; temporaries excluded."""
        ...

    def delete(self, key: str) -> None: ...


def country_of(region: str) -> str:
    """``"KR/seoul"`` → ``"KR"``."""
    return region.split("/", 1)[0].strip().upper()


@dataclass(frozen=True, slots=True)
class LocalTarget:
    """A directory on a local or mounted file system."""

    name: str
    root: Path
    region: str
    takes_views: ClassVar[bool] = True  # put writes the data out before returning

    def __post_init__(self) -> None:
        c = country_of(self.region)
        if len(c) != 2 or not c.isalpha():
            raise BackupError(f"target {self.name}: region must start with a 2-letter country")

    def location(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            raise BackupError(f"invalid object key {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key: str, data: Data) -> None:
        """Write, flush to the disk, rename into place, then flush the directory entry."""
        path = self._write(key, data, sync=True)
        _fsync_dir(path.parent)

    def put_unsynced(self, key: str, data: Data) -> None:
        """Like :meth:`put`, but leave the flush to a later :meth:`sync`.

        A backup writes every chunk this way and syncs them all before its manifest:
        one fsync per 4 MiB chunk made the disk wait on each in turn, while the kernel
        can write the chunks back while later ones are being sealed. The manifest is
        what makes an archive exist, so no manifest ever names a chunk a crash can lose.
        """
        self._write(key, data, sync=False)

    def sync(self, keys: Sequence[str]) -> None:
        """Flush objects written with :meth:`put_unsynced`, and their directories."""
        dirs: dict[Path, None] = {}
        for key in keys:
            path = self._path(key)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            dirs[path.parent] = None
        for d in dirs:
            _fsync_dir(d)

    def _write(self, key: str, data: Data, *, sync: bool) -> Path:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise BackupError(f"object {key} is missing on target {self.name}") from None

    def get_into(self, key: str, out: bytearray | memoryview) -> int:
        """Read the object into ``out``; returns its length (see :class:`Target`)."""
        try:
            fd = os.open(self._path(key), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise BackupError(f"object {key} is missing on target {self.name}") from None
        try:
            view = memoryview(out).cast("B")
            got = 0
            while got < len(view):
                n = os.readv(fd, [view[got:]])
                if not n:
                    return got
                got += n
            return max(got, os.fstat(fd).st_size)
        finally:
            os.close(fd)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Sequence[str]:
        if not self.root.is_dir():
            return []
        keys = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = Path(dirpath).relative_to(self.root)
            for f in filenames:
                if not f.startswith("."):
                    key = (rel / f).as_posix()
                    if key.startswith(prefix):
                        keys.append(key)
        return sorted(keys)

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def remove_temporaries(self, prefix: str) -> int:
        """Delete leftovers of a killed writer under ``prefix``; returns how many."""
        d = self.root / prefix
        n = 0
        if d.is_dir():
            for f in d.iterdir():
                if f.name.startswith(".") and f.name.endswith(".tmp"):
                    f.unlink()
                    n += 1
        return n


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (directories cannot be fsynced on every OS)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class MemoryTarget:
    """A target held in a dict: for tests and for measuring the pipeline without a disk."""

    __slots__ = ("_objects", "name", "region")
    takes_views: ClassVar[bool] = True  # put copies

    def __init__(self, name: str, region: str) -> None:
        self.name = name
        self.region = region
        self._objects: dict[str, bytes] = {}

    def location(self) -> str:
        return f"memory:{self.name}"

    def put(self, key: str, data: Data) -> None:
        self._objects[key] = bytes(data)  # a copy: the caller may reuse its buffer

    def get(self, key: str) -> bytes:
        try:
            return self._objects[key]
        except KeyError:
            raise BackupError(f"object {key} is missing on target {self.name}") from None

    def get_view(self, key: str) -> memoryview:
        """The stored object without a copy (see :class:`Target`)."""
        return memoryview(self.get(key))

    def exists(self, key: str) -> bool:
        return key in self._objects

    def list(self, prefix: str = "") -> Sequence[str]:
        return sorted(k for k in self._objects if k.startswith(prefix))

    def delete(self, key: str) -> None:
        self._objects.pop(key, None)
