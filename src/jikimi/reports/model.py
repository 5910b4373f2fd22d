"""The scan report every output format renders: findings with places, and a summary.

Formats never see a raw :class:`~jikimi.types.Finding`. They get a
:class:`ReportedFinding`, whose ``preview`` is already masked by the catalogue and whose
``value`` is ``None`` unless the user asked for values, so no format can leak a value
by accident.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jikimi.catalog import CATALOG, mask
from jikimi.types import Category, EntityId, Finding

if TYPE_CHECKING:
    from jikimi.baseline import Baseline

STDIN_LABEL = "<stdin>"
TEXT_LABEL = "<text>"


@dataclass(frozen=True, slots=True)
class ReportedFinding:
    """One finding as reports show it. Lines and columns are 1-based code points;
    ``end_column`` is exclusive (the column after the last character), as in SARIF."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    entity: EntityId
    category: Category
    score: float
    recognizer: str
    explanation: tuple[str, ...]
    preview: str
    value: str | None = field(default=None, repr=False)
    fingerprint: str | None = None
    baselined: bool = False


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file that could not be scanned; ``error`` names the cause, never file content."""

    path: str
    error: str


@dataclass(frozen=True, slots=True)
class ReportSummary:
    files: int
    bytes: int
    binary: int
    skipped: int
    errors: int
    findings: int
    baselined: int
    by_entity: tuple[tuple[EntityId, int], ...]


@dataclass(frozen=True, slots=True)
class ScanReport:
    """Everything one scan produced. ``entities`` are the entity types that were looked
    for (SARIF declares one rule for each); ``baseline_used`` says whether ``baselined``
    and ``fingerprint`` mean anything."""

    tool_version: str
    findings: tuple[ReportedFinding, ...]
    problems: tuple[FileProblem, ...]
    summary: ReportSummary
    entities: tuple[EntityId, ...]
    baseline_used: bool = False
    show_values: bool = False


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as reports show it: relative to the working directory when inside it,
    absolute otherwise; always with forward slashes, so baselines match across systems.
    Symbolic links are not resolved: a report names the path the user gave."""
    raw = os.fspath(path)
    if raw in (STDIN_LABEL, TEXT_LABEL):
        return raw
    if raw == "-":
        return STDIN_LABEL
    absolute = os.path.abspath(raw)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(absolute).as_posix()


def end_position(line: int, column: int, text: str) -> tuple[int, int]:
    """Line and exclusive end column of ``text`` that starts at ``line``:``column``."""
    breaks = text.count("\n")
    if breaks == 0:
        return line, column + len(text)
    return line + breaks, len(text) - text.rfind("\n")


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset (only for short in-memory texts)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class ReportBuilder:
    """Collects per-file results into a :class:`ScanReport`, applying masks and the baseline."""

    def __init__(
        self,
        *,
        tool_version: str,
        entities: Iterable[EntityId] | None = None,
        baseline: Baseline | None = None,
        show_values: bool = False,
    ) -> None:
        self._tool_version = tool_version
        self._entities = tuple(entities) if entities is not None else tuple(CATALOG)
        self._baseline = baseline
        self._show_values = show_values
        self._findings: list[ReportedFinding] = []
        self._problems: list[FileProblem] = []
        self._files = self._bytes = self._binary = self._skipped = 0

    def add_file(
        self,
        path: str | os.PathLike[str],
        *,
        size_bytes: int = 0,
        status: str = "ok",
        error: str | None = None,
        findings: Iterable[tuple[Finding, int, int]] = (),
    ) -> None:
        """Add one scanned source; ``findings`` are (finding, line, column) triples."""
        shown = display_path(path)
        self._files += 1
        if status == "ok":
            self._bytes += size_bytes
        elif status == "binary":
            self._binary += 1
        elif status == "skipped":
            self._skipped += 1
        elif status == "error":
            self._problems.append(FileProblem(shown, error or "could not be read"))
        for finding, line, column in findings:
            self._findings.append(self._reported(shown, finding, line, column))

    def add_text(self, label: str, text: str, findings: Iterable[Finding]) -> None:
        """Add an in-memory text (``--text`` or standard input) and its findings."""
        located = [(f, *line_column(text, f.start)) for f in findings]
        self.add_file(label, size_bytes=len(text.encode()), findings=located)

    def _reported(self, path: str, f: Finding, line: int, column: int) -> ReportedFinding:
        fingerprint = None
        baselined = False
        if self._baseline is not None:
            fingerprint = self._baseline.fingerprint(f.entity, f.text)
            baselined = self._baseline.contains_fingerprint(path, f.entity, fingerprint)
        end_line, end_column = end_position(line, column, f.text)
        return ReportedFinding(
            path=path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            start=f.start,
            end=f.end,
            entity=f.entity,
            category=CATALOG[f.entity].category,
            score=round(f.score, 4),
            recognizer=f.recognizer,
            explanation=f.explanation,
            preview=mask(f.entity, f.text),
            value=f.text if self._show_values else None,
            fingerprint=fingerprint,
            baselined=baselined,
        )

    def build(self) -> ScanReport:
        findings = tuple(sorted(self._findings, key=lambda r: (r.path, r.start, r.entity)))
        counts = Counter(r.entity for r in findings)
        summary = ReportSummary(
            files=self._files,
            bytes=self._bytes,
            binary=self._binary,
            skipped=self._skipped,
            errors=len(self._problems),
            findings=len(findings),
            baselined=sum(1 for r in findings if r.baselined),
            by_entity=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        return ScanReport(
            tool_version=self._tool_version,
            findings=findings,
            problems=tuple(self._problems),
            summary=summary,
            entities=self._entities,
            baseline_used=self._baseline is not None,
            show_values=self._show_values,
        )
