"""The JSON report: one document with the tool, the summary, unreadable files and findings.

Meant for programs: keys are stable and snake_case, scores are rounded to four places,
``preview`` is always masked and ``value`` appears only when values were asked for.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from jikimi.reports.model import ReportedFinding, ScanReport

FORMAT_VERSION = 1
PRETTY_MAX_FINDINGS = 5000
"""Larger reports are written compactly: Python's indenting encoder is about five times
slower than the compact C encoder, and nobody reads 100 MB of JSON by eye."""


def dump(doc: dict[str, Any], findings: int, out: TextIO) -> None:
    """Write ``doc`` indented when it is small enough to be read, compact otherwise."""
    indent = 2 if findings <= PRETTY_MAX_FINDINGS else None
    out.write(json.dumps(doc, ensure_ascii=False, indent=indent))
    out.write("\n")


def finding_dict(r: ReportedFinding, *, show_values: bool, baseline_used: bool) -> dict[str, Any]:
    """One finding as a JSON object (shared with the JSON Lines format)."""
    out: dict[str, Any] = {
        "path": r.path,
        "line": r.line,
        "column": r.column,
        "end_line": r.end_line,
        "end_column": r.end_column,
        "start": r.start,
        "end": r.end,
        "entity": r.entity.value,
        "category": r.category.value,
        "score": r.score,
        "recognizer": r.recognizer,
        "explanation": list(r.explanation),
        "preview": r.preview,
    }
    if baseline_used:
        out["baselined"] = r.baselined
        out["fingerprint"] = r.fingerprint
    if show_values:
        out["value"] = r.value
    return out


def report_dict(report: ScanReport) -> dict[str, Any]:
    s = report.summary
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "jikimi", "version": report.tool_version},
        "summary": {
            "files": s.files,
            "bytes": s.bytes,
            "binary": s.binary,
            "skipped": s.skipped,
            "errors": s.errors,
            "findings": s.findings,
            "baselined": s.baselined,
            "by_entity": {e.value: n for e, n in s.by_entity},
        },
        "errors": [{"path": p.path, "error": p.error} for p in report.problems],
        "findings": [
            finding_dict(r, show_values=report.show_values, baseline_used=report.baseline_used)
            for r in report.findings
        ],
    }


def write(report: ScanReport, out: TextIO) -> None:
    dump(report_dict(report), len(report.findings), out)
