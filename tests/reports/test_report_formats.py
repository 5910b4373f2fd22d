"""Every report format parses back and carries the same findings, masked by default."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from jikimi.baseline import Baseline
from jikimi.reports import FORMATS, ScanReport
from jikimi.reports import csv as csv_report
from jikimi.reports import json as json_report
from jikimi.reports import jsonl as jsonl_report
from jikimi.reports import table as table_report
from jikimi.reports.model import end_position, line_column
from jikimi.types import EntityId

RRN = "900101-1234568"
CN_ID = "11010519491231002X"
PHONE = "010-1234-5678"
CARD = "4111111111111111"
RAW = (RRN, CN_ID, PHONE, CARD)
EXPECTED = {EntityId.KR_RRN, EntityId.CN_RESIDENT_ID, EntityId.PHONE, EntityId.CREDIT_CARD}


def render(writer: Callable[[ScanReport, io.StringIO], None], report: ScanReport) -> str:
    buf = io.StringIO()
    writer(report, buf)
    return buf.getvalue()


def test_builder_finds_the_sample_entities(report: ScanReport) -> None:
    assert {r.entity for r in report.findings} >= EXPECTED
    assert report.summary.files == 2 and report.summary.binary == 1
    assert report.summary.findings == len(report.findings)
    rrn = next(r for r in report.findings if r.entity is EntityId.KR_RRN)
    assert (rrn.line, rrn.column) == (1, 12)
    assert (rrn.end_line, rrn.end_column) == (1, 12 + len(RRN))
    assert rrn.value is None and rrn.preview != RRN and rrn.preview.startswith("900101")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_format_leaks_a_value_by_default(report: ScanReport, name: str) -> None:
    text = render(FORMATS[name], report)
    for value in RAW:
        assert value not in text, f"{name} shows a raw value"


@pytest.mark.parametrize("name", ["json", "jsonl", "csv", "table"])
def test_show_values_puts_values_in(report_factory: Callable[..., ScanReport], name: str) -> None:
    text = render(FORMATS[name], report_factory(show_values=True))
    for value in RAW:
        assert value in text


def test_sarif_never_carries_values_even_when_asked(
    report_factory: Callable[..., ScanReport],
) -> None:
    text = render(FORMATS["sarif"], report_factory(show_values=True))
    for value in RAW:
        assert value not in text


def test_json_document(report: ScanReport) -> None:
    doc = json.loads(render(json_report.write, report))
    assert doc["tool"] == {"name": "jikimi", "version": "9.9.9"}
    assert doc["summary"]["files"] == 2
    assert doc["summary"]["binary"] == 1
    assert doc["summary"]["findings"] == len(doc["findings"])
    assert sum(doc["summary"]["by_entity"].values()) == len(doc["findings"])
    first = doc["findings"][0]
    assert set(first) == {
        "path", "line", "column", "end_line", "end_column", "start", "end", "entity",
        "category", "score", "recognizer", "explanation", "preview",
    }  # fmt: skip
    assert first["path"] == "data/고객 목록.txt"
    entities = {f["entity"] for f in doc["findings"]}
    assert entities >= {e.value for e in EXPECTED}
    rrn = next(f for f in doc["findings"] if f["entity"] == "KR_RRN")
    assert rrn["category"] == "unique_identifier"
    assert 0.5 <= rrn["score"] <= 1.0
    assert isinstance(rrn["explanation"], list) and rrn["explanation"]


def test_json_with_values(report_factory: Callable[..., ScanReport]) -> None:
    doc = json.loads(render(json_report.write, report_factory(show_values=True)))
    rrn = next(f for f in doc["findings"] if f["entity"] == "KR_RRN")
    assert rrn["value"] == RRN and rrn["preview"] != RRN


def test_json_lists_unreadable_files(report_factory: Callable[..., ScanReport]) -> None:
    doc = json.loads(render(json_report.write, report_factory(problems=("secret/x.txt",))))
    assert doc["errors"] == [{"path": "secret/x.txt", "error": "permission denied"}]
    assert doc["summary"]["errors"] == 1


def test_jsonl_one_finding_per_line(report: ScanReport) -> None:
    lines = render(jsonl_report.write, report).splitlines()
    assert len(lines) == len(report.findings)
    rows = [json.loads(line) for line in lines]
    assert [r["entity"] for r in rows] == [f.entity.value for f in report.findings]
    assert all("value" not in r for r in rows)


def test_jsonl_empty_report_is_empty(report_factory: Callable[..., ScanReport]) -> None:
    from jikimi.reports import ReportBuilder

    empty = ReportBuilder(tool_version="1").build()
    assert render(jsonl_report.write, empty) == ""


def test_csv_round_trip(report: ScanReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render(csv_report.write, report), newline="")))
    assert len(rows) == len(report.findings)
    assert tuple(rows[0]) == csv_report.BASE_COLUMNS
    rrn = next(r for r in rows if r["entity"] == "KR_RRN")
    assert rrn["path"] == "data/고객 목록.txt"
    assert int(rrn["line"]) == 1 and int(rrn["column"]) == 12
    assert rrn["preview"].startswith("900101") and rrn["preview"] != RRN
    phone = next(r for r in rows if r["entity"] == "PHONE")
    assert phone["preview"].startswith("010-")  # a leading digit is never guarded


def test_csv_with_values_and_baseline(report_factory: Callable[..., ScanReport]) -> None:
    baseline = Baseline.new()
    report = report_factory(show_values=True, baseline=baseline)
    rows = list(csv.DictReader(io.StringIO(render(csv_report.write, report), newline="")))
    assert {"value", "baselined", "fingerprint"} <= set(rows[0])
    assert {r["value"] for r in rows} >= set(RAW)
    assert all(len(r["fingerprint"]) == 64 for r in rows)


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ('=HYPERLINK("x")', True),
        ("@SUM(A1)", True),
        ("-2+3", True),
        ("-123", False),
        ("+82 10-****-5678", False),
        ("+cmd|' /C calc'!A0", True),
        ("-x", True),
        ("\tx", True),
        ("data/a.txt", False),
    ],
)
def test_csv_formula_guard(cell: str, guarded: bool) -> None:
    out = csv_report._safe(cell)
    assert out == ("'" + cell if guarded else cell)


def test_csv_guards_a_hostile_file_name(report_factory: Callable[..., ScanReport]) -> None:
    report = report_factory(path="=cmd|calc.txt")
    rows = list(csv.reader(io.StringIO(render(csv_report.write, report), newline="")))
    assert rows[1][0] == "'=cmd|calc.txt"


def test_table_has_locations_and_summary(report: ScanReport) -> None:
    text = render(table_report.write, report)
    assert "data/고객 목록.txt:1:12" in text
    assert "KR_RRN" in text and "kr-rrn" in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("2 files,") and "1 binary skipped" in last and "0 errors" in last
    assert f"{len(report.findings)} findings" in last


def test_table_without_summary_and_clean(report_factory: Callable[..., ScanReport]) -> None:
    from jikimi.reports import ReportBuilder

    clean = ReportBuilder(tool_version="1").build()
    buf = io.StringIO()
    table_report.write(clean, buf, summary=False)
    assert buf.getvalue() == ""
    buf = io.StringIO()
    table_report.write(clean, buf)
    assert "no findings" in buf.getvalue()


def test_table_marks_baselined(report_factory: Callable[..., ScanReport]) -> None:
    baseline = Baseline.new()
    baseline.add("data/고객 목록.txt", EntityId.KR_RRN, RRN)
    text = render(table_report.write, report_factory(baseline=baseline))
    assert "KR_RRN (baselined)" in text
    assert "1 baselined" in text.strip().splitlines()[-1]


def test_positions() -> None:
    text = "ab\ncd 900101\nx"
    assert line_column(text, 0) == (1, 1)
    assert line_column(text, 3) == (2, 1)
    assert line_column(text, 6) == (2, 4)
    assert end_position(2, 4, "900101") == (2, 10)
    assert end_position(1, 5, "ab\ncde") == (2, 4)


def test_display_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jikimi.reports.model import display_path

    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert display_path("./a/../b/c.txt") == "b/c.txt"
    assert display_path(tmp_path / "d" / "e.txt") == "d/e.txt"
    assert display_path("link.txt") == "link.txt"  # the name given, not the target
    assert display_path("-") == "<stdin>"
    outside = tmp_path.parent / "elsewhere.txt"
    assert display_path(outside) == outside.as_posix()
    assert display_path("../elsewhere.txt") == outside.as_posix()


def test_long_reports_use_plain_columns_and_compact_json(
    monkeypatch: pytest.MonkeyPatch, report: ScanReport
) -> None:
    monkeypatch.setattr(table_report, "RICH_MAX_ROWS", 2)
    monkeypatch.setattr(json_report, "PRETTY_MAX_FINDINGS", 2)
    lines = render(table_report.write, report).splitlines()
    assert lines[0].split() == ["location", "entity", "score", "preview", "recognizer"]
    assert lines[1].startswith("data/고객 목록.txt:1:12 ") and "KR_RRN" in lines[1]
    assert len(lines) == len(report.findings) + 2  # header, rows, summary
    assert "┃" not in "".join(lines)
    text = render(json_report.write, report)
    assert text.count("\n") == 1 and json.loads(text)["summary"]["findings"] == len(report.findings)
