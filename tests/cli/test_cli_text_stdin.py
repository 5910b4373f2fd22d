"""``jikimi scan --text`` and standard input, exit codes and option errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

RRN = "900101-1234568"
PHONE = "010-1234-5678"
CARD = "4111111111111111"

Run = Callable[..., Result]


def test_text_with_finding_exits_1(run: Run) -> None:
    result = run(["scan", "--text", f"주민등록번호 {RRN}"])
    assert result.exit_code == 1
    assert "KR_RRN" in result.stdout
    assert "<text>:1:8" in result.stdout
    assert RRN not in result.stdout  # masked by default
    assert "900101-" in result.stdout


def test_text_clean_exits_0(run: Run) -> None:
    result = run(["scan", "--text", "안녕하세요, nothing to see"])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.stdout


def test_show_values(run: Run) -> None:
    result = run(["scan", "--text", f"tel {PHONE}", "--show-values"])
    assert result.exit_code == 1
    assert PHONE in result.stdout


def test_stdin_by_dash_and_by_pipe(run: Run) -> None:
    for args in (["scan", "-", "-f", "json"], ["scan", "-f", "json"]):
        result = run(args, input=f"line one\ncard {CARD}\n")
        assert result.exit_code == 1, result.output
        doc = json.loads(result.stdout)
        [finding] = doc["findings"]
        assert finding["entity"] == "CREDIT_CARD"
        assert (finding["path"], finding["line"], finding["column"]) == ("<stdin>", 2, 6)
        assert "value" not in finding


def test_stdin_in_a_legacy_korean_encoding(run: Run) -> None:
    data = f"고객 주민등록번호는 {RRN} 입니다. 연락처는 없습니다.\n".encode("cp949")
    result = run(["scan", "-", "-f", "jsonl", "--show-values"], input=data)
    assert result.exit_code == 1, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["value"] for r in rows if r["entity"] == "KR_RRN"] == [RRN]


def _score(run: Run, text: str) -> float:
    [finding] = json.loads(run(["scan", "--text", text, "-f", "json"]).stdout)["findings"]
    return float(finding["score"])


@pytest.mark.parametrize("threshold", ["0", "0.5", "never", "NEVER", "at-score"])
def test_fail_on(run: Run, threshold: str) -> None:
    text = f"주민등록번호 {RRN}"
    score = _score(run, text)
    assert 0.5 <= score <= 1.0
    if threshold == "at-score":
        threshold, code = str(score), 1  # reaching the threshold fails
    else:
        code = 0 if threshold.lower() == "never" else 1
    result = run(["scan", "--text", text, "--fail-on", threshold])
    assert result.exit_code == code
    assert "KR_RRN" in result.stdout  # reported whatever the threshold


def test_fail_on_above_every_score_passes(run: Run) -> None:
    # an e-mail address with no context scores below 1.0 but is still reported
    score = _score(run, "write to kim@example.com")
    assert score < 1.0
    above = f"{score + (1.0 - score) / 2:.6f}"
    result = run(["scan", "--text", "write to kim@example.com", "--fail-on", above])
    assert result.exit_code == 0
    assert "EMAIL" in result.stdout  # reported, just not failing


def test_min_score_drops_findings(run: Run) -> None:
    result = run(["scan", "--text", "write to kim@example.com", "--min-score", "1.0"])
    assert result.exit_code == 0
    assert "no findings" in result.stdout


def test_entities_filter(run: Run) -> None:
    text = f"주민등록번호 {RRN} tel {PHONE}"
    result = run(["scan", "--text", text, "--entities", "phone", "-f", "json"])
    assert {f["entity"] for f in json.loads(result.stdout)["findings"]} == {"PHONE"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entities", "KR_RRN,NOT_AN_ENTITY"], "unknown entity 'NOT_AN_ENTITY'"),
        (["--entities", ","], "--entities needs at least one"),
        (["--languages", "ko,fr"], "unknown language(s) fr"),
        (["--fail-on", "high"], "neither a score"),
        (["--fail-on", "1.5"], "not between 0 and 1"),
        (["--min-score", "2"], "--min-score"),
        (["--format", "xml"], "--format"),
        (["--workers", "0"], "--workers"),
        (["--bogus"], "No such option"),
    ],
)
def test_usage_errors_exit_2_with_a_message(run: Run, args: list[str], message: str) -> None:
    result = run(["scan", "--text", "x", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_text_and_paths_conflict(run: Run) -> None:
    result = run(["scan", ".", "--text", "x"])
    assert result.exit_code == 2
    assert "--text cannot be combined" in result.stderr


def test_missing_path(run: Run) -> None:
    result = run(["scan", "no/such/file.txt"])
    assert result.exit_code == 2
    assert "no/such/file.txt" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_version(run: Run) -> None:
    from jikimi import __version__

    result = run(["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout
