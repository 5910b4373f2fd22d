"""Who must be told about a breach, and by when, under PIPA, PIPL and GDPR.

Pure functions over :class:`IncidentFacts`; thresholds are module constants so an amended
decree changes a number, not the logic. Deadlines are instants (elapsed hours from the moment
the controller became aware, weekends included); each obligation also names the time zone in
which its recipient reads the deadline, so a 72-hour clock that crosses a daylight-saving change
is shown correctly. Sources: shared/reference/regulations.md §1.4, §2 (Art. 57), §3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jikimi.catalog import CATALOG
from jikimi.ledger.errors import IncidentError
from jikimi.types import Category, EntityId

PIPA_DEADLINE = timedelta(hours=72)
PIPA_REPORT_SUBJECTS = 1_000
GDPR_DEADLINE = timedelta(hours=72)
KR_TZ = "Asia/Seoul"
CN_TZ = "Asia/Shanghai"
DEFAULT_EU_TZ = "Europe/Brussels"

_EEA_CODES = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO"
)
EEA = frozenset(_EEA_CODES.split(" "))
_SENSITIVE_ROOTS = frozenset({"sensitive", "biometric", "unique_id"})


class Law(StrEnum):
    PIPA = "PIPA"
    PIPL = "PIPL"
    GDPR = "GDPR"


class Cause(StrEnum):
    """How the breach happened; ``external_attack`` alone triggers a PIPA report."""

    EXTERNAL_ATTACK = "external_attack"
    INSIDER = "insider"
    LOSS = "loss"
    MISDELIVERY = "misdelivery"
    OTHER = "other"


class Timing(StrEnum):
    HOURS_72 = "within_72h"
    IMMEDIATELY = "immediately"
    WITHOUT_UNDUE_DELAY = "without_undue_delay"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What is known about a breach. Categories are dotted ledger categories or entity ids."""

    title: str
    aware_at: datetime
    subject_count: int
    categories: tuple[str, ...]
    countries: tuple[str, ...]
    cause: Cause = Cause.OTHER
    occurred_at: datetime | None = None
    found_how: str = ""
    mitigated: bool = False  # measures taken make harm to subjects very unlikely
    high_risk: bool = True  # GDPR Art. 34: likely high risk to rights and freedoms
    controller: str = ""
    contact: str = ""
    measures: str = ""
    advice: str = ""
    laws: tuple[Law, ...] | None = None  # override the laws inferred from countries
    authority_tz: str = DEFAULT_EU_TZ  # the GDPR lead authority's zone

    def __post_init__(self) -> None:
        if self.aware_at.tzinfo is None:
            raise IncidentError("aware_at must be timezone-aware")
        if self.occurred_at is not None and self.occurred_at.tzinfo is None:
            raise IncidentError("occurred_at must be timezone-aware")
        if self.subject_count < 0:
            raise IncidentError("subject_count cannot be negative")
        try:
            ZoneInfo(self.authority_tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise IncidentError("authority_tz is not a known IANA time zone") from None


@dataclass(frozen=True, slots=True)
class Obligation:
    """One duty to notify: whom, by when (``due`` is UTC; None = no fixed hour), and why."""

    key: str
    law: Law
    recipient: str
    required: bool
    timing: Timing
    due: datetime | None
    tz: str
    basis: str = field(default="")

    @property
    def due_local(self) -> datetime | None:
        """The deadline on the recipient's wall clock."""
        return self.due.astimezone(ZoneInfo(self.tz)) if self.due is not None else None


def is_sensitive_or_unique(category: str) -> bool:
    """Sensitive or unique identification data (PIPA Arts. 23-24; PIPL Art. 28)."""
    try:
        entry = CATALOG.get(EntityId(category))
    except ValueError:
        entry = None
    if entry is not None:
        return entry.category in (Category.UNIQUE_ID, Category.SENSITIVE)
    return category.split(".", 1)[0] in _SENSITIVE_ROOTS


def applicable_laws(facts: IncidentFacts) -> tuple[Law, ...]:
    """The laws that apply, from the subjects' countries unless given explicitly."""
    if facts.laws is not None:
        return facts.laws
    countries = {c.upper() for c in facts.countries}
    laws = []
    if "KR" in countries:
        laws.append(Law.PIPA)
    if "CN" in countries:
        laws.append(Law.PIPL)
    if countries & EEA:
        laws.append(Law.GDPR)
    return tuple(laws)


def obligations(facts: IncidentFacts) -> list[Obligation]:
    """Every notification duty under every applicable law, required or not (with why)."""
    aware = facts.aware_at.astimezone(UTC)
    sensitive = any(is_sensitive_or_unique(c) for c in facts.categories)
    out: list[Obligation] = []
    for law in applicable_laws(facts):
        if law is Law.PIPA:
            out.extend(_pipa(facts, aware, sensitive))
        elif law is Law.PIPL:
            out.extend(_pipl(facts))
        else:
            out.extend(_gdpr(facts, aware))
    return out


def _pipa(facts: IncidentFacts, aware: datetime, sensitive: bool) -> list[Obligation]:
    due = aware + PIPA_DEADLINE
    subjects = Obligation(
        "PIPA.subjects",
        Law.PIPA,
        "subjects",
        True,
        Timing.HOURS_72,
        due,
        KR_TZ,
        "PIPA Art. 34(1): notify every affected subject within 72 hours of becoming aware",
    )
    triggers = []
    if facts.subject_count >= PIPA_REPORT_SUBJECTS:
        triggers.append(f"{facts.subject_count:,} subjects (>= {PIPA_REPORT_SUBJECTS:,})")
    if sensitive:
        triggers.append("sensitive or unique identification information")
    if facts.cause is Cause.EXTERNAL_ATTACK:
        triggers.append("unlawful access from outside")
    if triggers and not facts.mitigated:
        report = Obligation(
            "PIPA.regulator",
            Law.PIPA,
            "PIPC/KISA",
            True,
            Timing.HOURS_72,
            due,
            KR_TZ,
            "PIPA Art. 34(3), Decree Art. 40: report within 72 hours because of "
            + "; ".join(triggers),
        )
    else:
        why = "measures make infringement very unlikely" if triggers else "no report trigger"
        report = Obligation(
            "PIPA.regulator",
            Law.PIPA,
            "PIPC/KISA",
            False,
            Timing.NOT_REQUIRED,
            None,
            KR_TZ,
            f"PIPA Art. 34(3): no report needed ({why}); keep the record",
        )
    return [subjects, report]


def _pipl(facts: IncidentFacts) -> list[Obligation]:
    authority = Obligation(
        "PIPL.authority",
        Law.PIPL,
        "CAC/competent department",
        True,
        Timing.IMMEDIATELY,
        None,
        CN_TZ,
        "PIPL Art. 57: remediate and notify the PI protection authorities immediately "
        "(no fixed hour count)",
    )
    if facts.mitigated:
        individuals = Obligation(
            "PIPL.individuals",
            Law.PIPL,
            "individuals",
            False,
            Timing.NOT_REQUIRED,
            None,
            CN_TZ,
            "PIPL Art. 57(2): measures effectively avoid harm; the authority may still order "
            "notification",
        )
    else:
        individuals = Obligation(
            "PIPL.individuals",
            Law.PIPL,
            "individuals",
            True,
            Timing.IMMEDIATELY,
            None,
            CN_TZ,
            "PIPL Art. 57: notify individuals of categories, cause, possible harm, measures, "
            "what they can do, and a contact",
        )
    return [authority, individuals]


def _gdpr(facts: IncidentFacts, aware: datetime) -> list[Obligation]:
    tz = facts.authority_tz
    if facts.mitigated:
        authority = Obligation(
            "GDPR.authority",
            Law.GDPR,
            "supervisory authority",
            False,
            Timing.NOT_REQUIRED,
            None,
            tz,
            "GDPR Art. 33(1): unlikely to result in a risk; document it under Art. 33(5)",
        )
    else:
        authority = Obligation(
            "GDPR.authority",
            Law.GDPR,
            "supervisory authority",
            True,
            Timing.HOURS_72,
            aware + GDPR_DEADLINE,
            tz,
            "GDPR Art. 33(1): notify the supervisory authority within 72 hours of awareness",
        )
    high = facts.high_risk and not facts.mitigated
    subjects = Obligation(
        "GDPR.subjects",
        Law.GDPR,
        "subjects",
        high,
        Timing.WITHOUT_UNDUE_DELAY if high else Timing.NOT_REQUIRED,
        None,
        tz,
        "GDPR Art. 34(1): high risk, tell subjects without undue delay"
        if high
        else "GDPR Art. 34(3): no high risk remains; subjects need not be told",
    )
    return [authority, subjects]
