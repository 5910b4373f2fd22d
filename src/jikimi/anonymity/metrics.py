"""Information loss: the objective the search minimises and the utility figures of a result.

Every metric here is a sum of per-record, per-attribute terms, aggregated over attributes.
Generalizing a value never lowers its term, and suppressing a record raises each of its
terms to the attribute's maximum. Two facts follow that the search uses:

* the loss of a node *ignoring suppression* depends on the node alone (a table of totals
  per attribute and level) and never decreases up the lattice: a cheap lower bound;
* the exact loss is that bound plus a penalty for the suppressed records.

``loss`` is ARX's default ``Loss`` metric (``MetricMDNMLoss``, gs-factor 0.5, geometric mean):
each attribute's loss is the mean share of the hierarchy's values covered by a record's
label (1 for suppressed records), normalised so that the original table scores 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from jikimi.anonymity.config import Metric
from jikimi.anonymity.encoding import EncodedTable


class Objective:
    """Per-attribute, per-level term tables for one metric on one encoded table."""

    def __init__(self, table: EncodedTable, metric: Metric) -> None:
        self.metric = metric
        self.records = table.rows
        self.terms: list[list[tuple[float, ...]]] = []
        self.top: list[tuple[float, ...]] = []
        self.domain: list[int] = []
        for attribute in table.attributes:
            height = attribute.height
            per_level: list[tuple[float, ...]] = []
            for level in range(height):
                mapping = attribute.level_maps[level]
                if metric == "loss":
                    shares = attribute.level_shares[level]
                    per_level.append(
                        tuple(shares[mapping[v]] for v in range(attribute.cardinality))
                    )
                elif metric == "precision":
                    value = level / (height - 1) if height > 1 else 0.0
                    per_level.append((value,) * attribute.cardinality)
                else:
                    group: dict[int, int] = {}
                    for v, code in enumerate(mapping):
                        group[code] = group.get(code, 0) + attribute.frequencies[v]
                    per_level.append(
                        tuple(
                            -math.log2(attribute.frequencies[v] / group[mapping[v]])
                            for v in range(attribute.cardinality)
                        )
                    )
            if metric == "entropy":
                top = tuple(-math.log2(f / table.rows) for f in attribute.frequencies)
            else:
                top = (1.0,) * attribute.cardinality
            self.terms.append(per_level)
            self.top.append(top)
            self.domain.append(len(attribute.hierarchy.rows))
        self.totals: list[list[float]] = [
            [
                math.fsum(f * t for f, t in zip(attribute.frequencies, level_terms, strict=True))
                for level_terms in per_level
            ]
            for attribute, per_level in zip(table.attributes, self.terms, strict=True)
        ]
        self._penalty_maps: dict[tuple[int, int], pl.Series] = {}
        self._table = table

    def _part(self, dimension: int, total: float) -> float:
        """One attribute's additive share of the metric (before ``_finish``)."""
        n = self.records
        count = len(self.totals)
        if self.metric == "loss":
            floor = n / self.domain[dimension]
            value = 0.0 if n - floor <= 0 else max(0.0, (total - floor) / (n - floor))
            return math.log1p(value) / count
        if self.metric == "precision":
            return total / (n * count)
        return total

    def _finish(self, additive: float) -> float:
        return math.expm1(additive) if self.metric == "loss" else additive

    def aggregate(self, raw: Sequence[float]) -> float:
        """Combine per-attribute raw totals into the metric's value (monotone in each)."""
        return self._finish(math.fsum(self._part(j, total) for j, total in enumerate(raw)))

    def additive_terms(self) -> list[list[float]]:
        """Per attribute and level, the additive share of the lower bound."""
        return [[self._part(j, total) for total in levels] for j, levels in enumerate(self.totals)]

    def from_additive(self, additive: float) -> float:
        """The lower bound of a node from the sum of its additive terms."""
        return self._finish(additive)

    def lower_bound(self, node: Sequence[int]) -> float:
        """The metric as if no record were suppressed: a bound that rises up the lattice."""
        return self.aggregate([self.totals[j][level] for j, level in enumerate(node)])

    def exact(self, node: Sequence[int], suppressed: pl.Series | None) -> float:
        """The metric with the records flagged in ``suppressed`` counted as suppressed."""
        raw = [self.totals[j][level] for j, level in enumerate(node)]
        if suppressed is not None and suppressed.any():
            for j, level in enumerate(node):
                raw[j] += self._penalty(j, level, suppressed)
        return self.aggregate(raw)

    def _penalty(self, dimension: int, level: int, suppressed: pl.Series) -> float:
        key = (dimension, level)
        mapping = self._penalty_maps.get(key)
        if mapping is None:
            mapping = pl.Series(
                [
                    t - g
                    for t, g in zip(self.top[dimension], self.terms[dimension][level], strict=True)
                ],
                dtype=pl.Float64,
            )
            self._penalty_maps[key] = mapping
        codes = self._table.attributes[dimension].codes.filter(suppressed)
        return float(mapping.gather(codes).sum())

    def maximum(self) -> float:
        """The metric when every attribute is at its top (for normalisation)."""
        raw = [
            math.fsum(f * t for f, t in zip(attribute.frequencies, top, strict=True))
            for attribute, top in zip(self._table.attributes, self.top, strict=True)
        ]
        return self.aggregate(raw)


@dataclass(frozen=True, slots=True)
class UtilityMetrics:
    """Utility figures reported for every result."""

    arx_loss: float
    """ARX's default Loss metric (0 = original, 1 = everything suppressed)."""
    generalization_intensity: float
    """Mean relative generalization height over records and attributes (0..1)."""
    precision: float
    """1 - generalization intensity (Sweeney's Prec)."""
    non_uniform_entropy: float
    """Bits removed (Gionis & Tassa); a suppressed record counts as fully generalized."""
    non_uniform_entropy_normalized: float
    discernibility: float
    """Sum of squared class sizes, plus the table size per suppressed record (Bayardo & Agrawal)."""
    average_class_size: float
    normalized_average_class_size: float
    """Average class size divided by k (LeFevre's C_avg)."""
    classes: int
    suppressed: int

    def as_dict(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in self.__slots__}


def measure_utility(
    table: EncodedTable, node: Sequence[int], keys: pl.Series, suppressed: pl.Series, k: int
) -> UtilityMetrics:
    """All utility figures for one node with its suppressed records."""
    n = table.rows
    figures = {}
    for metric in ("loss", "precision", "entropy"):
        objective = Objective(table, metric)
        figures[metric] = (objective.exact(node, suppressed), objective.maximum())
    kept = keys.filter(~suppressed)
    sizes = kept.unique_counts() if kept.len() else pl.Series([], dtype=pl.UInt32)
    suppressed_count = int(suppressed.sum())
    classes = sizes.len()
    average = (n - suppressed_count) / classes if classes else 0.0
    intensity = figures["precision"][0]
    entropy, entropy_max = figures["entropy"]
    return UtilityMetrics(
        arx_loss=figures["loss"][0],
        generalization_intensity=intensity,
        precision=1.0 - intensity,
        non_uniform_entropy=entropy,
        non_uniform_entropy_normalized=entropy / entropy_max if entropy_max > 0 else 0.0,
        discernibility=float((sizes.cast(pl.Float64) ** 2).sum()) + suppressed_count * float(n),
        average_class_size=average,
        normalized_average_class_size=average / k if k else average,
        classes=classes,
        suppressed=suppressed_count,
    )
