from __future__ import annotations

import polars as pl
import pytest
from anon_checks import emd_equal, emd_hierarchical, verify

from jikimi.anonymity import (
    AnonymizationConfig,
    DistinctLDiversity,
    EntropyLDiversity,
    Hierarchy,
    KAnonymity,
    NoSolutionError,
    TCloseness,
    anonymize_with,
)

QIS = ("sex", "age", "race", "marital-status", "education", "native-country", "workclass")
FEW = ("sex", "age", "race", "marital-status", "education")


def _config(h: dict[str, Hierarchy], models: tuple, limit: float) -> AnonymizationConfig:  # type: ignore[type-arg]
    monotone = all(m.monotone_with_suppression for m in models) or limit == 0
    return AnonymizationConfig(QIS if monotone else FEW, h, models, limit)


@pytest.mark.parametrize(
    ("models", "limit"),
    [
        ((KAnonymity(5),), 0.0),
        ((KAnonymity(10),), 0.02),
        ((KAnonymity(3), DistinctLDiversity("occupation", 3)), 0.02),
        ((KAnonymity(2), EntropyLDiversity("occupation", 3)), 0.02),
        ((TCloseness("occupation", 0.2),), 0.05),
        ((KAnonymity(2), TCloseness("occupation", 0.15, "hierarchical")), 0.03),
        ((DistinctLDiversity("salary-class", 2), EntropyLDiversity("occupation", 2.5)), 0.0),
    ],
)
def test_every_model_holds_on_the_release(
    adult: pl.DataFrame,
    adult_hierarchies: dict[str, Hierarchy],
    models: tuple,
    limit: float,  # type: ignore[type-arg]
) -> None:
    frame = adult.head(2500)
    result = anonymize_with(frame, _config(adult_hierarchies, models, limit), measure=False)
    verify(result, frame)


def test_emd_formula_matches_the_tree_definition(adult_hierarchies: dict[str, Hierarchy]) -> None:
    from collections import Counter

    h = adult_hierarchies["occupation"]
    overall = Counter(dict.fromkeys(h.values, 1))
    n = len(h.values)
    sample = ["Tech-support", "Tech-support", "Sales", "Craft-repair"]
    hierarchical = emd_hierarchical(sample, overall, n, h)
    equal = emd_equal(sample, overall, n)
    assert 0 < hierarchical < equal  # near values cost less than arbitrary ones


def test_no_solution_is_reported(adult_hierarchies: dict[str, Hierarchy]) -> None:
    frame = pl.DataFrame({"sex": ["Male"] * 6, "occupation": ["Sales"] * 5 + ["Tech-support"]})
    config = AnonymizationConfig(
        ("sex",), adult_hierarchies, (DistinctLDiversity("occupation", 3),), 0.0
    )
    with pytest.raises(NoSolutionError, match="distinct-3-diversity"):
        anonymize_with(frame, config)


def test_suppression_accounting(
    adult: pl.DataFrame, adult_hierarchies: dict[str, Hierarchy]
) -> None:
    frame = adult.head(3000)
    config = AnonymizationConfig(QIS, adult_hierarchies, (KAnonymity(4),), 0.03)
    result = anonymize_with(frame, config)
    limit = int(0.03 * frame.height)
    assert 0 < result.suppressed <= limit
    assert result.utility.suppressed == result.suppressed == int(result.suppressed_mask.sum())
    # suppressed rows lose every quasi-identifier, keep the rest
    rows = result.data.filter(result.suppressed_mask)
    assert rows.height == result.suppressed
    assert all(rows.get_column(qi).eq("*").all() for qi in QIS)
    assert (
        rows.get_column("occupation").to_list()
        == frame.filter(result.suppressed_mask).get_column("occupation").to_list()
    )
    assert result.risk_after is not None
    assert result.risk_after.records == frame.height - result.suppressed
    assert result.risk_after.prosecutor_highest <= 1 / 4
