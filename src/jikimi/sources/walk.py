"""Expand the paths a user names into the files to scan.

Directories are walked in sorted order so that every run sees files in the same order.
Include and exclude globs match paths relative to the directory that was named, in POSIX
form (``logs/2024/app.log``), so a pattern means the same thing on every OS. A file named
explicitly is always scanned: you named it, the globs are for what a walk discovers.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from jikimi.errors import InputError

STDIN = Path("-")
"""Yielded for the path ``-``: read standard input. A file named ``-`` is yielded as ``./-``
made absolute, so the two never collide."""

DEFAULT_SKIP_DIRS: frozenset[str] = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS"})

ErrorHandler = Callable[[Path, OSError], None]


def iter_paths(
    paths: Iterable[str | os.PathLike[str]],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    *,
    skip_dirs: Collection[str] = DEFAULT_SKIP_DIRS,
    on_error: ErrorHandler | None = None,
) -> Iterator[Path]:
    """Yield every file to scan, each real file once.

    Args:
        paths: files, directories, or ``-`` for standard input.
        include: globs; when given, a file found in a directory must match one of them.
            ``*.log`` matches at any depth; a pattern without ``/`` also matches the name.
        exclude: globs for files and directories to leave out (``build/**``, ``*.min.js``,
            ``node_modules``); an excluded directory is not entered.
        follow_symlinks: follow symbolic links found inside directories. Links named
            explicitly are always followed. Each directory is entered at most once, so
            link loops end.
        skip_dirs: directory names never entered (version-control metadata by default).
        on_error: called with the path and the error for paths that cannot be read
            (missing, permission denied); without it such errors raise InputError.
    """
    walker = _Walker(tuple(include), tuple(exclude), follow_symlinks, frozenset(skip_dirs))

    def fail(p: Path, exc: OSError) -> None:
        if on_error is None:
            raise InputError(f"{p}: {exc.strerror or type(exc).__name__}") from exc
        on_error(p, exc)

    for raw in paths:
        text = os.fspath(raw)
        if text == "-":
            yield STDIN
            continue
        p = Path(text)
        if p == STDIN:  # './-': a real file called '-'
            p = Path.cwd() / "-"
        try:
            st = p.stat()
        except OSError as exc:
            fail(p, exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from walker.walk(p, st, fail)
        elif walker.first_visit(st):
            yield p  # regular file, FIFO or device: named explicitly, so read it


class _Walker:
    def __init__(
        self,
        include: tuple[str, ...],
        exclude: tuple[str, ...],
        follow: bool,
        skip_dirs: frozenset[str],
    ) -> None:
        self.include = include
        self.exclude = exclude
        self.follow = follow
        self.skip_dirs = skip_dirs
        self._seen_dirs: set[tuple[int, int]] = set()
        self._seen_files: set[tuple[int, int]] = set()

    def first_visit(self, st: os.stat_result) -> bool:
        key = (st.st_dev, st.st_ino)
        if key in self._seen_files:
            return False
        self._seen_files.add(key)
        return True

    def walk(self, root: Path, root_st: os.stat_result, fail: ErrorHandler) -> Iterator[Path]:
        key = (root_st.st_dev, root_st.st_ino)
        if key in self._seen_dirs:
            return
        self._seen_dirs.add(key)
        # Depth-first, entries in name order, a directory's contents where its name sorts.
        stack: list[Iterator[tuple[Path, str, os.stat_result]]] = [self._entries(root, "", fail)]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
                continue
            path, rel, st = item
            if stat.S_ISDIR(st.st_mode):
                stack.append(self._entries(path, rel + "/", fail))
            else:
                yield path

    def _entries(
        self, directory: Path, rel_dir: str, fail: ErrorHandler
    ) -> Iterator[tuple[Path, str, os.stat_result]]:
        """The directory's subdirectories to enter and files to yield, in name order."""
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            fail(directory, exc)
            return
        for entry in entries:
            rel = f"{rel_dir}{entry.name}"
            path = directory / entry.name
            try:
                if entry.is_symlink() and not self.follow:
                    continue
                st = entry.stat(follow_symlinks=True)
            except OSError as exc:
                fail(path, exc)  # a broken link or an entry that vanished
                continue
            if stat.S_ISDIR(st.st_mode):
                if entry.name in self.skip_dirs or _matches(rel, self.exclude, is_dir=True):
                    continue
                dkey = (st.st_dev, st.st_ino)
                if dkey in self._seen_dirs:
                    continue
                self._seen_dirs.add(dkey)
                yield path, rel, st
            elif stat.S_ISREG(st.st_mode):
                if self.include and not _matches(rel, self.include, is_dir=False):
                    continue
                if _matches(rel, self.exclude, is_dir=False):
                    continue
                if self.first_visit(st):
                    yield path, rel, st
            # sockets, FIFOs and devices inside a tree are never read: they can block


def _matches(rel: str, patterns: Sequence[str], *, is_dir: bool) -> bool:
    """fnmatch on a relative POSIX path; ``*`` crosses ``/`` so ``*.log`` is recursive.

    A directory is tested as ``rel/`` too, so ``build/**`` prunes ``build`` itself, and a
    leading ``**/`` also matches at the top level.
    """
    name = rel.rsplit("/", 1)[-1]
    candidates = (rel, rel + "/") if is_dir else (rel,)
    for pat in patterns:
        pat = pat.replace(os.sep, "/") if os.sep != "/" else pat
        alts = (pat, pat[3:]) if pat.startswith("**/") else (pat,)
        for alt in alts:
            if any(fnmatchcase(c, alt) for c in candidates):
                return True
            if "/" not in alt.rstrip("/") and fnmatchcase(name, alt.rstrip("/")):
                return True
    return False
