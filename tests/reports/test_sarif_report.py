"""SARIF output follows the 2.1.0 schema's rules and the code-scanning conventions."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from jikimi.baseline import Baseline
from jikimi.catalog import CATALOG
from jikimi.reports import ScanReport
from jikimi.reports.sarif import FINGERPRINT_KEY, artifact_location, level, sarif_dict, write
from jikimi.types import EntityId

RRN = "900101-1234568"


def test_valid_structure(report: ScanReport, sarif_checker: Callable[[Any], None]) -> None:
    buf = io.StringIO()
    write(report, buf)
    doc = json.loads(buf.getvalue())
    sarif_checker(doc)
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(run["results"]) == len(report.findings)


def test_one_rule_per_catalogue_entity(report: ScanReport) -> None:
    rules = sarif_dict(report)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [e.value for e in CATALOG]
    rrn_rule = rules[0]
    assert rrn_rule["shortDescription"]["text"] == CATALOG[EntityId.KR_RRN].name_en
    assert "주민등록번호" in rrn_rule["fullDescription"]["text"]


def test_rules_follow_entity_selection(report_factory: Callable[..., ScanReport]) -> None:
    from jikimi.reports import ReportBuilder

    builder = ReportBuilder(tool_version="1", entities=[EntityId.PHONE])
    rules = sarif_dict(builder.build())["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["PHONE"]


def test_levels() -> None:
    assert level(EntityId.KR_RRN) == "error"
    assert level(EntityId.CREDIT_CARD) == "error"
    assert level(EntityId.PHONE) == "warning"
    assert level(EntityId.EMAIL) == "warning"


def test_result_location_and_message(report: ScanReport) -> None:
    results = sarif_dict(report)["runs"][0]["results"]
    rrn = next(r for r in results if r["ruleId"] == "KR_RRN")
    phys = rrn["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"] == {
        "uri": "data/%EA%B3%A0%EA%B0%9D%20%EB%AA%A9%EB%A1%9D.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert phys["region"] == {"startLine": 1, "startColumn": 12, "endLine": 1, "endColumn": 26}
    assert rrn["level"] == "error"
    assert RRN not in rrn["message"]["text"]
    assert "KR_RRN" in rrn["message"]["text"]
    assert "partialFingerprints" not in rrn  # no baseline, no fingerprint


def test_fingerprints_and_suppressions_from_baseline(
    report_factory: Callable[..., ScanReport], sarif_checker: Callable[[Any], None]
) -> None:
    baseline = Baseline.new()
    baseline.add("data/고객 목록.txt", EntityId.KR_RRN, RRN)
    doc = sarif_dict(report_factory(baseline=baseline))
    sarif_checker(doc)
    results = doc["runs"][0]["results"]
    rrn = next(r for r in results if r["ruleId"] == "KR_RRN")
    assert rrn["partialFingerprints"][FINGERPRINT_KEY] == baseline.fingerprint(EntityId.KR_RRN, RRN)
    assert rrn["baselineState"] == "unchanged"
    assert rrn["suppressions"][0]["kind"] == "external"
    others = [r for r in results if r["ruleId"] != "KR_RRN"]
    assert others and all(r["baselineState"] == "new" and "suppressions" not in r for r in others)


def test_unreadable_files_are_notifications(
    report_factory: Callable[..., ScanReport], sarif_checker: Callable[[Any], None]
) -> None:
    doc = sarif_dict(report_factory(problems=("locked.txt",)))
    sarif_checker(doc)
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    note = inv["toolExecutionNotifications"][0]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "locked.txt"


def test_artifact_locations() -> None:
    assert artifact_location("a b/c.txt") == {"uri": "a%20b/c.txt", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("/tmp/x y.txt") == {"uri": "file:///tmp/x%20y.txt"}
    assert artifact_location("<stdin>") == {"uri": "stdin"}
