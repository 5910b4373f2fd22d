"""Word lists shipped with the name and address recognizers.

Plain UTF-8 text files, one or more whitespace-separated entries per line, ``#`` starts a
comment. Text files rather than Python literals so that reviewers (and users extending a
list) read words, not code.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-comment lines of ``<name>.txt``, stripped."""
    raw = files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    out = []
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


@cache
def words(name: str) -> tuple[str, ...]:
    """Every whitespace-separated entry of ``<name>.txt``, first occurrence order, no repeats."""
    return tuple(dict.fromkeys(w for line in lines(name) for w in line.split()))


def bar_list(spec: str) -> tuple[str, ...]:
    """Entries of a ``|``-separated string: a compact form for word lists kept in code
    whose entries may contain spaces ("받는 분", "full name")."""
    return tuple(w for w in (part.strip() for part in spec.split("|")) if w)
