"""The pruned search must find the same least loss as trying every node of the lattice."""

from __future__ import annotations

import polars as pl
import pytest

from jikimi.anonymity import (
    AnonymizationConfig,
    DistinctLDiversity,
    EntropyLDiversity,
    Hierarchy,
    KAnonymity,
    TCloseness,
)
from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.lattice.search import search
from jikimi.anonymity.metrics import Objective

SMALL_QIS = ("sex", "age", "race", "marital-status", "education")

CASES = [
    ((KAnonymity(5),), 0.0, "loss"),
    ((KAnonymity(5),), 0.02, "loss"),
    ((KAnonymity(10),), 0.05, "loss"),
    ((KAnonymity(5),), 0.02, "precision"),
    ((KAnonymity(4),), 0.01, "entropy"),
    ((KAnonymity(3), DistinctLDiversity("occupation", 3)), 0.02, "loss"),
    ((KAnonymity(2), EntropyLDiversity("occupation", 3)), 0.04, "loss"),
    ((TCloseness("occupation", 0.25),), 0.05, "loss"),
    ((TCloseness("occupation", 0.2, "hierarchical"),), 0.0, "loss"),
    ((EntropyLDiversity("occupation", 4),), 0.0, "precision"),
]


@pytest.mark.parametrize(("models", "limit", "metric"), CASES)
def test_pruned_search_is_optimal(
    adult: pl.DataFrame,
    adult_hierarchies: dict[str, Hierarchy],
    models: tuple,  # type: ignore[type-arg]
    limit: float,
    metric: str,
) -> None:
    frame = adult.slice(2000, 1200)
    config = AnonymizationConfig(SMALL_QIS, adult_hierarchies, models, limit, metric)  # type: ignore[arg-type]
    table = EncodedTable(frame, config)
    pruned = search(table, Objective(table, config.metric), "flash")
    brute = search(table, Objective(table, config.metric), "exhaustive")
    assert brute.node is not None and pruned.node is not None
    assert pruned.loss == pytest.approx(brute.loss, rel=1e-9, abs=1e-12)
    assert brute.evaluated == brute.lattice_size == 2 * 5 * 2 * 3 * 4
    if any(m.monotone_with_suppression for m in models) or limit == 0:
        assert pruned.evaluated < brute.evaluated


def test_adult_k5_two_percent_optimum(
    adult: pl.DataFrame, adult_hierarchies: dict[str, Hierarchy]
) -> None:
    """All nine attributes, the full 12,960-node lattice; checks pruning stays effective."""
    config = AnonymizationConfig(tuple(adult.columns), adult_hierarchies, (KAnonymity(5),), 0.02)
    table = EncodedTable(adult, config)
    outcome = search(table, Objective(table, "loss"))
    assert outcome.lattice_size == 12960
    assert outcome.evaluated < 1500
    assert outcome.node == (0, 3, 0, 2, 2, 1, 1, 2, 0)
    assert outcome.loss == pytest.approx(0.31371303533, abs=1e-9)
    assert 0 < outcome.suppressed <= 603


def test_lower_bound_never_exceeds_exact(
    adult: pl.DataFrame, adult_hierarchies: dict[str, Hierarchy]
) -> None:
    frame = adult.head(800)
    config = AnonymizationConfig(SMALL_QIS, adult_hierarchies, (KAnonymity(3),), 0.5)
    table = EncodedTable(frame, config)
    from jikimi.anonymity.lattice.check import NodeChecker
    from jikimi.anonymity.lattice.space import Lattice

    checker = NodeChecker(table)
    lattice = Lattice(table.heights)
    for metric in ("loss", "precision", "entropy"):
        objective = Objective(table, metric)  # type: ignore[arg-type]
        for index in range(0, lattice.size, 7):
            node = lattice.node(index)
            violating = checker.check(node, want_records=True).violating
            assert objective.lower_bound(node) <= objective.exact(node, violating) + 1e-12


def test_distinct_fast_path_matches_general_check(
    adult: pl.DataFrame, adult_hierarchies: dict[str, Hierarchy]
) -> None:
    from jikimi.anonymity.lattice.check import NodeChecker
    from jikimi.anonymity.lattice.space import Lattice

    frame = adult.head(1500)
    models = (KAnonymity(3), DistinctLDiversity("occupation", 3))
    config = AnonymizationConfig(SMALL_QIS, adult_hierarchies, models, 0.02)
    table = EncodedTable(frame, config)
    fast, general = NodeChecker(table), NodeChecker(table)
    general.distinct_only = None
    assert fast.distinct_only == ("occupation", 3)
    lattice = Lattice(table.heights)
    for index in range(0, lattice.size, 5):
        node = lattice.node(index)
        a, b = fast.check(node, want_records=True), general.check(node, want_records=True)
        assert (a.suppressed, a.suppressed_monotone) == (b.suppressed, b.suppressed_monotone)
        if a.violating is not None and b.violating is not None:
            assert a.violating.to_list() == b.violating.to_list()
