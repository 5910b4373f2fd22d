"""The public scanning API: text in, findings out.

Engines are compiled once per (entities, languages) selection and cached per process,
because compiling the Hyperscan database costs far more than scanning a short string.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from jikimi.catalog import entity as _entity
from jikimi.detect.engine import Engine
from jikimi.detect.registry import select
from jikimi.types import EntityId, Finding

DEFAULT_MIN_SCORE = 0.5


def norm_entities(entities: Iterable[str] | None) -> frozenset[EntityId] | None:
    """Entity ids as the engine cache keys them; unknown ids raise ``UsageError``."""
    if entities is None:
        return None
    return frozenset(_entity(e).id for e in entities)


def norm_languages(languages: Iterable[str] | None) -> frozenset[str] | None:
    """Language codes, lower-cased, as the engine cache keys them."""
    return None if languages is None else frozenset(lang.lower() for lang in languages)


@lru_cache(maxsize=32)
def engine_for(
    entities: frozenset[EntityId] | None = None,
    languages: frozenset[str] | None = None,
    ner: bool = False,
) -> Engine:
    """The compiled engine for a selection, built on first use in this process.

    ``ner`` adds the model-based name taggers (the ``[ner]`` extra) for the selected
    languages when PERSON is selected; a missing package raises ``UsageError``.
    """
    recognizers = select(entities, languages)
    if not ner or (entities is not None and EntityId.PERSON not in entities):
        return Engine(recognizers)
    from jikimi.detect.ner import taggers_for  # word lists and models: only when asked

    if entities is None or EntityId.ADDRESS in entities:
        return Engine(recognizers, taggers_for(languages))
    # A model's proper noun can be a road or district name: addresses must compete for
    # their spans even when only names are asked for, and are then left out.
    with_addresses = select(entities | {EntityId.ADDRESS}, languages)
    return Engine(with_addresses, taggers_for(languages), report=entities)


def scan_text(
    text: str,
    *,
    languages: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    ner: bool = False,
) -> list[Finding]:
    """Find personal data in ``text``.

    Args:
        text: any Unicode string; offsets in the findings are code-point offsets into it.
        languages: restrict the language-specific name recognizers to these of ``ko``,
            ``zh``, ``en``; identifiers and addresses are found whatever the language
            (documents quote foreign addresses).
        entities: entity ids to look for (default: all in the catalogue).
        min_score: findings scoring below this are dropped.
        ner: also find bare Korean and Chinese names in running text with Kiwi and jieba
            (``pip install 'jikimi[ner]'``; slower: about a microsecond per character of
            Korean or Chinese text).
    """
    if not isinstance(text, str):
        raise TypeError("scan_text expects str; decode bytes first or use scan_path")
    eng = engine_for(norm_entities(entities), norm_languages(languages), ner)
    return [f for f in eng.scan(text) if f.score >= min_score]
