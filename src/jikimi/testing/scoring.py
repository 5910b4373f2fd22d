"""Precision, recall and F1 of predicted spans against gold spans.

Two matching rules, both one-to-one (a gold span and a prediction are used at most once):

* ``strict``: same entity, same start and end.
* ``overlap``: same entity, and the shared characters are at least half of the longer of
  the two spans — so a prediction that trims a particle or includes a label still counts,
  while one covering a whole line around a short value does not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from jikimi.types import EntityId

SpanT = tuple[int, int, EntityId]


class Rule(StrEnum):
    STRICT = "strict"
    OVERLAP = "overlap"


def spans_match(gold: SpanT, pred: SpanT, rule: Rule) -> bool:
    """Whether ``pred`` counts as finding ``gold`` under ``rule``."""
    if gold[2] != pred[2]:
        return False
    if rule is Rule.STRICT:
        return gold[0] == pred[0] and gold[1] == pred[1]
    shared = min(gold[1], pred[1]) - max(gold[0], pred[0])
    longer = max(gold[1] - gold[0], pred[1] - pred[0])
    return shared > 0 and 2 * shared >= longer


@dataclass(frozen=True, slots=True)
class DocMatch:
    """The outcome of matching one document: pairs, missed gold, spurious predictions."""

    pairs: tuple[tuple[SpanT, SpanT], ...]
    missed: tuple[SpanT, ...]
    spurious: tuple[SpanT, ...]


def match_spans(gold: Sequence[SpanT], pred: Sequence[SpanT], rule: Rule) -> DocMatch:
    """Pair gold and predicted spans one-to-one, most-overlapping pairs first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if spans_match(g, p, rule):
                shared = min(g[1], p[1]) - max(g[0], p[0])
                candidates.append((-shared, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], pred[pi]))
    missed = tuple(g for i, g in enumerate(gold) if i not in used_g)
    spurious = tuple(p for i, p in enumerate(pred) if i not in used_p)
    return DocMatch(tuple(pairs), missed, spurious)


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if self.tp == 0:
            return 0.0 if self.fp or self.fn else 1.0
        return 2 * p * r / (p + r)


def count(m: DocMatch) -> dict[EntityId, Counts]:
    """Per-entity TP/FP/FN of one matched document."""
    out: dict[EntityId, Counts] = defaultdict(Counts)
    for g, _ in m.pairs:
        out[g[2]].tp += 1
    for g in m.missed:
        out[g[2]].fn += 1
    for p in m.spurious:
        out[p[2]].fp += 1
    return dict(out)


def total(parts: Iterable[Counts]) -> Counts:
    """Micro-averaged counts."""
    out = Counts()
    for c in parts:
        out.add(c)
    return out
