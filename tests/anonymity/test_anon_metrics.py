from __future__ import annotations

import math

import polars as pl
import pytest

from jikimi.anonymity import AnonymizationConfig, Hierarchy, KAnonymity
from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.metrics import Objective, measure_utility

AGE = Hierarchy.from_rows(
    "age", [["20", "20-29", "*"], ["25", "20-29", "*"], ["31", "30-39", "*"], ["35", "30-39", "*"]]
)
SEX = Hierarchy.from_rows("sex", [["M", "*"], ["F", "*"]])
FRAME = pl.DataFrame(
    {"age": ["20", "25", "25", "31", "35", "35"], "sex": ["M", "M", "F", "F", "F", "M"]}
)


def _table() -> EncodedTable:
    config = AnonymizationConfig(("age", "sex"), {"age": AGE, "sex": SEX}, (KAnonymity(2),), 0.5)
    return EncodedTable(FRAME, config)


def test_arx_loss_is_zero_at_bottom_and_one_at_top() -> None:
    table = _table()
    loss = Objective(table, "loss")
    assert loss.lower_bound((0, 0)) == pytest.approx(0.0)
    assert loss.lower_bound((2, 1)) == pytest.approx(1.0)
    # age to decades: each record's share is 2/4; normalised (0.5*6 - 6/4) / (6 - 6/4) = 1/3
    expected = math.sqrt((1 + 1 / 3) * (1 + 0)) - 1
    assert loss.lower_bound((1, 0)) == pytest.approx(expected)


def test_suppression_costs_the_maximum() -> None:
    table = _table()
    loss = Objective(table, "loss")
    everything = pl.Series([True] * 6)
    assert loss.exact((0, 0), everything) == pytest.approx(1.0)
    precision = Objective(table, "precision")
    assert precision.exact((1, 0), None) == pytest.approx(0.25)  # (1/2 + 0) / 2
    one = pl.Series([True, False, False, False, False, False])
    assert precision.exact((1, 0), one) == pytest.approx((6 * 0.5 + 0.5 + 1) / 12)


def test_non_uniform_entropy_by_hand() -> None:
    table = _table()
    entropy = Objective(table, "entropy")
    # age decades: 20 -> 1/3, 25 -> 2/3 (x2), 31 -> 1/3, 35 -> 2/3 (x2)
    expected = 2 * -math.log2(1 / 3) + 4 * -math.log2(2 / 3)
    assert entropy.lower_bound((1, 0)) == pytest.approx(expected)


def test_utility_report_figures() -> None:
    table = _table()
    node = (1, 1)
    keys = table.keys(node)
    suppressed = pl.Series([False] * 6)
    utility = measure_utility(table, node, keys, suppressed, k=2)
    assert utility.classes == 2
    assert utility.discernibility == 3**2 + 3**2
    assert utility.average_class_size == 3
    assert utility.normalized_average_class_size == 1.5
    assert utility.precision == pytest.approx(1 - (0.5 + 1) / 2)
    assert 0 < utility.non_uniform_entropy_normalized < 1


def test_arx_loss_recomputed_from_the_release(
    adult: pl.DataFrame, adult_hierarchies: dict[str, Hierarchy]
) -> None:
    """ARX's Loss computed naively from the released labels equals the reported figure."""
    from collections import Counter

    from jikimi.anonymity import anonymize_with

    frame = adult.head(2000)
    qis = ("sex", "age", "race", "education", "workclass")
    config = AnonymizationConfig(qis, adult_hierarchies, (KAnonymity(5),), 0.03)
    result = anonymize_with(frame, config, measure=False)
    n = frame.height
    suppressed = result.suppressed_mask.to_list()
    assert any(suppressed)
    logs = 0.0
    for qi in qis:
        h = adult_hierarchies[qi]
        level = result.levels[qi]
        leaves = Counter(row[level] for row in h.rows)
        labels = result.data.get_column(qi).to_list()
        raw = sum(
            1.0 if gone else leaves[label] / len(h.rows)
            for label, gone in zip(labels, suppressed, strict=True)
        )
        floor = n / len(h.rows)
        logs += math.log1p(max(0.0, (raw - floor) / (n - floor)))
    assert result.utility.arx_loss == pytest.approx(math.expm1(logs / len(qis)), abs=1e-12)
    assert result.search.loss == pytest.approx(result.utility.arx_loss, abs=1e-12)
