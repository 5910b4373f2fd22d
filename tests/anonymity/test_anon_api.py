from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jikimi.anonymity import ConfigurationError, anonymize
from jikimi.anonymity.report import build_report, render_html


def test_api_over_dataframe_with_builders() -> None:
    frame = pl.DataFrame(
        {
            "age": [23, 25, 27, 31, 33, 36, 41, 44, 47, 52] * 3,
            "zip": [
                "06236",
                "06241",
                "06250",
                "13529",
                "13530",
                "13531",
                "04524",
                "04525",
                "04526",
                "04527",
            ]
            * 3,
            "visit": ["2024-01-03", "2024-01-17", "2024-02-09"] * 10,
            "disease": [
                "flu",
                "cold",
                "asthma",
                "flu",
                "cold",
                "flu",
                "asthma",
                "cold",
                "flu",
                "gout",
            ]
            * 3,
        }
    )
    result = anonymize(
        frame,
        ["age", "zip", "visit"],
        k=4,
        sensitive="disease",
        l=2,
        builders={"zip": "postcode", "visit": "date"},
    )
    assert set(result.levels) == {"age", "zip", "visit"}
    sizes = result.data.group_by(["age", "zip", "visit"]).len().get_column("len")
    assert sizes.min() >= 4
    assert result.data.get_column("disease").to_list() == frame.get_column("disease").to_list()
    report = build_report(result)
    assert report["search"]["lattice_size"] == result.search.lattice_size
    assert "<svg" in render_html(report)


def test_api_errors() -> None:
    frame = pl.DataFrame({"a": ["x", "y"]})
    with pytest.raises(ConfigurationError, match="not in the table: b"):
        anonymize(frame, ["b"], k=2)
    with pytest.raises(ConfigurationError, match="no privacy model"):
        anonymize(frame, ["a"])
    with pytest.raises(ConfigurationError, match="larger than the table"):
        anonymize(frame, ["a"], k=3)
    with pytest.raises(ConfigurationError, match="need a sensitive attribute"):
        anonymize(frame, ["a"], k=1, l=2)


def test_hierarchy_directory_missing(tmp_path: Path) -> None:
    from jikimi.anonymity import HierarchyError

    frame = pl.DataFrame({"a": ["x", "y"]})
    with pytest.raises(HierarchyError, match="does not exist"):
        anonymize(frame, ["a"], k=1, hierarchies=tmp_path / "nope")
