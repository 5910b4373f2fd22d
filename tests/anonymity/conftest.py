"""Shared fixtures: the Adult data set with ARX's hierarchies, and small slices of it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jikimi.anonymity import Hierarchy, load_hierarchies

ADULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "adult"
if not ADULT.is_dir():  # the repository checked out elsewhere
    ADULT = Path("/work/shared/data/adult")


@pytest.fixture(scope="session")
def adult() -> pl.DataFrame:
    if not (ADULT / "adult.csv").exists():
        pytest.fail(f"Adult data set not found at {ADULT}")
    return pl.read_csv(ADULT / "adult.csv", separator=";", infer_schema=False)


@pytest.fixture(scope="session")
def adult_hierarchies(adult: pl.DataFrame) -> dict[str, Hierarchy]:
    return load_hierarchies(ADULT, adult.columns)


@pytest.fixture(scope="session")
def adult_dir() -> Path:
    return ADULT
