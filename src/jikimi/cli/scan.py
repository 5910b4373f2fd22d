"""``jikimi scan``, ``jikimi baseline create`` and ``jikimi entities``.

Thin by design: options are parsed and checked here, files are read and scanned by
:mod:`jikimi.pathscan`, findings become a :class:`~jikimi.reports.ScanReport`, and a
format module renders it. Exit codes: 0 clean, 1 a non-baselined finding scored at or
over ``--fail-on``, 2 a usage mistake or a file that could not be read (the report is
still written, listing it).
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from jikimi import __version__, pathscan
from jikimi.baseline import DEFAULT_PATH, Baseline
from jikimi.catalog import CATALOG
from jikimi.catalog import entity as lookup_entity
from jikimi.detect.registry import LANGUAGES
from jikimi.errors import InputError, UsageError
from jikimi.reports import FORMATS, ReportBuilder, ScanReport, atomic_write
from jikimi.reports import table as table_report
from jikimi.reports.model import STDIN_LABEL, TEXT_LABEL
from jikimi.scanner import DEFAULT_MIN_SCORE, scan_text
from jikimi.types import EntityId

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
NEVER = "never"
PROGRESS_AFTER_SECONDS = 1.0  # scans that end sooner never show a bar


def parse_fail_on(ctx: click.Context, param: click.Parameter, value: str | None) -> float | str:
    """``--fail-on``: a score in [0, 1] or ``never``; unset means any reported finding."""
    if value is None:
        return 0.0
    text = value.strip().lower()
    if text == NEVER:
        return NEVER
    try:
        score = float(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a score between 0 and 1 nor 'never'"
        ) from None
    if not 0.0 <= score <= 1.0:
        raise click.BadParameter(f"{value!r} is not between 0 and 1")
    return score


def parse_entities(raw: str | None) -> tuple[EntityId, ...] | None:
    """``KR_RRN, phone`` → entity ids; an unknown id is a usage error naming it."""
    if raw is None:
        return None
    names = [part.strip().upper() for part in raw.split(",") if part.strip()]
    if not names:
        raise UsageError("--entities needs at least one entity id (see 'jikimi entities')")
    return tuple(dict.fromkeys(lookup_entity(n).id for n in names))


def parse_languages(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    langs = tuple(dict.fromkeys(p.strip().lower() for p in raw.split(",") if p.strip()))
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        bad = ", ".join(unknown) or "(none)"
        raise UsageError(f"unknown language(s) {bad}; supported: {', '.join(sorted(LANGUAGES))}")
    return langs


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """What to scan and how, after option checking."""

    paths: tuple[str, ...]
    stdin: bool
    text: str | None
    entities: tuple[EntityId, ...] | None
    languages: tuple[str, ...] | None
    min_score: float
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    workers: int | None
    ner: bool = False


def make_request(
    paths: Sequence[str],
    text: str | None,
    *,
    entities: str | None,
    languages: str | None,
    min_score: float,
    include: Sequence[str],
    exclude: Sequence[str],
    workers: int | None,
    stdin_is_tty: bool,
    ner: bool = False,
) -> ScanRequest:
    if text is not None and paths:
        raise UsageError("--text cannot be combined with PATH arguments")
    files = tuple(dict.fromkeys(p for p in paths if p != "-"))
    stdin = "-" in paths or (not paths and text is None and not stdin_is_tty)
    if not files and not stdin and text is None:
        raise UsageError("nothing to scan: give PATH..., '-' for standard input, or --text")
    return ScanRequest(
        paths=files,
        stdin=stdin,
        text=text,
        entities=parse_entities(entities),
        languages=parse_languages(languages),
        min_score=min_score,
        include=tuple(include),
        exclude=tuple(exclude),
        workers=workers,
        ner=ner,
    )


# -- running a scan ---------------------------------------------------------------------


class _LazyProgress:
    """A transient progress bar on stderr that appears only once a scan proves long.

    Short scans (a pre-commit hook on a few files) never flash a bar: it starts on the
    first progress report after ``PROGRESS_AFTER_SECONDS`` and is removed at the end.
    """

    def __init__(self) -> None:
        self._began = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._began < PROGRESS_AFTER_SECONDS or done >= total:
                return
            self._bar = Progress(
                TextColumn("scanning"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("scan", total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[pathscan.ProgressCallback | None]:
    """A progress callback for the path scanner, or None when no bar is wanted."""
    if not enabled:
        yield None
        return
    progress = _LazyProgress()
    try:
        yield progress
    finally:
        progress.close()


def run_scan(request: ScanRequest, builder: ReportBuilder, *, show_progress: bool) -> None:
    """Scan everything the request names into ``builder``."""
    if request.text is not None:
        found = scan_text(
            request.text,
            languages=request.languages,
            entities=request.entities,
            min_score=request.min_score,
            ner=request.ner,
        )
        builder.add_text(TEXT_LABEL, request.text, found)
    paths = [*request.paths, *(["-"] if request.stdin else [])]
    if not paths:
        return
    with _progress(show_progress) as progress:
        for result in pathscan.scan_path(
            paths,
            languages=request.languages,
            entities=request.entities,
            min_score=request.min_score,
            ner=request.ner,
            include=request.include,
            exclude=request.exclude,
            workers=request.workers,
            progress=progress,
        ):
            builder.add_file(
                STDIN_LABEL if result.path == pathscan.STDIN_NAME else result.path,
                size_bytes=result.size_bytes,
                status=result.status.value,
                error=result.error,
                findings=((lf.finding, lf.line, lf.column) for lf in result.findings),
            )


def exit_code(report: ScanReport, fail_on: float | str) -> int:
    """2 if a file could not be scanned, 1 if a new finding reaches the threshold, else 0."""
    if report.problems:
        return EXIT_USAGE
    if fail_on == NEVER:
        return EXIT_CLEAN
    threshold = float(fail_on)
    failing = any(not r.baselined and r.score >= threshold for r in report.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _write_report(
    writer: Callable[[ScanReport, TextIO], None], report: ScanReport, output: str | None
) -> None:
    if output is None:
        writer(report, sys.stdout)
        return
    try:
        atomic_write(output, functools.partial(writer, report))
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def _stdin_is_tty() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


# -- commands -------------------------------------------------------------------------


def _scan_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose what is scanned, shared by ``scan`` and ``baseline create``."""
    options = [
        click.option(
            "--entities", metavar="IDS", help="Comma-separated entity ids (default: all)."
        ),
        click.option("--languages", metavar="LANGS", help="Comma-separated languages: ko, zh, en."),
        click.option(
            "--min-score",
            type=click.FloatRange(0.0, 1.0),
            default=DEFAULT_MIN_SCORE,
            show_default=True,
            help="Drop findings scoring below this.",
        ),
        click.option("--include", multiple=True, metavar="GLOB", help="Only files matching."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching."),
        click.option(
            "--workers", type=click.IntRange(min=1), help="Parallel workers (default: CPUs)."
        ),
        click.option(
            "--ner",
            is_flag=True,
            help="Also find bare Korean/Chinese names with Kiwi and jieba (extra [ner]; slower).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


_PATHS = click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, allow_dash=True, path_type=str)
)


@click.command("scan")
@_PATHS
@click.option("--text", "text", metavar="STRING", help="Scan this string instead of files.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the report here (atomically), not stdout."
)
@_scan_options
@click.option(
    "--fail-on",
    callback=parse_fail_on,
    metavar="SCORE|never",
    help="Exit 1 if a new finding scores at least this; 'never' to exit 0 "
    "(default: any reported finding).",
)
@click.option("--show-values", is_flag=True, help="Show full values instead of masked previews.")
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    help="Findings acknowledged in this baseline are reported but do not fail the run.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def scan_command(
    paths: tuple[str, ...],
    text: str | None,
    fmt: str,
    output: str | None,
    entities: str | None,
    languages: str | None,
    min_score: float,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    workers: int | None,
    ner: bool,
    fail_on: float | str,
    show_values: bool,
    baseline_path: str | None,
    quiet: bool,
) -> None:
    """Find personal data in files, standard input ('-') or --text.

    Exit codes: 0 clean, 1 findings at or over --fail-on, 2 usage error or unreadable file.
    """
    request = make_request(
        paths,
        text,
        entities=entities,
        languages=languages,
        min_score=min_score,
        include=include,
        exclude=exclude,
        workers=workers,
        stdin_is_tty=_stdin_is_tty(),
        ner=ner,
    )
    baseline = Baseline.load(baseline_path) if baseline_path is not None else None
    builder = ReportBuilder(
        tool_version=__version__,
        entities=request.entities,
        baseline=baseline,
        show_values=show_values,
    )
    run_scan(request, builder, show_progress=not quiet and _stderr_is_tty())
    report = builder.build()
    writer = FORMATS[fmt]
    if fmt == "table":
        writer = functools.partial(table_report.write, summary=not quiet)
    _write_report(writer, report, output)
    _echo_problems(report)
    code = exit_code(report, fail_on)
    if code != EXIT_CLEAN:
        click.get_current_context().exit(code)


