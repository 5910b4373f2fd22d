"""``jikimi inventory``: outputs, exit codes, errors on stderr, re-scans."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from jikimi.cli.main import cli


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    pl.DataFrame(
        {"주민번호": ["900101-1234568", "850615-2345674"] * 20, "amount": list(range(40))}
    ).write_csv(tmp_path / "a.csv")
    pl.DataFrame({"email": [f"u{i}@example.com" for i in range(40)]}).write_parquet(
        tmp_path / "b.parquet"
    )
    return tmp_path


def test_writes_html_json_csv_and_exits_0(data: Path) -> None:
    out = data / "out"
    res = CliRunner().invoke(
        cli,
        [
            "inventory",
            str(data / "a.csv"),
            str(data / "b.parquet"),
            "--report",
            str(out / "r.html"),
            "--json",
            str(out / "i.json"),
            "--csv",
            str(out / "i.csv"),
            "--sample",
            "20",
            "--seed",
            "3",
            "--country",
            "kr",
        ],
    )
    assert res.exit_code == 0, res.output
    inv = json.loads((out / "i.json").read_text(encoding="utf-8"))
    assert inv["sample_size"] == 20 and inv["seed"] == 3
    assert {s["country"] for s in inv["sources"]} == {"KR"}
    assert (out / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "KR_RRN" in (out / "i.csv").read_text(encoding="utf-8")
    assert "2 source(s)" in res.stderr and "1 unprotected" in res.stderr


def test_summary_table_without_outputs_and_fail_on(data: Path) -> None:
    res = CliRunner().invoke(cli, ["inventory", str(data / "a.csv"), "--fail-on", "unprotected"])
    assert res.exit_code == 1
    assert "주민번호" in res.stdout and "KR_RRN" in res.stdout
    assert "900101" not in res.stdout + res.stderr
    ok = CliRunner().invoke(
        cli, ["inventory", str(data / "b.parquet"), "--fail-on", "unprotected", "-q"]
    )
    assert ok.exit_code == 0 and ok.stdout == ""


def test_unreadable_sources_are_reported_and_the_rest_completes(data: Path) -> None:
    (data / "bad.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    res = CliRunner().invoke(
        cli,
        [
            "inventory",
            str(data / "a.csv"),
            str(data / "bad.csv"),
            "postgresql://postgres:pw@127.0.0.1:1/x",
            "--json",
            str(data / "i.json"),
        ],
    )
    assert res.exit_code == 1
    assert "bad.csv: looks binary" in res.stderr
    assert "connection refused" in res.stderr and "pw" not in res.stderr
    assert "Traceback" not in res.output
    inv = json.loads((data / "i.json").read_text(encoding="utf-8"))
    assert [s["error"] is None for s in inv["sources"]] == [True, False, False]
    assert inv["sources"][2]["uri"] == "postgresql://postgres:***@127.0.0.1:1/x"


def test_rescan_shows_changes(data: Path) -> None:
    args = ["inventory", str(data / "a.csv"), "--json", str(data / "i.json"), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    pl.DataFrame({"주민번호": ["-"] * 5, "phone": ["010-1234-5678"] * 5}).write_csv(data / "a.csv")
    res = CliRunner().invoke(cli, [*args[:-1], "--report", str(data / "r.html")])
    assert res.exit_code == 0
    assert "Changes since revision 1" in (data / "r.html").read_text(encoding="utf-8")
    assert "3 change(s) since revision 1" in res.stderr
    inv = json.loads((data / "i.json").read_text(encoding="utf-8"))
    assert inv["revision"] == 2 and len(inv["changes"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["inventory"], "Missing argument"),
        (["inventory", "x.csv", "--sample", "0"], "--sample"),
        (["inventory", "x.csv", "--country", "Korea!"], "--country"),
        (["inventory", "x.csv", "--previous", "/no/such.json"], "--previous"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and message in res.stderr and "Traceback" not in res.output
