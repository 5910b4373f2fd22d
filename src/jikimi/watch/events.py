"""The one access-event type every log is normalised to.

The fields follow the access-log items of the Korean safety-measure rules (account,
time, source address, which subjects' data, action) plus what detection needs: how
many records, which fields, and the recorded purpose or reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"
    SEARCH = "search"
    EXPORT = "export"
    DOWNLOAD = "download"
    PRINT = "print"
    CHANGE = "change"
    DELETE = "delete"
    LOGIN = "login"

    @property
    def takes_data_out(self) -> bool:
        """Actions that move personal data off the screen (a reason is required)."""
        return self in (Action.EXPORT, Action.DOWNLOAD, Action.PRINT)


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One access to personal data by one account.

    ``records`` counts records touched; ``subject_ids`` are the subjects' internal ids
    when the log has them (enumeration is detected on them); ``subjects`` is the number
    of distinct subjects (defaults to ``records``).
    """

    time: dt.datetime
    account: str
    action: Action = Action.VIEW
    records: int = 1
    subjects: int | None = None
    subject_ids: tuple[str, ...] = ()
    source: str | None = None
    fields: frozenset[str] = field(default_factory=frozenset)
    purpose: str | None = None
    role: str | None = None

    @property
    def subject_count(self) -> int:
        return self.records if self.subjects is None else self.subjects
