"""A disk cache for compiled Hyperscan databases.

Compiling the full recognizer set takes seconds (the label-led patterns are large
automata) while loading a serialized database takes milliseconds; every CLI run and
every worker process would otherwise pay the compile. The key covers the Hyperscan
version and every expression and flag, so a changed recognizer never loads a stale
database. Any cache failure falls back to compiling: the cache is an optimisation only.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import hyperscan


def cache_dir() -> Path | None:
    """``$JIKIMI_CACHE_DIR``, else ``$XDG_CACHE_HOME/jikimi``, else ``~/.cache/jikimi``;
    ``JIKIMI_CACHE_DIR=off`` disables the cache."""
    env = os.environ.get("JIKIMI_CACHE_DIR")
    if env == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jikimi"


def _key(expressions: list[bytes], flags: list[int], mode: int) -> str:
    h = hashlib.sha256()
    version = getattr(hyperscan, "__version__", "?")
    h.update(f"{version}|{mode}|".encode())
    for e, f in zip(expressions, flags, strict=True):
        h.update(len(e).to_bytes(4, "big") + e + f.to_bytes(4, "big"))
    return h.hexdigest()[:32]


def compile_cached(expressions: list[bytes], flags: list[int]) -> hyperscan.Database:
    """A block-mode database for these expressions, from the cache when possible."""
    mode = hyperscan.HS_MODE_BLOCK
    directory = cache_dir()
    path = directory / f"hs-{_key(expressions, flags, mode)}.db" if directory else None
    if path is not None and path.is_file():
        try:
            return hyperscan.loadb(path.read_bytes(), mode)
        except (OSError, hyperscan.error, TypeError, ValueError):
            pass  # corrupt or from another build: compile afresh
    db = hyperscan.Database(mode=mode)
    db.compile(
        expressions=expressions,
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=flags,
    )
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hyperscan.dumpb(db))
            os.replace(tmp, path)
        except OSError:
            pass
    return db
