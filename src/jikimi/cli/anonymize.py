"""``jikimi anonymize`` and ``jikimi risk``: thin layers over :mod:`jikimi.anonymity`."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from jikimi.errors import InputError, UsageError
from jikimi.reports.atomic import atomic_path

if TYPE_CHECKING:
    import polars as pl

    from jikimi.anonymity.result import AnonymizationResult


def _require_polars() -> None:
    """The commands exist without Polars; using them needs it (``pip install jikimi[table]``)."""
    if importlib.util.find_spec("polars") is None:
        raise UsageError("anonymize and risk need Polars: pip install 'jikimi[table]'")


def _separator(path: Path, given: str | None) -> str:
    if given:
        return "\t" if given in ("\\t", "tab") else given
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as stream:
            header = stream.readline()
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror}") from None
    return max((";", ",", "\t", "|"), key=header.count)


def _read(path: Path, separator: str | None) -> tuple[pl.DataFrame, str]:
    _require_polars()
    import polars as pl

    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    sep = _separator(path, separator)
    try:
        frame = pl.read_csv(path, separator=sep, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read {path.name} as CSV: {type(exc).__name__}") from None
    return frame, sep


def _columns(text: str | None, option: str) -> list[str]:
    columns = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not columns:
        raise UsageError(f"{option} needs at least one column name")
    return columns


def _write_csv(frame: pl.DataFrame, path: Path, separator: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        frame.write_csv(temporary, separator=separator)


def _builders(specs: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for spec in specs:
        column, sep, kind = spec.partition("=")
        if not sep or not column.strip() or not kind.strip():
            raise UsageError(
                f"--hierarchy takes COLUMN=KIND[:ARGS], e.g. age=interval:5,10,20 (got {spec!r})"
            )
        found[column.strip()] = kind.strip()
    return found


@click.command("anonymize")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--qi", "qi", required=True, help="Quasi-identifier columns, comma-separated.")
@click.option("--sensitive", help="Sensitive attribute for l-diversity / t-closeness.")
@click.option("--k", "k", type=click.IntRange(min=1), help="k-anonymity: minimum class size.")
@click.option("--l", "l_value", type=click.FloatRange(min=1), help="l-diversity of --sensitive.")
@click.option(
    "--l-kind", type=click.Choice(["distinct", "entropy"]), default="distinct", show_default=True
)
@click.option("--t", "t_value", type=click.FloatRange(0, 1), help="t-closeness of --sensitive.")
@click.option(
    "--t-distance", type=click.Choice(["equal", "hierarchical"]), default="equal", show_default=True
)
@click.option(
    "--suppress",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="Share of records that may be suppressed.",
)
@click.option(
    "--hierarchies",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory of ARX-format hierarchy files (<x>_hierarchy_<column>.csv or <column>.csv).",
)
@click.option(
    "--hierarchy",
    "hierarchy_specs",
    multiple=True,
    metavar="COLUMN=KIND",
    help="Build a hierarchy: interval[:5,10,20], date, postcode[:N], address-kr, address-cn, flat.",
)
@click.option(
    "--metric",
    type=click.Choice(["loss", "precision", "entropy"]),
    default="loss",
    show_default=True,
    help="Information loss to minimise (loss = ARX's default Loss metric).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Anonymized CSV (default: <data>.anonymized.csv).",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report base name; writes .json and .html (default: <output>.report).",
)
@click.option(
    "--attacker",
    type=click.Path(path_type=Path),
    help="A table an attacker holds, for the linkage check.",
)
@click.option("--separator", help="CSV separator (default: guessed from the header).")
def anonymize(
    data: Path,
    qi: str,
    sensitive: str | None,
    k: int | None,
    l_value: float | None,
    l_kind: str,
    t_value: float | None,
    t_distance: str,
    suppress: float,
    hierarchies: Path | None,
    hierarchy_specs: tuple[str, ...],
    metric: str,
    output: Path | None,
    report: Path | None,
    attacker: Path | None,
    separator: str | None,
) -> None:
    """Generalize DATA until every class meets k / l / t, with the least information loss."""
    from jikimi.anonymity import api
    from jikimi.anonymity.report import build_report, write_reports
    from jikimi.anonymity.risk import linkage_risk

    frame, sep = _read(data, separator)
    qis = _columns(qi, "--qi")
    if k is None and l_value is None and t_value is None:
        raise UsageError("give at least one of --k, --l, --t")
    result = api.anonymize(
        frame,
        qis,
        k=k,
        sensitive=sensitive,
        l=l_value,
        l_kind=l_kind,  # type: ignore[arg-type]
        t=t_value,
        t_distance=t_distance,  # type: ignore[arg-type]
        suppression_limit=suppress,
        hierarchies=hierarchies,
        builders=_builders(hierarchy_specs),
        metric=metric,  # type: ignore[arg-type]
    )
    linkage_before = linkage_after = None
    if attacker is not None:
        attacker_frame, _ = _read(attacker, separator)
        shared = [c for c in qis if c in attacker_frame.columns]
        if not shared:
            raise UsageError("the attacker's table shares no quasi-identifier with the data")
        linkage_before = linkage_risk(frame, attacker_frame, shared)
        linkage_after = result.linkage(attacker_frame, shared)
    out = output or data.with_name(f"{data.stem}.anonymized.csv")
    base = report or out.with_name(f"{out.stem}.report")
    document = build_report(
        result, source=data.name, linkage_before=linkage_before, linkage_after=linkage_after
    )
    _write_csv(result.data, out, sep)
    json_path, html_path = write_reports(document, base)
    _print_summary(result, document, out, json_path, html_path)


def _print_summary(
    result: AnonymizationResult,
    document: dict[str, object],
    out: Path,
    json_path: Path,
    html_path: Path,
) -> None:
    console = Console(stderr=True)
    table = Table("quasi-identifier", "level", title="chosen generalization")
    for name, level in result.levels.items():
        table.add_row(name, f"{level} / {result.config.hierarchies[name].height - 1}")
    console.print(table)
    before, after = result.risk_before, result.risk_after
    console.print(
        f"suppressed {result.suppressed} of {result.data.height} records · "
        f"loss {result.utility.arx_loss:.4f} · {result.search.evaluated} of "
        f"{result.search.lattice_size} lattice nodes evaluated in {result.search.seconds:.2f}s"
    )
    if before and after:
        console.print(
            f"highest re-identification risk {before.prosecutor_highest:.3f} → "
            f"{after.prosecutor_highest:.3f}; "
            f"unique records {before.unique_share:.1%} → {after.unique_share:.1%}"
        )
    linkage = document.get("linkage")
    if isinstance(linkage, dict) and linkage.get("after"):
        console.print(
            f"unique links with the attacker's table {linkage['before']['unique_links']} → "
            f"{linkage['after']['unique_links']}"
        )
    console.print(f"wrote {out}, {json_path}, {html_path}")


@click.command("risk")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--qi", "qi", required=True, help="Quasi-identifier columns, comma-separated.")
@click.option(
    "--population", type=click.Path(path_type=Path), help="Population table for journalist risk."
)
@click.option(
    "--attacker",
    type=click.Path(path_type=Path),
    help="A table an attacker holds, for the linkage check.",
)
@click.option(
    "--link-on", help="Columns to link on (default: the quasi-identifiers both tables have)."
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Report the share of records whose risk exceeds this.",
)
@click.option(
    "--fail-above",
    type=click.FloatRange(0, 1),
    help="Exit 1 when the highest prosecutor risk exceeds this.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report to stdout.")
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write <report>.json and .html.",
)
@click.option("--separator", help="CSV separator (default: guessed from the header).")
def risk(
    data: Path,
    qi: str,
    population: Path | None,
    attacker: Path | None,
    link_on: str | None,
    threshold: float,
    fail_above: float | None,
    as_json: bool,
    report: Path | None,
    separator: str | None,
) -> None:
    """Measure prosecutor, journalist and marketer re-identification risk of DATA."""
    from jikimi.anonymity.report import risk_report, write_reports
    from jikimi.anonymity.risk import linkage_risk, measure_risk

    frame, _ = _read(data, separator)
    qis = _columns(qi, "--qi")
    population_frame = _read(population, separator)[0] if population else None
    summary = measure_risk(frame, qis, population=population_frame, threshold=threshold)
    linkage = None
    if attacker is not None:
        attacker_frame, _ = _read(attacker, separator)
        on = (
            _columns(link_on, "--link-on")
            if link_on
            else [c for c in qis if c in attacker_frame.columns]
        )
        if not on:
            raise UsageError("the attacker's table shares no quasi-identifier with the data")
        linkage = linkage_risk(frame, attacker_frame, on)
    document = risk_report(summary, qis, linkage)
    if report is not None:
        write_reports(document, report)
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        table = Table("figure", "value", title=f"re-identification risk of {data.name}")
        for key in (
            "records",
            "classes",
            "prosecutor_highest",
            "prosecutor_average",
            "journalist_highest",
            "journalist_average",
            "marketer",
            "unique_share",
            "above_threshold_share",
        ):
            value = getattr(summary, key)
            table.add_row(
                key.replace("_", " "), f"{value:.4f}" if isinstance(value, float) else str(value)
            )
        if linkage is not None:
            table.add_row(
                "unique links", f"{linkage.unique_links} ({linkage.unique_link_share:.1%})"
            )
        Console().print(table)
    if fail_above is not None and summary.prosecutor_highest > fail_above:
        raise click.exceptions.Exit(1)


COMMANDS: list[click.Command] = [anonymize, risk]

__all__ = ["COMMANDS"]
