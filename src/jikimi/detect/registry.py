"""The table of built-in recognizers, plus third-party ones from the ``jikimi.recognizers``
entry-point group. An explicit table, not subclass discovery, so what runs is visible."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points

from jikimi.detect.recognizer import Recognizer
from jikimi.errors import UsageError
from jikimi.types import EntityId

LANGUAGES = frozenset({"ko", "zh", "en"})

RECOGNIZER_MODULES = (
    "jikimi.detect.kr",
    "jikimi.detect.cn",
    "jikimi.detect.intl",
    "jikimi.detect.generic",
    "jikimi.detect.phone",
    "jikimi.detect.names",
    "jikimi.detect.addresses",
)


@lru_cache(maxsize=1)
def builtin_recognizers() -> tuple[Recognizer, ...]:
    """Every built-in recognizer, then those third parties register as entry points."""
    import importlib

    out: list[Recognizer] = []
    for mod in RECOGNIZER_MODULES:
        out.extend(importlib.import_module(mod).RECOGNIZERS)
    for ep in entry_points(group="jikimi.recognizers"):
        out.extend(ep.load()())
    return tuple(out)


def select(
    entities: frozenset[EntityId] | None, languages: frozenset[str] | None
) -> tuple[Recognizer, ...]:
    """The recognizers for these entities and languages (None = all)."""
    if languages is not None and not languages <= LANGUAGES:
        bad = ", ".join(sorted(languages - LANGUAGES))
        raise UsageError(f"unknown language(s) {bad}; supported: ko, zh, en")
    chosen = []
    for r in builtin_recognizers():
        if entities is not None and r.entity not in entities:
            continue
        if languages is not None and r.languages and not (r.languages & languages):
            continue
        chosen.append(r)
    return tuple(chosen)
