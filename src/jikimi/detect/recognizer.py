"""What a recognizer is: patterns with base scores, a validator, and context words.

A recognizer is data (as in Presidio) so the engine can compile every recognizer's
patterns into one Hyperscan database and scan a text once. Patterns find candidates;
the validator confirms or rejects the candidate's structure and checksum; context words
near the candidate raise or lower the score. Explanations never contain the value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from jikimi.types import EntityId


class Verdict(Enum):
    """A validator's opinion of a candidate."""

    VALID = "valid"  # structure and checksum confirmed: the score goes up
    UNKNOWN = "unknown"  # no checksum to test, or one that legitimately fails (KR RRN after 2020)
    INVALID = "invalid"  # impossible value (bad date, wrong checksum where one is mandatory)


Validator = Callable[[str], Verdict]
Refiner = Callable[[str, int, int], "tuple[int, int] | None"]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One candidate shape in Hyperscan syntax (UTF-8 mode, no look-arounds).

    ``left``/``right`` are character-class bodies (as inside ``[...]``) that must not touch
    the match on that side; they replace look-arounds and keep long runs of digits from
    producing a match per position. ``left`` must contain every character the pattern can
    start with, and ``right`` every character it can end with.
    """

    name: str
    regex: str
    score: float
    left: str = "0-9"
    right: str = "0-9"
    valid_score: float | None = None  # overrides the recognizer's for weak shapes
    needs_context: bool = False  # only a candidate right after one of the context words
    locate_start: bool = False  # find the start in Python: cheaper for shapes like e-mail


@dataclass(frozen=True, slots=True)
class Recognizer:
    """Finds one entity type: patterns + validator + context.

    ``context`` words (lower-case) within ``window`` characters raise the score by
    ``context_boost``; ``negative`` words (order, tracking, invoice numbers ...) lower it by
    ``negative_penalty`` unless a context word is also present (an explicit label wins over
    a generic one such as "order"). ``valid_score`` is the floor once the validator says VALID.
    ``refine`` may move the span (names and addresses use it to trim particles).
    """

    name: str
    entity: EntityId
    patterns: tuple[Pattern, ...]
    validate: Validator | None = None
    valid_score: float = 0.95
    context: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    context_boost: float = 0.35
    negative_penalty: float = 0.5
    window: int = 40
    languages: frozenset[str] = field(default_factory=frozenset)
    refine: Refiner | None = None

    def __post_init__(self) -> None:
        if not self.patterns:
            raise ValueError(f"recognizer {self.name} has no patterns")
        for p in self.patterns:
            if p.needs_context and not self.context:
                raise ValueError(f"pattern {p.name} of {self.name} needs context words")
            if not 0.0 <= p.score <= 1.0:
                raise ValueError(f"pattern {p.name} of {self.name} has a score outside 0..1")
