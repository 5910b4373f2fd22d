"""Shared fixtures for report tests: a report with known findings, and a SARIF checker."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from jikimi.baseline import Baseline
from jikimi.reports import ReportBuilder, ScanReport
from jikimi.reports.model import line_column
from jikimi.scanner import scan_text

RRN = "900101-1234568"
CN_ID = "11010519491231002X"
PHONE = "010-1234-5678"
CARD = "4111111111111111"
SAMPLE = f"고객 주민등록번호: {RRN}\n연락처 {PHONE}\n身份证号码 {CN_ID}\ncard {CARD}\n"
RAW_VALUES = (RRN, CN_ID, PHONE, CARD)


def build_report(
    *,
    show_values: bool = False,
    baseline: Baseline | None = None,
    path: str = "data/고객 목록.txt",
    problems: tuple[str, ...] = (),
) -> ScanReport:
    builder = ReportBuilder(tool_version="9.9.9", baseline=baseline, show_values=show_values)
    located = [(f, *line_column(SAMPLE, f.start)) for f in scan_text(SAMPLE)]
    builder.add_file(path, size_bytes=len(SAMPLE.encode()), findings=located)
    builder.add_file("bin/logo.png", size_bytes=10, status="binary")
    for p in problems:
        builder.add_file(p, status="error", error="permission denied")
    return builder.build()


@pytest.fixture
def report() -> ScanReport:
    return build_report()


_LEVELS = {"none", "note", "warning", "error"}
_BASELINE_STATES = {"new", "unchanged", "updated", "absent"}
_SUPPRESSION_KINDS = {"inSource", "external"}
_URI_REF = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def _message(m: Any) -> None:
    assert isinstance(m, dict) and ("text" in m or "id" in m), m


def check_sarif(doc: Any) -> None:
    """Assert the parts of the SARIF 2.1.0 schema that jikimi's output uses."""
    assert doc["version"] == "2.1.0"
    assert isinstance(doc["$schema"], str) and doc["$schema"].startswith("https://")
    assert isinstance(doc["runs"], list) and len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "jikimi"
    assert isinstance(driver["version"], str) and driver["version"]
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in rules:
        assert isinstance(rule["id"], str) and rule["id"]
        _message(rule["shortDescription"])
        assert rule["defaultConfiguration"]["level"] in _LEVELS
    assert run.get("columnKind") in {"utf16CodeUnits", "unicodeCodePoints"}
    for base in run.get("originalUriBaseIds", {}).values():
        assert base["uri"].endswith("/")
    for inv in run.get("invocations", []):
        assert isinstance(inv["executionSuccessful"], bool)
        for note in inv.get("toolExecutionNotifications", []):
            _message(note["message"])
            assert note["level"] in _LEVELS
    for result in run["results"]:
        _message(result["message"])
        assert result["ruleId"] in ids
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in _LEVELS
        if "baselineState" in result:
            assert result["baselineState"] in _BASELINE_STATES
        for s in result.get("suppressions", []):
            assert s["kind"] in _SUPPRESSION_KINDS
        for key, value in result.get("partialFingerprints", {}).items():
            assert isinstance(key, str) and isinstance(value, str)
        assert result["locations"], "every result has a location"
        for loc in result["locations"]:
            phys = loc["physicalLocation"]
            uri = phys["artifactLocation"]["uri"]
            assert _URI_REF.fullmatch(uri), f"not a percent-encoded URI reference: {uri!r}"
            if "uriBaseId" in phys["artifactLocation"]:
                assert phys["artifactLocation"]["uriBaseId"] in run["originalUriBaseIds"]
            region = phys["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
            assert region["endLine"] >= region["startLine"]
            if region["endLine"] == region["startLine"]:
                assert region["endColumn"] > region["startColumn"]


@pytest.fixture
def sarif_checker() -> Callable[[Any], None]:
    return check_sarif


@pytest.fixture
def report_factory() -> Callable[..., ScanReport]:
    return build_report
