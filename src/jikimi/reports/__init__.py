"""Scan reports: one module per output format, all rendering one :class:`ScanReport`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from jikimi.reports import csv, json, jsonl, sarif, table
from jikimi.reports.atomic import atomic_write
from jikimi.reports.model import ReportBuilder, ReportedFinding, ScanReport

Writer = Callable[[ScanReport, TextIO], None]

FORMATS: dict[str, Writer] = {
    "table": table.write,
    "json": json.write,
    "jsonl": jsonl.write,
    "sarif": sarif.write,
    "csv": csv.write,
}

__all__ = ["FORMATS", "ReportBuilder", "ReportedFinding", "ScanReport", "Writer", "atomic_write"]
