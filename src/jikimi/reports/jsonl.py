"""JSON Lines: one finding per line, for streaming into log pipelines and ``jq``.

Carries findings only; the summary and unreadable files belong to the JSON report.
"""

from __future__ import annotations

import json
from typing import TextIO

from jikimi.reports.json import finding_dict
from jikimi.reports.model import ScanReport


def write(report: ScanReport, out: TextIO) -> None:
    for r in report.findings:
        row = finding_dict(r, show_values=report.show_values, baseline_used=report.baseline_used)
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
