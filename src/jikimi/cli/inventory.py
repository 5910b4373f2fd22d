"""``jikimi inventory``: classify files and databases column by column and write reports.

A thin layer: options become an :class:`InventoryConfig`, the library does the work,
and the outputs are written atomically. Sources that cannot be read are reported on
stderr and in every output; the rest of the inventory completes.

Exit codes: 0 everything read (and nothing at or over ``--fail-on``), 1 a source or
table could not be read or ``--fail-on`` was reached, 2 a usage mistake.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from jikimi import __version__
from jikimi.errors import UsageError
from jikimi.inventory import report_csv, report_html
from jikimi.inventory.api import InventoryConfig, ProgressFn, expand_sources, inventory
from jikimi.inventory.inventory import diff, load, save, write_text
from jikimi.inventory.model import Inventory
from jikimi.sources.sql import SqlOptions
from jikimi.sources.tables import ReadOptions, SampleSpec


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[ProgressFn | None]:
    if not enabled:
        yield None
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} sources"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("sampling", total=total)
    seen: set[str] = set()

    def report(source: str, table: str, done: int, known: int) -> None:
        bar.update(task, description=f"sampling {source} {table}".strip()[:80])
        if done >= known and source not in seen:
            seen.add(source)
            bar.advance(task)

    with bar:
        yield report


def _summary(inv: Inventory, console: Console) -> None:
    t = Table(title="Personal data found", show_lines=False)
    for col in ("source", "table", "column", "holds", "confidence", "protection"):
        t.add_column(col)
    for s, tb, c in inv.columns():
        if not c.is_personal:
            continue
        holds = (
            c.entity.value
            if c.entity is not None
            else f"QI:{c.quasi_identifier.value}"
            if c.quasi_identifier is not None
            else "text: " + ", ".join(f"{e.value}×{n}" for e, n in c.text_entities)
        )
        style = "bold red" if c.unprotected_unique_id else None
        t.add_row(
            s.uri, tb.name, c.name, holds, f"{c.confidence:.2f}", c.protection.value, style=style
        )
    console.print(t)


@click.command("inventory")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a self-contained HTML report here.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the inventory as JSON; an earlier inventory at this path is "
    "compared and its revision bumped.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one CSV row per column here.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier inventory JSON to compare with (default: the --json file).",
)
@click.option(
    "--sample",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows sampled per table.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Sampling seed.")
@click.option(
    "--country",
    help="Declared country/region where these sources are stored (ISO 3166 code, e.g. KR, CN).",
)
@click.option("--schema", "schemas", multiple=True, help="Database schema(s) to list.")
@click.option("--include-views", is_flag=True, help="Sample database views too.")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds any one database statement may run.",
)
@click.option(
    "--full-scan",
    is_flag=True,
    help="Read whole database tables (exact counts, uniform samples; slow).",
)
@click.option("--encoding", help="Encoding of CSV/JSON files (default: detected).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes for file sources.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["never", "unprotected", "personal"]),
    default="never",
    show_default=True,
    help="Exit 1 when unique identifiers are readable in the clear, or when any "
    "personal data is found.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def inventory_command(
    sources: tuple[str, ...],
    report_path: Path | None,
    json_path: Path | None,
    csv_path: Path | None,
    previous: Path | None,
    sample: int,
    seed: int,
    country: str | None,
    schemas: tuple[str, ...],
    include_views: bool,
    timeout: float,
    full_scan: bool,
    encoding: str | None,
    workers: int,
    fail_on: str,
    quiet: bool,
) -> None:
    """Classify every column of files and databases and keep a data inventory.

    SOURCE is a table file (CSV, TSV, JSON, JSONL, Parquet, XLSX), a directory of them, or
    a SQLAlchemy URL such as postgresql://user@host/db or sqlite:///app.db.
    """
    if country is not None and not (2 <= len(country) <= 6 and country.replace("-", "").isalnum()):
        raise UsageError(f"--country expects an ISO 3166 code such as KR or CN, not {country!r}")
    config = InventoryConfig(
        sample=SampleSpec(size=sample, seed=seed, full_scan=full_scan),
        sql=SqlOptions(schemas=schemas or None, include_views=include_views, timeout_s=timeout),
        read=ReadOptions(encoding=encoding),
        country=country.upper() if country else None,
        workers=workers,
    )
    prior = load(previous) if previous is not None else None
    err = Console(stderr=True)
    show = not quiet and sys.stderr.isatty()
    items = expand_sources(sources)
    with _progress(show, len(items)) as progress:
        inv = inventory(items, config=config, progress=progress, tool_version=__version__)
    if json_path is not None:
        inv = save(inv, json_path, previous=prior)
    elif prior is not None:
        inv = replace(inv, revision=prior.revision + 1, changes=diff(prior, inv))
    if report_path is not None:
        write_text(report_path, report_html.render(inv))
    if csv_path is not None:
        write_text(csv_path, report_csv.render(inv))

    failures = [s.error for s in inv.sources if s.error]
    failures += [t.error for s in inv.sources for t in s.tables if t.error]
    for f in failures:
        err.print(f"[red]Error:[/red] {f}", markup=True, highlight=False, soft_wrap=True)
    for s in inv.sources:
        for t in s.tables:
            for issue in t.issues:
                err.print(
                    f"Warning: {s.uri} {t.name}: {issue}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
    if not quiet:
        out = Console()
        if report_path is None and json_path is None and csv_path is None:
            _summary(inv, out)
        cols = inv.columns()
        flagged = sum(1 for _, _, c in cols if c.unprotected_unique_id)
        personal = sum(1 for _, _, c in cols if c.is_personal)
        err.print(
            f"{len(inv.sources)} source(s), {sum(len(s.tables) for s in inv.sources)} table(s), "
            f"{len(cols)} column(s): {personal} with personal data, {flagged} unprotected unique "
            f"identifier column(s), {len(failures)} unreadable"
            + (
                f"; {len(inv.changes)} change(s) since revision {inv.revision - 1}"
                if inv.revision > 1
                else ""
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    cols = inv.columns()
    hit = (fail_on == "unprotected" and any(c.unprotected_unique_id for _, _, c in cols)) or (
        fail_on == "personal" and any(c.is_personal for _, _, c in cols)
    )
    if failures or hit:
        sys.exit(1)


COMMANDS: list[click.Command] = [inventory_command]
