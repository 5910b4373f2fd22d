from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from jikimi.cli.main import cli

QIS = "sex,age,race,marital-status,education"


def _sample(tmp_path: Path, adult: pl.DataFrame, rows: int = 1500) -> Path:
    path = tmp_path / "sample.csv"
    adult.head(rows).write_csv(path, separator=";")
    return path


def test_anonymize_writes_data_and_reports(
    tmp_path: Path, adult: pl.DataFrame, adult_dir: Path
) -> None:
    data = _sample(tmp_path, adult)
    out = tmp_path / "out" / "released.csv"
    result = CliRunner().invoke(
        cli,
        [
            "anonymize",
            str(data),
            "--qi",
            QIS,
            "--sensitive",
            "occupation",
            "--k",
            "5",
            "--l",
            "2",
            "--suppress",
            "0.02",
            "--hierarchies",
            str(adult_dir),
            "-o",
            str(out),
            "--report",
            str(tmp_path / "out" / "report"),
        ],
    )
    assert result.exit_code == 0, result.output
    released = pl.read_csv(out, separator=";", infer_schema=False)
    assert released.height == 1500 and released.columns == adult.columns
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["search"]["nodes_evaluated"] <= report["search"]["lattice_size"] == 240
    assert report["risk_after"]["prosecutor_highest"] <= 0.2
    assert report["configuration"]["models"] == ["5-anonymity", "distinct-2-diversity(occupation)"]
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Risk before and after" in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_anonymize_builds_hierarchies_and_links(tmp_path: Path, adult: pl.DataFrame) -> None:
    data = _sample(tmp_path, adult, 800)
    attacker = tmp_path / "voters.csv"
    adult.head(800).select("sex", "age", "race").write_csv(attacker, separator=";")
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(
        cli,
        [
            "anonymize",
            str(data),
            "--qi",
            "sex,age,race",
            "--k",
            "3",
            "--hierarchy",
            "age=interval:5,10,20",
            "-o",
            str(out),
            "--attacker",
            str(attacker),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_name("o.report.json").read_text(encoding="utf-8"))
    assert report["linkage"]["before"]["unique_links"] > 0
    assert report["linkage"]["after"]["unique_links"] == 0


def test_missing_column_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, adult: pl.DataFrame
) -> None:
    data = _sample(tmp_path, adult, 100)
    out = tmp_path / "never.csv"
    result = CliRunner().invoke(
        cli, ["anonymize", str(data), "--qi", "sex,zip", "--k", "2", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "zip" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_k_larger_than_table(tmp_path: Path, adult: pl.DataFrame) -> None:
    data = _sample(tmp_path, adult, 50)
    result = CliRunner().invoke(cli, ["anonymize", str(data), "--qi", "sex", "--k", "51"])
    assert result.exit_code == 2
    assert "k=51 is larger than the table (50 rows)" in result.output


def test_uncovered_value_via_cli(tmp_path: Path, adult: pl.DataFrame) -> None:
    data = tmp_path / "d.csv"
    adult.head(60).with_columns(pl.lit("Martian").alias("race")).write_csv(data, separator=";")
    hierarchies = tmp_path / "h"
    hierarchies.mkdir()
    (hierarchies / "race.csv").write_text("White;*\nBlack;*\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["anonymize", str(data), "--qi", "race", "--k", "2", "--hierarchies", str(hierarchies)]
    )
    assert result.exit_code == 2
    assert "does not cover 1 distinct value" in result.output
    assert "Martian" not in result.output


def test_no_solution_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    pl.DataFrame({"sex": ["M", "F"] * 3, "disease": ["flu"] * 6}).write_csv(data)
    result = CliRunner().invoke(
        cli, ["anonymize", str(data), "--qi", "sex", "--sensitive", "disease", "--l", "2"]
    )
    assert result.exit_code == 1
    assert "no generalization satisfies" in result.output


def test_risk_command_json_and_threshold(tmp_path: Path, adult: pl.DataFrame) -> None:
    data = _sample(tmp_path, adult, 500)
    result = CliRunner().invoke(cli, ["risk", str(data), "--qi", "sex,age,race", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["risk"]["records"] == 500
    assert 0 < document["risk"]["prosecutor_average"] <= 1
    failing = CliRunner().invoke(
        cli, ["risk", str(data), "--qi", "sex,age,race", "--fail-above", "0.5"]
    )
    assert failing.exit_code == 1


def test_risk_report_files(tmp_path: Path, adult: pl.DataFrame) -> None:
    data = _sample(tmp_path, adult, 300)
    attacker = tmp_path / "a.csv"
    adult.head(300).select("sex", "age").write_csv(attacker, separator=";")
    base = tmp_path / "r" / "risk"
    result = CliRunner().invoke(
        cli,
        [
            "risk",
            str(data),
            "--qi",
            "sex,age,race",
            "--attacker",
            str(attacker),
            "--report",
            str(base),
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "r" / "risk.json").read_text(encoding="utf-8"))
    assert document["linkage"]["on"] == ["sex", "age"]
    assert document["linkage"]["unique_links"] >= 0
    assert "<svg" in (tmp_path / "r" / "risk.html").read_text(encoding="utf-8")
