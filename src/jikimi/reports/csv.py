"""CSV: the JSON finding columns as a spreadsheet, one finding per row.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``@``, a tab or
carriage return, or ``+``/``-`` not followed by a number) get a leading apostrophe:
file names are attacker-controlled text and a report must not execute anything when
opened. Phone numbers such as ``+82 10-…`` stay as they are.
"""

from __future__ import annotations

import csv
import re
from typing import TextIO

from jikimi.reports.model import ReportedFinding, ScanReport

BASE_COLUMNS = (
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "start",
    "end",
    "entity",
    "category",
    "score",
    "recognizer",
    "explanation",
    "preview",
)
_NUMBER_LIKE = re.compile(r"[+\-][\d\s\-*().]*")


def _safe(cell: str) -> str:
    if not cell:
        return cell
    if cell[0] in "=@\t\r" or (cell[0] in "+-" and not _NUMBER_LIKE.fullmatch(cell)):
        return "'" + cell
    return cell


def columns(report: ScanReport) -> tuple[str, ...]:
    extra = ("baselined", "fingerprint") if report.baseline_used else ()
    return BASE_COLUMNS + extra + (("value",) if report.show_values else ())


def _row(r: ReportedFinding, report: ScanReport) -> list[str | int | float]:
    row: list[str | int | float] = [
        _safe(r.path),
        r.line,
        r.column,
        r.end_line,
        r.end_column,
        r.start,
        r.end,
        r.entity.value,
        r.category.value,
        r.score,
        r.recognizer,
        _safe("; ".join(r.explanation)),
        _safe(r.preview),
    ]
    if report.baseline_used:
        row += ["true" if r.baselined else "false", r.fingerprint or ""]
    if report.show_values:
        row.append(_safe(r.value or ""))
    return row


def write(report: ScanReport, out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(columns(report))
    for r in report.findings:
        w.writerow(_row(r, report))
