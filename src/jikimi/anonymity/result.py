"""The outcome of an anonymization: the chosen scheme, the released table, and its figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from jikimi.anonymity.builders import TOP
from jikimi.anonymity.config import AnonymizationConfig
from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.lattice.search import SearchOutcome
from jikimi.anonymity.metrics import UtilityMetrics
from jikimi.anonymity.risk import LinkageSummary, RiskSummary, linkage_risk


@dataclass(frozen=True)
class AnonymizationResult:
    """A solution found by the search. ``data`` is the table to release."""

    config: AnonymizationConfig
    levels: dict[str, int]
    """Chosen generalization level per quasi-identifier."""
    data: pl.DataFrame = field(repr=False)
    suppressed_mask: pl.Series = field(repr=False)
    utility: UtilityMetrics
    search: SearchOutcome
    risk_before: RiskSummary | None = None
    risk_after: RiskSummary | None = None

    @property
    def suppressed(self) -> int:
        return self.utility.suppressed

    def generalize(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Apply the chosen levels to another table (e.g. an attacker's) on shared columns.

        Values a hierarchy does not cover cannot match anything and become null.
        """
        out = frame
        for name, level in self.levels.items():
            if name not in frame.columns:
                continue
            hierarchy = self.config.hierarchies[name]
            mapping = {row[0]: row[level] for row in hierarchy.rows}
            out = out.with_columns(
                pl.col(name).cast(pl.String).replace_strict(mapping, default=None).alias(name)
            )
        return out

    def linkage(self, attacker: pl.DataFrame, on: list[str] | None = None) -> LinkageSummary:
        """Linkage risk of the release against ``attacker`` generalized the same way."""
        shared = on or [qi for qi in self.config.quasi_identifiers if qi in attacker.columns]
        released = self.data.filter(~self.suppressed_mask)
        return linkage_risk(released, self.generalize(attacker).drop_nulls(shared), shared)

    def summary(self) -> dict[str, object]:
        """A JSON-ready description (no data values)."""
        return {
            "configuration": self.config.describe(),
            "levels": dict(self.levels),
            "records": self.data.height,
            "suppressed": self.suppressed,
            "utility": self.utility.as_dict(),
            "search": {
                "strategy": self.search.strategy,
                "nodes_evaluated": self.search.evaluated,
                "lattice_size": self.search.lattice_size,
                "objective": self.config.metric,
                "objective_value": self.search.loss,
                "seconds": round(self.search.seconds, 4),
            },
            "risk_before": self.risk_before.as_dict() if self.risk_before else None,
            "risk_after": self.risk_after.as_dict() if self.risk_after else None,
        }


def release(
    frame: pl.DataFrame, table: EncodedTable, node: tuple[int, ...], suppressed: pl.Series
) -> pl.DataFrame:
    """The input with quasi-identifiers generalized and suppressed records' QIs set to ``*``."""
    replacements = []
    for dimension, attribute in enumerate(table.attributes):
        level = node[dimension]
        labels = pl.Series(attribute.level_labels[level], dtype=pl.String)
        values = labels.gather(table.level_codes(dimension, level))
        values = pl.select(
            pl.when(pl.lit(suppressed)).then(pl.lit(TOP)).otherwise(pl.lit(values))
        ).to_series()
        replacements.append(values.alias(attribute.name))
    return frame.with_columns(replacements)
