"""jikimi's own access log as a source of access events.

The ledger keeps who accessed whose data, when and why, hash-chained; the watcher reads
it in sequence order, batch by batch (keyset pagination), so a review can run over years
of entries without loading them. The ledger's ``reason`` (the reason recorded for a
download) becomes the event's purpose: that is what the export-without-reason rule asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jikimi.watch.events import AccessEvent, Action

if TYPE_CHECKING:
    from jikimi.ledger.accesslog import AccessLog, LoggedEntry

_ACTIONS = {
    "view": Action.VIEW,
    "change": Action.CHANGE,
    "input": Action.CHANGE,
    "delete": Action.DELETE,
    "purge": Action.DELETE,
    "print": Action.PRINT,
    "download": Action.DOWNLOAD,
}


def to_event(entry: LoggedEntry, role: str | None = None) -> AccessEvent:
    """One watch event from one ledger entry."""
    count = max(entry.subject_count, len(entry.subject_refs))
    return AccessEvent(
        time=entry.at,
        account=entry.actor,
        action=_ACTIONS.get(entry.action, Action.VIEW),
        records=max(1, count),
        subjects=count,
        subject_ids=entry.subject_refs,
        source=entry.location or None,
        fields=frozenset(entry.fields),
        purpose=entry.reason or None,
        role=role,
    )


def events_from_ledger(
    log: AccessLog, *, after: int = 0, batch: int = 5000, roles: dict[str, str] | None = None
) -> Iterator[AccessEvent]:
    """Every entry with ``seq > after``, oldest first; ``roles`` maps actors to roles."""
    roles = roles or {}
    last = after
    while True:
        entries = log.entries(after=last, limit=batch)
        if not entries:
            return
        for entry in entries:
            yield to_event(entry, roles.get(entry.actor))
        last = entries[-1].seq
