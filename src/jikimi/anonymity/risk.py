"""Re-identification risk of a table, measured on its quasi-identifiers, and linkage risk.

Three attacker models (El Emam; ARX's risk analysis):

* **prosecutor** knows their target is in the table: a record's risk is 1 / its class size;
* **journalist** knows only that the target is in a population: 1 / the class size in the
  population table (equal to prosecutor risk when no population is given);
* **marketer** wants to re-identify as many records as possible: the expected share of
  correct matches, the mean of the journalist risks over records.

Linkage: given a second table an attacker holds, how many records join *uniquely*, i.e.
are alone in their class in the release and match exactly one row of the attacker's table.
That is what turned "harmless" serial numbers into names in the messenger case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import polars as pl

from jikimi.anonymity.errors import ConfigurationError

SIZE_BINS: tuple[tuple[int, int], ...] = (
    (1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, 2**31),
)  # fmt: skip


def bin_label(low: int, high: int) -> str:
    if low == high:
        return str(low)
    return f"{low}+" if high >= 2**31 else f"{low}-{high}"


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """Risk figures for one table; shares are of the records measured (not suppressed)."""

    records: int
    classes: int
    prosecutor_highest: float
    prosecutor_average: float
    journalist_highest: float
    journalist_average: float
    marketer: float
    unique_share: float
    """Share of records alone in their class (sample uniques)."""
    highest_risk_share: float
    """Share of records whose risk equals the highest risk."""
    threshold: float
    above_threshold_share: float
    """Share of records whose prosecutor risk exceeds ``threshold``."""
    class_sizes: dict[str, int]
    """Records per class-size bin (``1``, ``2``, ``3-4``, …)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _text(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ConfigurationError(f"column(s) not in the table: {', '.join(absent)}")
    return frame.select(pl.col(c).cast(pl.String).fill_null("") for c in columns)


def measure_risk(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    population: pl.DataFrame | None = None,
    threshold: float = 0.2,
    exclude: pl.Series | None = None,
) -> RiskSummary:
    """Risk of ``frame`` on its quasi-identifiers; ``exclude`` flags suppressed records."""
    if not quasi_identifiers:
        raise ConfigurationError("at least one quasi-identifier is needed")
    table = _text(frame, quasi_identifiers)
    if exclude is not None:
        table = table.filter(~exclude)
    columns = list(quasi_identifiers)
    n = table.height
    if n == 0:
        return RiskSummary(0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, threshold, 0.0, {})
    sizes = table.group_by(columns).agg(pl.len().alias("f"))
    if population is not None:
        counts = _text(population, quasi_identifiers).group_by(columns).agg(pl.len().alias("F"))
        sizes = sizes.join(counts, on=columns, how="left").with_columns(
            pl.max_horizontal(pl.col("F").fill_null(0), pl.col("f")).alias("F")
        )
    else:
        sizes = sizes.with_columns(pl.col("f").alias("F"))
    f = sizes.get_column("f").cast(pl.Int64)
    big_f = sizes.get_column("F").cast(pl.Int64)
    prosecutor_highest = 1.0 / float(f.min())  # type: ignore[arg-type]
    journalist_highest = 1.0 / float(big_f.min())  # type: ignore[arg-type]
    classes = sizes.height
    journalist_sum = float((f / big_f).sum())
    at_highest = int(f.filter(f == f.min()).sum())
    above = int(f.filter(1.0 / f > threshold).sum())
    unique = int((f == 1).sum())
    bins: dict[str, int] = {}
    for low, high in SIZE_BINS:
        bins[bin_label(low, high)] = int(f.filter((f >= low) & (f <= high)).sum())
    return RiskSummary(
        records=n,
        classes=classes,
        prosecutor_highest=prosecutor_highest,
        prosecutor_average=classes / n,
        journalist_highest=journalist_highest,
        journalist_average=journalist_sum / n,
        marketer=journalist_sum / n,
        unique_share=unique / n,
        highest_risk_share=at_highest / n,
        threshold=threshold,
        above_threshold_share=above / n,
        class_sizes=bins,
    )


@dataclass(frozen=True, slots=True)
class LinkageSummary:
    """How a second table links to the release on shared quasi-identifiers."""

    on: tuple[str, ...]
    released_records: int
    attacker_records: int
    matched_records: int
    """Released records whose quasi-identifiers occur in the attacker's table."""
    unique_links: int
    """Released records alone in their class that match exactly one attacker row."""
    unique_link_share: float

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "on": list(self.on)}


def linkage_risk(
    released: pl.DataFrame, attacker: pl.DataFrame, on: Sequence[str] | None = None
) -> LinkageSummary:
    """Join ``attacker`` to ``released`` on ``on`` (default: the shared column names)."""
    shared = list(on) if on else [c for c in released.columns if c in set(attacker.columns)]
    if not shared:
        raise ConfigurationError("the two tables share no column to link on")
    ours = _text(released, shared).group_by(shared).agg(pl.len().alias("f"))
    theirs = _text(attacker, shared).group_by(shared).agg(pl.len().alias("g"))
    joined = ours.join(theirs, on=shared, how="inner")
    matched = int(joined.get_column("f").sum())
    unique = int(joined.filter((pl.col("f") == 1) & (pl.col("g") == 1)).height)
    return LinkageSummary(
        on=tuple(shared),
        released_records=released.height,
        attacker_records=attacker.height,
        matched_records=matched,
        unique_links=unique,
        unique_link_share=unique / released.height if released.height else 0.0,
    )
