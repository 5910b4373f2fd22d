"""``jikimi baseline create`` then ``jikimi scan --baseline``: old findings pass, new fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

RRN = "900101-1234568"
CN_ID = "11010519491231002X"
PHONE = "010-1234-5678"
CARD = "4111111111111111"
NEW_RRN = "850615-2345674"

Run = Callable[..., Result]


@pytest.fixture
def baseline(run: Run, tree: Path) -> Path:
    result = run(["baseline", "create", "docs", "-o", "base.json"])
    assert result.exit_code == 0, result.output
    assert "4 finding(s) acknowledged in base.json" in result.stderr
    return tree / "base.json"


def test_baseline_file_has_no_values(baseline: Path) -> None:
    text = baseline.read_text(encoding="utf-8")
    for value in (RRN, CN_ID, PHONE, CARD, "9001011234568", "01012345678"):
        assert value not in text
    doc = json.loads(text)
    assert len(doc["findings"]) == 4
    assert {f["path"] for f in doc["findings"]} == {"docs/customers.txt", "docs/ids_cn.txt"}
    assert all(len(f["hmac"]) == 64 for f in doc["findings"])


def test_default_output_name(run: Run, tree: Path) -> None:
    assert run(["baseline", "create", "docs", "-q"]).exit_code == 0
    assert (tree / ".jikimi-baseline.json").is_file()


def test_rerun_with_baseline_passes(run: Run, baseline: Path) -> None:
    result = run(["scan", "docs", "--baseline", "base.json"])
    assert result.exit_code == 0, result.output
    assert "(baselined)" in result.stdout
    result = run(["scan", "docs", "--baseline", "base.json", "-f", "json"])
    doc = json.loads(result.stdout)
    assert all(f["baselined"] for f in doc["findings"])
    assert doc["summary"]["baselined"] == 4


def test_new_finding_still_fails(run: Run, tree: Path, baseline: Path) -> None:
    with (tree / "docs" / "customers.txt").open("a", encoding="utf-8") as fh:
        fh.write(f"새 고객 주민번호 {NEW_RRN}\n")
    result = run(["scan", "docs", "--baseline", "base.json", "-f", "json"])
    assert result.exit_code == 1
    new = [f for f in json.loads(result.stdout)["findings"] if not f["baselined"]]
    assert [(f["entity"], f["line"]) for f in new] == [("KR_RRN", 4)]


def test_same_value_in_another_file_is_new(run: Run, tree: Path, baseline: Path) -> None:
    (tree / "docs" / "copy.txt").write_text(f"tel {PHONE}\n", encoding="utf-8")
    assert run(["scan", "docs", "--baseline", "base.json"]).exit_code == 1


def test_fail_on_ignores_baselined(run: Run, tree: Path, baseline: Path) -> None:
    result = run(["scan", "docs", "--baseline", "base.json", "--fail-on", "0"])
    assert result.exit_code == 0


def test_sarif_fingerprints_match_the_baseline(run: Run, baseline: Path) -> None:
    result = run(["scan", "docs", "--baseline", "base.json", "-f", "sarif"])
    assert result.exit_code == 0
    results = json.loads(result.stdout)["runs"][0]["results"]
    prints = {r["partialFingerprints"]["jikimiFinding/v1"] for r in results}
    stored = {f["hmac"] for f in json.loads(baseline.read_text(encoding="utf-8"))["findings"]}
    assert prints == stored
    assert all(r["baselineState"] == "unchanged" and r["suppressions"] for r in results)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: "{" + d, "not valid JSON"),
        (lambda d: d.replace('"hmac": "', '"hmac": "zz', 1), "hmac must be 64"),
        (lambda d: d.replace('"jikimi-baseline"', '"detect-secrets"'), "format"),
        (lambda d: d.replace('"salt": "', '"salt": "q', 1), "salt"),
        (lambda d: d.replace('"version": 1', '"version": 7'), "version 7"),
    ],
)
def test_tampered_baseline_exits_2(
    run: Run, baseline: Path, tamper: Callable[[str], str], message: str
) -> None:
    baseline.write_text(tamper(baseline.read_text(encoding="utf-8")), encoding="utf-8")
    result = run(["scan", "docs", "--baseline", "base.json"])
    assert result.exit_code == 2
    assert message in result.stderr and "base.json" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_missing_baseline_exits_2(run: Run, tree: Path) -> None:
    result = run(["scan", "docs", "--baseline", "nope.json"])
    assert result.exit_code == 2
    assert "baseline file nope.json does not exist" in result.stderr


def test_baseline_create_errors(run: Run, tree: Path) -> None:
    result = run(["baseline", "create", "missing-dir"])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = run(["baseline", "create"])
    assert result.exit_code == 2 and "Missing argument" in result.stderr
    result = run(["baseline", "create", "docs", "--entities", "BOGUS"])
    assert result.exit_code == 2 and "unknown entity 'BOGUS'" in result.stderr
    assert not (tree / ".jikimi-baseline.json").exists()


def test_baseline_restricted_to_entities(run: Run, tree: Path) -> None:
    run(["baseline", "create", "docs", "-o", "rrn.json", "--entities", "KR_RRN"])
    assert len(json.loads((tree / "rrn.json").read_text(encoding="utf-8"))["findings"]) == 1
    result = run(["scan", "docs", "--baseline", "rrn.json", "-f", "json"])
    assert result.exit_code == 1
    new = {f["entity"] for f in json.loads(result.stdout)["findings"] if not f["baselined"]}
    assert new == {"PHONE", "CN_RESIDENT_ID", "CREDIT_CARD"}
