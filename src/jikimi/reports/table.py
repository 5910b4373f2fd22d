"""The human report: a rich table of findings and a one-line summary.

Previews are masked unless values were asked for; baselined findings are dimmed so new
ones stand out. Colour is used only when the output is a terminal.
"""

from __future__ import annotations

from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jikimi.reports.model import ReportSummary, ScanReport

FILE_WIDTH = 160  # wide enough that paths and previews are not wrapped in saved reports
RICH_MAX_ROWS = 1000
"""Beyond this many findings rows are printed as plain aligned columns: rich lays out a
table in about a millisecond per row, which turns 100,000 findings into minutes."""


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError  # pragma: no cover


def summary_line(s: ReportSummary) -> str:
    """``3 files, 1.2 KB, 1 binary skipped, 0 errors; 4 findings (KR_RRN 2, PHONE 2)``."""
    files = f"{s.files} file{'s' if s.files != 1 else ''}"
    parts = [files, _size(s.bytes), f"{s.binary} binary skipped"]
    if s.skipped:
        parts.append(f"{s.skipped} skipped")
    parts.append(f"{s.errors} error{'s' if s.errors != 1 else ''}")
    head = ", ".join(parts)
    if not s.findings:
        return f"{head}; no findings"
    by = ", ".join(f"{e.value} {n}" for e, n in s.by_entity)
    noun = "finding" if s.findings == 1 else "findings"
    tail = f"; {s.baselined} baselined" if s.baselined else ""
    return f"{head}; {s.findings} {noun} ({by}){tail}"


Row = tuple[str, str, str, str, str]


def _header(report: ScanReport) -> Row:
    return ("location", "entity", "score", "value" if report.show_values else "preview",
            "recognizer")  # fmt: skip


def _rows(report: ScanReport) -> list[Row]:
    rows = []
    for r in report.findings:
        shown = r.value if report.show_values and r.value is not None else r.preview
        entity = r.entity.value + (" (baselined)" if r.baselined else "")
        rows.append(
            (f"{r.path}:{r.line}:{r.column}", entity, f"{r.score:.2f}", shown, r.recognizer)
        )
    return rows


def findings_table(report: ScanReport) -> Table:
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for name in _header(report):
        table.add_column(name, justify="right" if name == "score" else "left", overflow="fold")
    for r, row in zip(report.findings, _rows(report), strict=True):
        table.add_row(*(Text(cell) for cell in row), style="dim" if r.baselined else "")
    return table


def _write_plain(report: ScanReport, out: TextIO) -> None:
    """Aligned columns without rich, for reports too long to lay out as a table."""
    rows = [_header(report), *_rows(report)]
    widths = [max(cell_len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[4]]) + "\n")


def write(report: ScanReport, out: TextIO, *, summary: bool = True) -> None:
    """Render the table (if anything was found) and, unless ``summary`` is off, the summary."""
    terminal = out.isatty()
    console = Console(
        file=out,
        width=None if terminal else FILE_WIDTH,
        no_color=not terminal,
        highlight=False,
        soft_wrap=False,
    )
    if len(report.findings) > RICH_MAX_ROWS:
        _write_plain(report, out)
    elif report.findings:
        console.print(findings_table(report))
    if summary:
        console.print(Text(summary_line(report.summary)))
