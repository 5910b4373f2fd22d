"""The Python API over DataFrames: anonymize, measure risk, check linkage.

>>> result = anonymize(frame, ["age", "sex", "zip"], k=5, suppression_limit=0.02,
...                    hierarchies="hierarchies/")            # doctest: +SKIP
>>> result.levels, result.utility.arx_loss, result.risk_after.prosecutor_highest  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from jikimi.anonymity.builders import build_hierarchy, flat_hierarchy, interval_hierarchy
from jikimi.anonymity.config import AnonymizationConfig, Metric
from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.errors import ConfigurationError, NoSolutionError
from jikimi.anonymity.hierarchy import Hierarchy, load_hierarchies
from jikimi.anonymity.lattice.check import NodeChecker
from jikimi.anonymity.lattice.search import search
from jikimi.anonymity.metrics import Objective, measure_utility
from jikimi.anonymity.models import (
    DistinctLDiversity,
    EntropyLDiversity,
    KAnonymity,
    PrivacyModel,
    TCloseness,
)
from jikimi.anonymity.result import AnonymizationResult, release
from jikimi.anonymity.risk import RiskSummary, measure_risk


def _nice_widths(values: pl.Series) -> list[float]:
    """Interval widths 1/2/5 x 10^m that start near span/16 and double up to the span."""
    low, high = float(values.min()), float(values.max())  # type: ignore[arg-type]
    span = max(high - low, 1.0)
    target = span / 16
    exponent = math.floor(math.log10(target)) if target > 0 else 0
    width = next(m * 10.0**exponent for m in (1, 2, 5, 10) if m * 10.0**exponent >= target)
    widths = [width]
    while widths[-1] < span:
        widths.append(widths[-1] * 2)
    return widths


def auto_hierarchy(frame: pl.DataFrame, column: str) -> Hierarchy:
    """Numbers into doubling intervals, anything else value-or-``*``."""
    series = frame.get_column(column).drop_nulls()
    numeric = series if series.dtype.is_numeric() else series.cast(pl.Float64, strict=False)
    if numeric.len() and numeric.null_count() == 0 and series.n_unique() > 2:
        return interval_hierarchy(column, series.to_list(), _nice_widths(numeric))
    return flat_hierarchy(column, series.to_list())


def resolve_hierarchies(
    frame: pl.DataFrame,
    attributes: Sequence[str],
    hierarchies: Mapping[str, Hierarchy] | str | Path | None = None,
    builders: Mapping[str, str] | None = None,
    auto: bool = True,
) -> dict[str, Hierarchy]:
    """Hierarchies from a mapping or directory, then built ones (``builders``), then automatic."""
    found: dict[str, Hierarchy] = {}
    if isinstance(hierarchies, (str, Path)):
        found.update(load_hierarchies(hierarchies, attributes))
    elif hierarchies is not None:
        found.update(hierarchies)
    for column, spec in (builders or {}).items():
        if column not in frame.columns:
            raise ConfigurationError(f"column {column!r} (for a hierarchy) is not in the table")
        found[column] = build_hierarchy(
            column, frame.get_column(column).drop_nulls().to_list(), spec
        )
    for column in attributes:
        if column not in found and auto and column in frame.columns:
            found[column] = auto_hierarchy(frame, column)
    return found


def build_models(
    *,
    k: int | None = None,
    sensitive: str | None = None,
    l: float | None = None,  # noqa: E741
    l_kind: Literal["distinct", "entropy"] = "distinct",
    t: float | None = None,
    t_distance: Literal["equal", "hierarchical"] = "equal",
) -> list[PrivacyModel]:
    """Models from the usual parameters; ``l`` and ``t`` need ``sensitive``."""
    models: list[PrivacyModel] = []
    if k is not None:
        models.append(KAnonymity(k))
    if (l is not None or t is not None) and not sensitive:
        raise ConfigurationError("l-diversity and t-closeness need a sensitive attribute")
    if l is not None and sensitive:
        if l_kind == "entropy":
            models.append(EntropyLDiversity(sensitive, l))
        elif l_kind == "distinct":
            if l != int(l):
                raise ConfigurationError("distinct l-diversity needs a whole number l")
            models.append(DistinctLDiversity(sensitive, int(l)))
        else:
            raise ConfigurationError(f"l-diversity kind is 'distinct' or 'entropy', not {l_kind!r}")
    if t is not None and sensitive:
        models.append(TCloseness(sensitive, t, t_distance))
    return models


def anonymize_with(
    frame: pl.DataFrame,
    config: AnonymizationConfig,
    *,
    strategy: str = "flash",
    measure: bool = True,
    threshold: float = 0.2,
) -> AnonymizationResult:
    """Search the lattice for ``config`` and build the release; risk before/after if ``measure``."""
    table = EncodedTable(frame, config)
    objective = Objective(table, config.metric)
    outcome = search(table, objective, strategy)
    if outcome.node is None:
        raise NoSolutionError(
            "no generalization satisfies "
            + ", ".join(m.describe() for m in config.models)
            + f" with at most {table.max_suppressed} suppressed record(s)"
        )
    check = NodeChecker(table).check(outcome.node, want_records=True)
    keys = check.keys if check.keys is not None else table.keys(outcome.node)
    suppressed = (
        check.violating
        if check.violating is not None
        else pl.Series("suppressed", [False] * table.rows, dtype=pl.Boolean)
    )
    utility = measure_utility(table, outcome.node, keys, suppressed, config.k)
    data = release(frame, table, outcome.node, suppressed)
    qis = list(config.quasi_identifiers)
    risk_before: RiskSummary | None = None
    risk_after: RiskSummary | None = None
    if measure:
        risk_before = measure_risk(frame, qis, threshold=threshold)
        risk_after = measure_risk(data, qis, threshold=threshold, exclude=suppressed)
    return AnonymizationResult(
        config=config,
        levels=dict(zip(qis, outcome.node, strict=True)),
        data=data,
        suppressed_mask=suppressed,
        utility=utility,
        search=outcome,
        risk_before=risk_before,
        risk_after=risk_after,
    )


def anonymize(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int | None = None,
    sensitive: str | None = None,
    l: float | None = None,  # noqa: E741
    l_kind: Literal["distinct", "entropy"] = "distinct",
    t: float | None = None,
    t_distance: Literal["equal", "hierarchical"] = "equal",
    models: Sequence[PrivacyModel] = (),
    suppression_limit: float = 0.0,
    hierarchies: Mapping[str, Hierarchy] | str | Path | None = None,
    builders: Mapping[str, str] | None = None,
    metric: Metric = "loss",
    strategy: str = "flash",
    measure: bool = True,
) -> AnonymizationResult:
    """Find the least-loss full-domain generalization that satisfies the requested models.

    Quasi-identifiers without a given hierarchy get one built: ``builders`` maps a column to
    a spec such as ``interval:5,10,20``, ``date``, ``postcode``, ``address-kr``; otherwise
    numbers get doubling intervals and other values value-or-``*``.
    """
    missing = [qi for qi in quasi_identifiers if qi not in frame.columns]
    if missing:
        raise ConfigurationError(
            f"quasi-identifier column(s) not in the table: {', '.join(missing)}"
        )
    chosen = [
        *build_models(k=k, sensitive=sensitive, l=l, l_kind=l_kind, t=t, t_distance=t_distance)
    ]
    chosen += list(models)
    if not chosen:
        raise ConfigurationError("no privacy model: give k, l, t or models")
    attributes = list(quasi_identifiers)
    if t_distance == "hierarchical" and sensitive:
        attributes.append(sensitive)
    found = resolve_hierarchies(frame, attributes, hierarchies, builders)
    if not (t_distance == "hierarchical" and t is not None) and sensitive in found:
        found.pop(sensitive, None)
    config = AnonymizationConfig(
        tuple(quasi_identifiers), found, tuple(chosen), suppression_limit, metric
    )
    return anonymize_with(frame, config, strategy=strategy, measure=measure)


def risk(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    population: pl.DataFrame | None = None,
    threshold: float = 0.2,
) -> RiskSummary:
    """Re-identification risk of a table as it is (see :mod:`jikimi.anonymity.risk`)."""
    return measure_risk(frame, quasi_identifiers, population=population, threshold=threshold)
