"""``jikimi entities`` lists the catalogue."""

from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import Result

from jikimi.catalog import CATALOG

Run = Callable[..., Result]


def test_table(run: Run) -> None:
    result = run(["entities"])
    assert result.exit_code == 0
    for needle in ("KR_RRN", "주민등록번호", "居民身份证号码", "unique_identifier", "PIPA Art.24"):
        assert needle in result.stdout


def test_json(run: Run) -> None:
    result = run(["entities", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [e.value for e in CATALOG]
    rrn = rows[0]
    assert rrn["name_ko"] == "주민등록번호" and rrn["category"] == "unique_identifier"
    assert rrn["country"] == "KR" and any("Art.24" in law for law in rrn["laws"])


def test_bad_format(run: Run) -> None:
    result = run(["entities", "--format", "sarif"])
    assert result.exit_code == 2
