"""``jikimi scan PATH...``: formats, output files, globs, workers and exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from jikimi import pathscan

RRN = "900101-1234568"
CN_ID = "11010519491231002X"
PHONE = "010-1234-5678"
CARD = "4111111111111111"
RAW = (RRN, CN_ID, PHONE, CARD)

Run = Callable[..., Result]


def _json(run: Run, *args: str) -> tuple[int, dict[str, Any]]:
    result = run(["scan", *args, "-f", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_table_over_a_tree(run: Run, tree: Path) -> None:
    result = run(["scan", "."])
    assert result.exit_code == 1
    out = result.stdout
    assert "docs/customers.txt:2:" in out and "docs/ids_cn.txt:1:7" in out
    for entity in ("KR_RRN", "PHONE", "CN_RESIDENT_ID", "CREDIT_CARD"):
        assert entity in out
    for value in RAW:
        assert value not in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("4 files,") and "1 binary skipped" in summary
    assert "0 errors" in summary and "4 findings" in summary


def test_clean_file_exits_0(run: Run, tree: Path) -> None:
    result = run(["scan", "clean.txt"])
    assert result.exit_code == 0
    assert "no findings" in result.stdout


def test_quiet_prints_only_the_table(run: Run, tree: Path) -> None:
    assert run(["scan", "clean.txt", "--quiet"]).stdout == ""
    out = run(["scan", "docs", "-q"]).stdout
    assert "KR_RRN" in out and "files," not in out


def test_json_over_a_tree(run: Run, tree: Path) -> None:
    code, doc = _json(run, ".")
    assert code == 1
    assert doc["summary"]["files"] == 4 and doc["summary"]["binary"] == 1
    by_path = {(f["path"], f["entity"]) for f in doc["findings"]}
    assert by_path == {
        ("docs/customers.txt", "KR_RRN"),
        ("docs/customers.txt", "PHONE"),
        ("docs/ids_cn.txt", "CN_RESIDENT_ID"),
        ("docs/ids_cn.txt", "CREDIT_CARD"),
    }
    rrn = next(f for f in doc["findings"] if f["entity"] == "KR_RRN")
    assert (rrn["line"], rrn["column"]) == (2, 12)
    text = (tree / "docs/customers.txt").read_text(encoding="utf-8")
    assert text[rrn["start"] : rrn["end"]] == RRN
    assert "value" not in rrn and rrn["preview"] != RRN


def test_show_values_in_files(run: Run, tree: Path) -> None:
    _, doc = _json(run, "docs", "--show-values")
    assert {f["value"] for f in doc["findings"]} == set(RAW)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "sarif", "table"])
def test_every_format_to_an_output_file(run: Run, tree: Path, fmt: str) -> None:
    out = tree / f"report.{fmt}"
    result = run(["scan", "docs", "-f", fmt, "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    for value in RAW:
        assert value not in text
    assert "\x1b[" not in text  # no terminal colour codes in a saved report
    entities: set[str]
    if fmt == "json":
        entities = {f["entity"] for f in json.loads(text)["findings"]}
    elif fmt == "jsonl":
        entities = {json.loads(line)["entity"] for line in text.splitlines()}
    elif fmt == "csv":
        entities = {row["entity"] for row in csv.DictReader(io.StringIO(text, newline=""))}
    elif fmt == "sarif":
        run_ = json.loads(text)["runs"][0]
        entities = {r["ruleId"] for r in run_["results"]}
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run_["results"]
        }
        assert uris == {"docs/customers.txt", "docs/ids_cn.txt"}
        region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    else:
        entities = {e for e in ("KR_RRN", "PHONE", "CN_RESIDENT_ID", "CREDIT_CARD") if e in text}
    assert entities == {"KR_RRN", "PHONE", "CN_RESIDENT_ID", "CREDIT_CARD"}
    assert sorted(p.name for p in tree.iterdir() if p.name.endswith(".tmp")) == []


def test_output_untouched_when_the_run_fails(run: Run, tree: Path) -> None:
    out = tree / "report.json"
    out.write_text("previous report", encoding="utf-8")
    result = run(["scan", "docs", "-f", "json", "-o", str(out), "--entities", "NOPE"])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tree.iterdir() if p.name.startswith(".report")] == []


def test_output_into_a_missing_directory(run: Run, tree: Path) -> None:
    result = run(["scan", "docs", "-f", "json", "-o", str(tree / "nope" / "r.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.output
    assert not (tree / "nope").exists()


def test_include_and_exclude(run: Run, tree: Path) -> None:
    _, doc = _json(run, ".", "--exclude", "docs/ids_*")
    assert {f["path"] for f in doc["findings"]} == {"docs/customers.txt"}
    _, doc = _json(run, ".", "--include", "*ids_cn.txt")
    assert {f["path"] for f in doc["findings"]} == {"docs/ids_cn.txt"}
    assert doc["summary"]["files"] == 1


def test_workers_do_not_change_the_report(run: Run, tree: Path) -> None:
    for i in range(6):
        (tree / "docs" / f"more{i}.txt").write_text(f"tel {PHONE}\n", encoding="utf-8")
    _, one = _json(run, ".", "--workers", "1")
    _, two = _json(run, ".", "--workers", "2")
    assert one["findings"] == two["findings"] and one["summary"] == two["summary"]
    assert one["summary"]["findings"] == 10


def test_files_and_stdin_together(run: Run, tree: Path) -> None:
    result = run(["scan", "clean.txt", "-", "-f", "jsonl"], input=f"tel {PHONE}\n")
    assert result.exit_code == 1
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["path"] == "<stdin>" and row["entity"] == "PHONE"


def _fake_scan(results: list[pathscan.FileResult]) -> Callable[..., Iterator[Any]]:
    def scan_path(paths: Any, **_: Any) -> Iterator[pathscan.FileResult]:
        yield from results

    return scan_path


def test_unreadable_file_exits_2_but_reports(
    run: Run, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = pathscan.FileResult(
        "docs/locked.txt", pathscan.FileStatus.ERROR, error="permission denied"
    )
    monkeypatch.setattr(pathscan, "scan_path", _fake_scan([bad]))
    out = tree / "r.json"
    result = run(["scan", "docs", "-f", "json", "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 2
    assert "docs/locked.txt: permission denied" in result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["errors"] == [{"path": "docs/locked.txt", "error": "permission denied"}]


def test_nothing_to_scan(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from jikimi.cli import scan

    monkeypatch.setattr(scan, "_stdin_is_tty", lambda: True)
    result = run(["scan"])
    assert result.exit_code == 2
    assert "nothing to scan" in result.stderr


def test_progress_bar_waits_for_a_long_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    from jikimi.cli import scan

    clock = [100.0]
    monkeypatch.setattr(scan.time, "monotonic", lambda: clock[0])
    progress = scan._LazyProgress()
    progress(10, 1000)
    assert progress._bar is None  # a short scan never shows a bar
    clock[0] += scan.PROGRESS_AFTER_SECONDS + 0.1
    progress(1000, 1000)
    assert progress._bar is None  # nor does one that is already done
    progress(500, 2000)
    assert progress._bar is not None
    progress.close()