def _echo_problems(report: ScanReport) -> None:
    """Unreadable files go to stderr whatever the format, so they are never missed."""
    for problem in report.problems:
        click.echo(f"error: {problem.path}: {problem.error}", err=True)


@click.group("baseline")
def baseline_group() -> None:
    """Acknowledge existing findings so that only new ones fail a scan."""


@baseline_group.command("create")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=str)
)
@click.option(
    "-o",
    "--output",
    default=DEFAULT_PATH,
    show_default=True,
    metavar="FILE",
    help="Where to write the baseline.",
)
@_scan_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def baseline_create(
    paths: tuple[str, ...],
    output: str,
    entities: str | None,
    languages: str | None,
    min_score: float,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    workers: int | None,
    ner: bool,
    quiet: bool,
) -> None:
    """Scan PATH... and record every finding, as salted hashes, in a baseline file."""
    request = make_request(
        paths,
        None,
        entities=entities,
        languages=languages,
        min_score=min_score,
        include=include,
        exclude=exclude,
        workers=workers,
        stdin_is_tty=True,
        ner=ner,
    )
    builder = ReportBuilder(tool_version=__version__, entities=request.entities, show_values=True)
    run_scan(request, builder, show_progress=not quiet and _stderr_is_tty())
    report = builder.build()
    if report.problems:
        _echo_problems(report)
        raise InputError(f"{len(report.problems)} file(s) could not be read; no baseline written")
    baseline = Baseline.new(tool_version=__version__)
    for r in report.findings:
        assert r.value is not None  # the builder was asked for values
        baseline.add(r.path, r.entity, r.value)
    try:
        baseline.save(output)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    if not quiet:
        click.echo(
            f"{len(baseline)} finding(s) acknowledged in {output} "
            f"({report.summary.files} file(s) scanned)",
            err=True,
        )


@click.command("entities")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def entities_command(fmt: str) -> None:
    """List the entity types jikimi knows, with names, categories and laws."""
    if fmt == "json":
        rows = [
            {
                "id": e.id.value,
                "category": e.category.value,
                "name_en": e.name_en,
                "name_ko": e.name_ko,
                "name_zh": e.name_zh,
                "country": e.country,
                "laws": list(e.laws),
            }
            for e in CATALOG.values()
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    for name in ("id", "category", "en", "ko", "zh", "laws"):
        table.add_column(name, overflow="fold")
    for e in CATALOG.values():
        table.add_row(
            e.id.value, e.category.value, e.name_en, e.name_ko, e.name_zh, "\n".join(e.laws)
        )
    out = sys.stdout
    Console(file=out, width=None if out.isatty() else 200, highlight=False).print(table)


COMMANDS: list[click.Command] = [scan_command, baseline_group, entities_command]
