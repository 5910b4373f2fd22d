"""Read access events from JSONL or CSV logs through a field mapping.

A company's application or database audit log names its columns its own way; the
mapping says which column holds the account, the time, and so on. Lines that cannot be
read are counted with their line numbers (never their content) and the rest goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jikimi.errors import InputError, UsageError
from jikimi.watch.events import AccessEvent, Action

FIELDS = (
    "time",
    "account",
    "action",
    "records",
    "subjects",
    "subject_ids",
    "source",
    "fields",
    "purpose",
    "role",
)

ACTION_ALIASES = {
    "read": Action.VIEW,
    "select": Action.VIEW,
    "query": Action.SEARCH,
    "lookup": Action.SEARCH,
    "dl": Action.DOWNLOAD,
    "excel": Action.EXPORT,
    "extract": Action.EXPORT,
    "update": Action.CHANGE,
    "insert": Action.CHANGE,
    "modify": Action.CHANGE,
    "remove": Action.DELETE,
    "조회": Action.VIEW,
    "검색": Action.SEARCH,
    "다운로드": Action.DOWNLOAD,
    "출력": Action.PRINT,
    "수정": Action.CHANGE,
    "삭제": Action.DELETE,
    "查询": Action.SEARCH,
    "查看": Action.VIEW,
    "导出": Action.EXPORT,
    "下载": Action.DOWNLOAD,
    "打印": Action.PRINT,
}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which source column feeds each event field (identity by default)."""

    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.columns) - set(FIELDS)
        if unknown:
            raise UsageError(
                f"field mapping names unknown event field(s) {', '.join(sorted(unknown))}; "
                f"event fields: {', '.join(FIELDS)}"
            )

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


@dataclass(slots=True)
class IngestStats:
    lines: int = 0
    events: int = 0
    bad_lines: list[int] = field(default_factory=list)  # line numbers only


def parse_time(value: Any) -> dt.datetime:
    """ISO 8601 (a missing zone means UTC) or Unix seconds/milliseconds."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        v = float(value)
        return dt.datetime.fromtimestamp(v / 1000 if v > 1e11 else v, dt.UTC)
    t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _action(value: Any) -> Action:
    v = str(value).strip().lower()
    try:
        return Action(v)
    except ValueError:
        if v in ACTION_ALIASES:
            return ACTION_ALIASES[v]
        raise


def _list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return tuple(v for v in str(value).replace(";", ",").replace("|", ",").split(",") if v)


def to_event(row: Mapping[str, Any], fmap: FieldMap) -> AccessEvent:
    """One event from one parsed row; raises KeyError/ValueError when it cannot."""
    get = row.get
    c = fmap.column
    records_raw = get(c("records"))
    subjects_raw = get(c("subjects"))
    ids = _list(get(c("subject_ids")))
    records = int(records_raw) if records_raw not in (None, "") else max(1, len(ids))
    return AccessEvent(
        time=parse_time(row[c("time")]),
        account=str(row[c("account")]),
        action=_action(get(c("action")) or "view"),
        records=records,
        subjects=int(subjects_raw) if subjects_raw not in (None, "") else None,
        subject_ids=ids,
        source=str(get(c("source"))) if get(c("source")) else None,
        fields=frozenset(_list(get(c("fields")))),
        purpose=str(get(c("purpose"))) if get(c("purpose")) else None,
        role=str(get(c("role"))) if get(c("role")) else None,
    )


def _rows(fh: io.TextIOBase, fmt: str) -> Iterator[tuple[int, Mapping[str, Any] | None]]:
    if fmt == "csv":
        reader = csv.DictReader(fh)
        for row in reader:
            yield reader.line_num, row
        return
    for i, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            yield i, None
            continue
        yield i, obj if isinstance(obj, dict) else None


def read_events(
    path: str | Path, fmap: FieldMap | None = None, stats: IngestStats | None = None
) -> Iterator[AccessEvent]:
    """Events from a JSONL (default) or CSV (by suffix) log, in file order."""
    p = Path(path)
    fmap = fmap or FieldMap()
    stats = stats if stats is not None else IngestStats()
    fmt = "csv" if p.suffix.lower() in (".csv", ".tsv") else "jsonl"
    try:
        fh = p.open(encoding="utf-8", newline="" if fmt == "csv" else None)
    except OSError as exc:
        raise InputError(f"cannot read access log {p}: {exc.strerror}") from None
    with fh:
        try:
            for line_no, row in _rows(fh, fmt):
                stats.lines += 1
                if row is None:
                    stats.bad_lines.append(line_no)
                    continue
                try:
                    ev = to_event(row, fmap)
                except (KeyError, ValueError, TypeError):
                    stats.bad_lines.append(line_no)
                    continue
                stats.events += 1
                yield ev
        except UnicodeDecodeError:
            raise InputError(f"{p} is not UTF-8 text") from None


def load_mapping(path: str | Path) -> FieldMap:
    """A field mapping from a JSON or YAML file of ``event_field: source_column``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read field mapping {p}: {exc.strerror}") from None
    try:
        if p.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            import yaml

            raw = yaml.safe_load(text)
    except Exception:
        raise UsageError(f"{p} is not valid YAML/JSON") from None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise UsageError(f"{p}: expected a mapping of event field to source column name")
    return FieldMap({str(k): v for k, v in raw.items()})
