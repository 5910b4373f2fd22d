from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jikimi.anonymity import (
    AnonymizationConfig,
    Hierarchy,
    HierarchyError,
    KAnonymity,
    address_hierarchy,
    build_hierarchy,
    date_hierarchy,
    grouping_hierarchy,
    interval_hierarchy,
    postcode_hierarchy,
)
from jikimi.anonymity.encoding import EncodedTable


def test_arx_files_load_with_expected_heights(adult_hierarchies: dict[str, Hierarchy]) -> None:
    heights = {name: h.height for name, h in adult_hierarchies.items()}
    assert heights == {
        "sex": 2, "age": 5, "race": 2, "marital-status": 3, "education": 4,
        "native-country": 3, "workclass": 3, "occupation": 3, "salary-class": 2,
    }  # fmt: skip
    age = adult_hierarchies["age"]
    assert age.generalize("37", 1) == "35-39"
    assert age.generalize("37", 4) == "*"
    assert len(age.values) == 100


def test_repr_hides_values(adult_hierarchies: dict[str, Hierarchy]) -> None:
    assert "Bachelors" not in repr(adult_hierarchies["education"])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["a", "x", "*"], ["b", "*"]], "row 2 has 2 levels"),
        ([["a", "x", "*"], ["a", "y", "*"]], "repeats row 1"),
        ([["a", "x", "*"], ["b", "x", "top"]], "not a tree"),
        ([["a", "", "*"]], "empty label"),
        ([], "no rows"),
    ],
)
def test_malformed_hierarchies_are_rejected(rows: list[list[str]], message: str) -> None:
    with pytest.raises(HierarchyError, match=message):
        Hierarchy.from_rows("col", rows)


def test_csv_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "data_hierarchy_x.csv"
    bad.write_text("a;g;*\nb;g;*\nc;h\n", encoding="utf-8")
    with pytest.raises(HierarchyError, match=r"data_hierarchy_x\.csv: .*row 3"):
        Hierarchy.from_csv(bad, "x")
    empty = tmp_path / "e.csv"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(HierarchyError, match="empty"):
        Hierarchy.from_csv(empty, "e")


def test_uncovered_value_is_a_clear_error_without_the_value() -> None:
    frame = pl.DataFrame({"x": ["a", "b", "secret-value", "a"]})
    hierarchy = Hierarchy.from_rows("x", [["a", "*"], ["b", "*"]])
    config = AnonymizationConfig(("x",), {"x": hierarchy}, (KAnonymity(2),))
    with pytest.raises(HierarchyError) as caught:
        EncodedTable(frame, config)
    assert "does not cover 1 distinct value" in str(caught.value)
    assert "row 3" in str(caught.value)
    assert "secret-value" not in str(caught.value)


def test_interval_hierarchy_nests_and_checks_widths() -> None:
    h = interval_hierarchy("age", [17, 23, 37, 90], (5, 10, 20))
    assert h.generalize("37", 1) == "35-39"
    assert h.generalize("37", 2) == "30-39"
    assert h.generalize("37", 3) == "20-39"
    assert h.generalize("37", 4) == "*"
    with pytest.raises(HierarchyError, match="multiple"):
        interval_hierarchy("age", [1, 2], (5, 7))
    with pytest.raises(HierarchyError, match="not a number"):
        interval_hierarchy("age", ["x"], (5,))
    floats = interval_hierarchy("w", [1.5, 2.25], (0.5, 1))
    assert floats.generalize("2.25", 1) == "[2, 2.5)"


def test_date_hierarchy_month_year() -> None:
    h = date_hierarchy("d", ["2024-03-05", "2024-03-28", "2023-12-31"], decade=True)
    assert [h.generalize("2024-03-05", level) for level in range(h.height)] == [
        "2024-03-05", "2024-03", "2024", "2020s", "*",
    ]  # fmt: skip
    with pytest.raises(HierarchyError, match="not a date"):
        date_hierarchy("d", ["yesterday"])


def test_postcode_hierarchy_masks_by_prefix() -> None:
    h = postcode_hierarchy("zip", ["06236", "06241", "13529"])
    assert [h.generalize("06236", level) for level in range(h.height)] == [
        "06236", "0623*", "062**", "06***", "0****", "*",
    ]  # fmt: skip


def test_grouping_hierarchy_requires_every_value_grouped() -> None:
    groups = [{"nurse": "health", "doctor": "health", "clerk": "office"}]
    h = grouping_hierarchy("job", ["nurse", "doctor", "clerk"], groups)
    assert h.generalize("doctor", 1) == "health"
    assert h.height == 3
    with pytest.raises(HierarchyError, match="does not place"):
        grouping_hierarchy("job", ["nurse", "pilot"], groups)


def test_korean_address_levels() -> None:
    values = [
        "서울특별시 강남구 역삼동 123-4",
        "경기도 성남시 분당구 정자동 1",
        "서울 강남구 삼성동 9",
    ]
    h = address_hierarchy("addr", values, "kr")
    assert [h.generalize(values[1], level) for level in range(h.height)] == [
        values[1], "경기도 성남시 분당구 정자동", "경기도 성남시 분당구", "경기도", "*",
    ]  # fmt: skip
    # the short province name is normalised, so both Gangnam addresses share city level
    assert h.generalize(values[0], 2) == h.generalize(values[2], 2) == "서울특별시 강남구"


def test_chinese_address_levels() -> None:
    values = [
        "广东省深圳市南山区科技园路1号",
        "北京市海淀区中关村大街27号",
        "广东省广州市天河区体育西路",
    ]
    h = address_hierarchy("addr", values, "cn")
    assert [h.generalize(values[0], level) for level in range(h.height)] == [
        values[0], "广东省深圳市南山区", "广东省深圳市", "广东省", "*",
    ]  # fmt: skip
    assert h.generalize(values[1], 1) == "北京市海淀区"
    assert h.generalize(values[1], 3) == "北京市"
    assert h.generalize(values[2], 3) == h.generalize(values[0], 3)


def test_build_hierarchy_specs() -> None:
    assert build_hierarchy("a", [1, 2, 30], "interval:10,20").height == 4
    assert build_hierarchy("z", ["12345"], "postcode:2").height == 4
    with pytest.raises(HierarchyError, match="unknown hierarchy kind"):
        build_hierarchy("a", [1], "spline")
