"""The installed ``jikimi`` console script, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jikimi import __version__

RRN = "900101-1234568"
SCRIPT = Path(sys.executable).with_name("jikimi")


def jikimi(
    *args: str, input: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    assert SCRIPT.is_file(), "the jikimi console script is not installed in this environment"
    if input is None:  # never inherit the test runner's standard input
        return subprocess.run(
            [str(SCRIPT), *args], stdin=subprocess.DEVNULL, capture_output=True, cwd=cwd,
            timeout=120, check=False,
        )  # fmt: skip
    return subprocess.run(
        [str(SCRIPT), *args], input=input, capture_output=True, cwd=cwd, timeout=120, check=False
    )


def test_version() -> None:
    proc = jikimi("--version")
    assert proc.returncode == 0
    assert __version__ in proc.stdout.decode()


def test_piped_stdin_and_exit_code(tmp_path: Path) -> None:
    proc = jikimi("scan", "-f", "json", input=f"주민등록번호 {RRN}\n".encode(), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["entity"] == "KR_RRN" and finding["path"] == "<stdin>"
    assert RRN.encode() not in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("scan", "does-not-exist.txt"), b"does not exist"),
        (("scan", "--text", "x", "--entities", "KR_RNN"), b"unknown entity 'KR_RNN'"),
        (("scan", "--text", "x", "--fail-on", "maybe"), b"neither a score"),
    ],
)
def test_usage_errors_have_no_traceback(
    tmp_path: Path, args: tuple[str, ...], message: bytes
) -> None:
    proc = jikimi(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_file_scan_to_sarif(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"주민등록번호 {RRN}\n", encoding="utf-8")
    proc = jikimi("scan", "a.txt", "-f", "sarif", "-o", "out.sarif", cwd=tmp_path)
    assert proc.returncode == 1
    doc = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    [result] = doc["runs"][0]["results"]
    assert result["ruleId"] == "KR_RRN" and result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "a.txt"
    assert loc["region"]["startLine"] == 1 and loc["region"]["startColumn"] == 8
