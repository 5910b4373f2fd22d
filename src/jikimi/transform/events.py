"""Reversal events: every reveal is reported, so the audit log can record who saw what.

An event says which field was revealed, with which operator and key ids, how many values,
by whom and for what purpose; it never carries the values themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ReversalEvent:
    operator: str
    field: str
    count: int
    key_ids: tuple[str, ...]
    actor: str
    purpose: str
    source: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def to_json(self) -> str:
        d = asdict(self)
        d["at"] = self.at.isoformat()
        d["key_ids"] = list(self.key_ids)
        return json.dumps(d, ensure_ascii=False, sort_keys=True)


@runtime_checkable
class ReversalSink(Protocol):
    """Where reversal events go (the ledger later; a list or a JSONL file for now)."""

    def record(self, event: ReversalEvent) -> None: ...


class ListSink:
    """Keeps events in memory (tests, callers that forward them elsewhere)."""

    def __init__(self) -> None:
        self.events: list[ReversalEvent] = []

    def record(self, event: ReversalEvent) -> None:
        self.events.append(event)


class JsonlSink:
    """Appends one JSON line per event and flushes it to disk before returning."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def record(self, event: ReversalEvent) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(event.to_json() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
