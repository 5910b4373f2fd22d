"""Privacy models: the conditions every equivalence class of a release must meet.

A class that violates any model is suppressed; a scheme is acceptable when the suppressed
records stay within the configured limit. What stays *monotone* under that rule decides
how much of the lattice the search may skip (Kohlmayer, Prasser et al., "Flash", 2012, and
the ARX papers):

* Without suppression every model here is monotone: merging classes that all satisfy
  k-anonymity, l-diversity or t-closeness gives a class that satisfies it too.
* With suppression only models whose satisfied classes stay satisfied when merged with
  *anything* remain monotone: k-anonymity and distinct l-diversity. Entropy l-diversity
  and t-closeness do not: a diverse class merged with a uniform outlier class can fail.
  The search therefore prunes only with the monotone models and checks the others
  node by node.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import polars as pl

from jikimi.anonymity.errors import ConfigurationError


@runtime_checkable
class PrivacyModel(Protocol):
    """A condition on equivalence classes."""

    @property
    def sensitive(self) -> str | None:
        """The sensitive attribute the model protects, or ``None`` (k-anonymity)."""
        ...

    @property
    def monotone_with_suppression(self) -> bool:
        """Whether satisfied classes stay satisfied when merged with any others."""
        ...

    def describe(self) -> str:
        """A short name for reports, e.g. ``5-anonymity``."""
        ...

    def class_condition(self, sensitive_height: int) -> pl.Expr:
        """A boolean aggregation over one class's (sensitive value, count) rows.

        The rows of a class carry ``c`` (records with that sensitive value), ``p`` (c divided
        by the class size), ``q`` (the value's share in the whole table) and, for
        hierarchical distances, ``p<L>``/``q<L>``/``w<L>`` for levels 1 .. height-1 of the
        sensitive attribute's hierarchy (``sensitive_height`` levels in all).
        """
        ...


@dataclass(frozen=True, slots=True)
class KAnonymity:
    """Every class holds at least ``k`` records (Sweeney 2002)."""

    k: int

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ConfigurationError(f"k must be at least 1, not {self.k}")

    @property
    def sensitive(self) -> None:
        return None

    @property
    def monotone_with_suppression(self) -> bool:
        return True

    def describe(self) -> str:
        return f"{self.k}-anonymity"

    def class_condition(self, sensitive_height: int = 1) -> pl.Expr:
        return pl.col("c").sum() >= self.k


@dataclass(frozen=True, slots=True)
class DistinctLDiversity:
    """Every class holds at least ``l`` distinct sensitive values (Machanavajjhala 2007)."""

    attribute: str
    l: int  # noqa: E741 - the model's name in the literature

    def __post_init__(self) -> None:
        if self.l < 1:
            raise ConfigurationError(f"l must be at least 1, not {self.l}")

    @property
    def sensitive(self) -> str:
        return self.attribute

    @property
    def monotone_with_suppression(self) -> bool:
        return True

    def describe(self) -> str:
        return f"distinct-{self.l}-diversity({self.attribute})"

    def class_condition(self, sensitive_height: int = 1) -> pl.Expr:
        return pl.len() >= self.l


@dataclass(frozen=True, slots=True)
class EntropyLDiversity:
    """The entropy of each class's sensitive values is at least ``log(l)``."""

    attribute: str
    l: float  # noqa: E741

    def __post_init__(self) -> None:
        if self.l < 1:
            raise ConfigurationError(f"l must be at least 1, not {self.l}")

    @property
    def sensitive(self) -> str:
        return self.attribute

    @property
    def monotone_with_suppression(self) -> bool:
        return False

    def describe(self) -> str:
        return f"entropy-{self.l:g}-diversity({self.attribute})"

    def class_condition(self, sensitive_height: int = 1) -> pl.Expr:
        entropy = -(pl.col("p") * pl.col("p").log()).sum()
        return entropy >= math.log(self.l) - 1e-12


Distance = Literal["equal", "hierarchical"]


@dataclass(frozen=True, slots=True)
class TCloseness:
    """Each class's sensitive distribution is within Earth Mover's Distance ``t`` of the table's.

    ``equal``: every two values are at distance 1 (the EMD is half the L1 distance).
    ``hierarchical``: values are as far apart as the height of their lowest common ancestor
    in the sensitive attribute's hierarchy (Li, Li, Venkatasubramanian 2007).
    """

    attribute: str
    t: float
    distance: Distance = "equal"

    def __post_init__(self) -> None:
        if not 0 <= self.t <= 1:
            raise ConfigurationError(f"t must be between 0 and 1, not {self.t}")
        if self.distance not in ("equal", "hierarchical"):
            raise ConfigurationError(
                f"t-closeness distance is 'equal' or 'hierarchical', not {self.distance!r}"
            )

    @property
    def sensitive(self) -> str:
        return self.attribute

    @property
    def monotone_with_suppression(self) -> bool:
        return False

    def describe(self) -> str:
        return f"{self.t:g}-closeness({self.attribute}, {self.distance})"

    def class_condition(self, sensitive_height: int = 1) -> pl.Expr:
        return emd_expression(self.distance, sensitive_height) <= self.t + 1e-12


def emd_expression(distance: Distance, sensitive_height: int = 1) -> pl.Expr:
    """EMD between a class and the table, from the class's rows (see ``class_condition``).

    Only values present in the class appear as rows; absent values contribute ``q`` each,
    which the ``+ 1`` recovers: the sum over all values of |p-q| equals the sum over present
    values of (|p-q| - q), plus 1. For a tree of height H the EMD is the sum over levels
    L = 1..H of L/(2H) * (A[L-1] - A[L]), A[L] being that L1 distance with both
    distributions aggregated to level L, and A[H] = 0 at the single root.
    """
    if distance == "equal" or sensitive_height <= 1:
        return 0.5 * l1_at_level(0)
    top = sensitive_height - 1
    terms = [l1_at_level(level) for level in range(top)]
    total: pl.Expr = pl.lit(0.0)
    for level in range(1, top + 1):
        upper = terms[level] if level < top else pl.lit(0.0)
        total = total + (level / (2 * top)) * (terms[level - 1] - upper)
    return total


def l1_at_level(level: int) -> pl.Expr:
    """A[level] for one class; each level-``level`` group is counted once via weights c/c_level."""
    if level == 0:
        return ((pl.col("p") - pl.col("q")).abs() - pl.col("q")).sum() + 1.0
    p, q, w = pl.col(f"p{level}"), pl.col(f"q{level}"), pl.col(f"w{level}")
    return (w * ((p - q).abs() - q)).sum() + 1.0
