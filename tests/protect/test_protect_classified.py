"""Columns a policy does not name are classified, so personal data is not left in clear."""

from __future__ import annotations

import polars as pl
import pytest

from jikimi.keys import Keyring, RawKek
from jikimi.protect import protect_table


@pytest.fixture
def keys(tmp_path):  # type: ignore[no-untyped-def]
    return Keyring.create(tmp_path / "k.json", RawKek(b"k" * 32))


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "cust_no": [str(1000 + i) for i in range(40)],
            "연락처": [f"010-{1000 + i:04d}-5678" for i in range(40)],
            "memo": [f"주민번호 900101-1234568 로 확인 {i}" for i in range(40)],
            "qty": [str(i % 5) for i in range(40)],
        }
    )


def test_unnamed_personal_columns_are_protected(keys) -> None:  # type: ignore[no-untyped-def]
    out = protect_table(_frame(), "kr-pipa", keys=keys)
    assert all(v.startswith("010-****-") for v in out["연락처"])
    assert not any("900101-1234568" in v for v in out["memo"])
    assert out["qty"].to_list() == _frame()["qty"].to_list()


def test_classification_can_be_switched_off(keys) -> None:  # type: ignore[no-untyped-def]
    out = protect_table(_frame(), "kr-pipa", keys=keys, classify=False)
    assert out["연락처"].to_list() == _frame()["연락처"].to_list()
