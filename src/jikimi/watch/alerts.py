"""Alerts: which rule fired, on which account, with the evidence a reviewer needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"  # worth a look in the monthly review
    WARNING = "warning"  # ask the account holder for the reason
    CRITICAL = "critical"  # likely extraction in progress: act now


class Rule(StrEnum):
    VOLUME = "volume"  # beyond the account's own and its peers' normal day
    EXPORT_WITHOUT_REASON = "export-without-reason"
    DISTINCT_SUBJECTS = "distinct-subjects"  # many subjects in a short window
    ENUMERATION = "enumeration"  # sequential subject ids
    OFF_HOURS = "off-hours"
    NEW_SOURCE = "new-source"
    CONCURRENT_SOURCES = "concurrent-sources"  # shared or stolen credentials
    FIELDS_OUTSIDE_ROLE = "fields-outside-role"
    DORMANT_WAKEUP = "dormant-wakeup"


SEVERITY: dict[Rule, Severity] = {
    Rule.VOLUME: Severity.CRITICAL,
    Rule.EXPORT_WITHOUT_REASON: Severity.WARNING,
    Rule.DISTINCT_SUBJECTS: Severity.CRITICAL,
    Rule.ENUMERATION: Severity.CRITICAL,
    Rule.OFF_HOURS: Severity.INFO,
    Rule.NEW_SOURCE: Severity.INFO,
    Rule.CONCURRENT_SOURCES: Severity.WARNING,
    Rule.FIELDS_OUTSIDE_ROLE: Severity.WARNING,
    Rule.DORMANT_WAKEUP: Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class Alert:
    """One rule firing. ``evidence`` holds numbers and names, never subject data;
    ``records``/``subjects`` count what the account had touched when it fired."""

    rule: Rule
    severity: Severity
    account: str
    time: dt.datetime
    message: str
    records: int
    subjects: int
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "account": self.account,
            "time": self.time.isoformat(),
            "message": self.message,
            "records": self.records,
            "subjects": self.subjects,
            "evidence": self.evidence,
        }
