from __future__ import annotations

import polars as pl
import pytest

from jikimi.anonymity import ConfigurationError, linkage_risk, measure_risk

FRAME = pl.DataFrame(
    {
        "age": ["30", "30", "30", "40", "40", "50"],
        "zip": ["1", "1", "1", "2", "2", "3"],
    }
)


def test_prosecutor_and_marketer_by_hand() -> None:
    risk = measure_risk(FRAME, ["age", "zip"])
    assert risk.classes == 3
    assert risk.prosecutor_highest == 1.0
    assert risk.prosecutor_average == pytest.approx(3 / 6)
    assert risk.marketer == pytest.approx(3 / 6)
    assert risk.unique_share == pytest.approx(1 / 6)
    assert risk.highest_risk_share == pytest.approx(1 / 6)
    assert risk.above_threshold_share == pytest.approx(6 / 6)  # 1/3, 1/2 and 1 all exceed 0.2
    assert (
        risk.class_sizes["1"] == 1 and risk.class_sizes["2"] == 2 and risk.class_sizes["3-4"] == 3
    )


def test_journalist_risk_uses_the_population() -> None:
    population = pl.concat([FRAME, FRAME, FRAME.head(3)])
    risk = measure_risk(FRAME, ["age", "zip"], population=population)
    assert risk.prosecutor_highest == 1.0
    assert risk.journalist_highest == pytest.approx(1 / 2)  # the unique record occurs twice outside
    # per class f/F: 3/9 (30/1 occurs three more times), 2/4, 1/2; over 6 records
    assert risk.marketer == pytest.approx((3 / 9 + 2 / 4 + 1 / 2) / 6)


def test_suppressed_records_are_excluded() -> None:
    risk = measure_risk(FRAME, ["age", "zip"], exclude=pl.Series([False] * 5 + [True]))
    assert risk.records == 5 and risk.prosecutor_highest == 0.5


def test_linkage_counts_unique_joins() -> None:
    attacker = pl.DataFrame(
        {"age": ["50", "40", "30"], "zip": ["3", "2", "1"], "name": ["a", "b", "c"]}
    )
    link = linkage_risk(FRAME, attacker)
    assert link.on == ("age", "zip")
    assert link.unique_links == 1  # only the 50/3 record is alone on both sides
    assert link.matched_records == 6
    with pytest.raises(ConfigurationError, match="share no column"):
        linkage_risk(FRAME, pl.DataFrame({"x": [1]}))


def test_missing_risk_column() -> None:
    with pytest.raises(ConfigurationError, match="not in the table: nope"):
        measure_risk(FRAME, ["age", "nope"])
