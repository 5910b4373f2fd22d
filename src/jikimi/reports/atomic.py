"""Write a file completely or not at all.

Reports and baselines are written to a temporary file beside the target and renamed
over it, so a crash, a full disk or a failed scan never leaves a half-written report
that a CI step could mistake for a clean one. The temporary file is created with mode
0600 (reports hold masked personal data) and keeps that mode after the rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO


def atomic_write(path: str | os.PathLike[str], write: Callable[[TextIO], None]) -> None:
    """Call ``write`` on a temporary UTF-8 text file and move it over ``path`` on success.

    Raises:
        OSError: the directory is missing or not writable, or the disk is full; the
            target is then untouched and the temporary file removed.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` completely or not at all (see :func:`atomic_write`)."""

    def write(fh: TextIO) -> None:
        fh.write(text)

    atomic_write(path, write)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` for writers that want a file name (Polars sinks,
    pyarrow); renamed over ``path`` when the block ends without an exception."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
