"""Consent per data subject x purpose (business function) x data category.

Grant, withdraw and refuse go through one call shape (:meth:`ConsentStore.record`), so
withdrawing is exactly as easy as granting (PIPL Art. 15, GB/T 35273 5.3). Categories are
dotted (``contact.email``); a decision on ``contact`` covers ``contact.email`` and the latest
decision wins. Sensitive, biometric and unique-identifier categories take only a *separate*
consent (PIPA Arts. 23-24, PIPL Art. 29, GB/T 35273 5.4). Objection to profiling is kept apart
from purpose consent. Every decision is kept in the history; the current state is one small
table read by primary key, so :meth:`ConsentStore.check` can sit in a request path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, cast

from sqlalchemy import Connection, Engine, Table, and_, bindparam, func, insert, select, update

from jikimi.ledger.db import READ_ONLY, now_us, write_tx
from jikimi.ledger.errors import ConsentError, LedgerError, PromptTooSoon
from jikimi.ledger.models import ConsentEvent, ConsentPrompt, ConsentState, ProfilingEvent

_EVENT = cast(Table, ConsentEvent.__table__)
_STATE = cast(Table, ConsentState.__table__)
_PROMPT = cast(Table, ConsentPrompt.__table__)
_PROFILING = cast(Table, ProfilingEvent.__table__)

_PROFILING_LATEST = (
    select(_PROFILING.c.refused)
    .where(_PROFILING.c.subject_id == bindparam("s"))
    .order_by(_PROFILING.c.at_us.desc(), _PROFILING.c.id.desc())
    .limit(1)
)

SEPARATE_CONSENT_ROOTS = frozenset({"sensitive", "biometric", "unique_id"})
_CATEGORY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+){0,7}$")
_NAME = re.compile(r"^[A-Za-z0-9_.:@/-]{1,128}$")


class Decision(StrEnum):
    """What the subject said."""

    GRANT = "grant"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"


def needs_separate_consent(category: str) -> bool:
    """Sensitive, biometric and unique-identifier data need their own, separate consent."""
    return category.split(".", 1)[0] in SEPARATE_CONSENT_ROOTS


def _prefixes(category: str) -> list[str]:
    parts = category.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _us(at: datetime | None) -> int:
    if at is None:
        return now_us()
    if at.tzinfo is None:
        raise LedgerError("instants must be timezone-aware")
    return int(at.timestamp() * 1_000_000)


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _check_ids(subject_id: str, purpose: str, category: str | None = None) -> None:
    if not _NAME.match(subject_id):
        raise ConsentError("subject id must be 1-128 characters of letters, digits and _.:@/-")
    if not _NAME.match(purpose):
        raise ConsentError("purpose must be 1-128 characters of letters, digits and _.:@/-")
    if category is not None and not _CATEGORY.match(category):
        raise ConsentError("category must be dotted lower-case words, e.g. 'contact.email'")


class _StateRow(NamedTuple):
    category: str
    decision: str
    wording_version: str
    separate: bool
    at_us: int


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One decision by one subject about one purpose and category."""

    subject_id: str = field(repr=False)
    purpose: str
    category: str
    decision: Decision
    wording_version: str
    separate: bool = False
    channel: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConsentAnswer:
    """The answer to 'may this purpose use this category of this subject now?'."""

    allowed: bool
    reason: str
    matched_category: str | None = None
    wording_version: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConsentHistoryItem:
    """A decision as recorded (``at`` = when the subject decided, ``recorded_at`` = stored)."""

    id: int
    purpose: str
    category: str
    decision: str
    wording_version: str
    separate: bool
    channel: str
    at: datetime
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class PromptPolicy:
    """How often a subject may be asked for consent for one purpose.

    After a refusal or withdrawal, wait ``after_refusal`` (48 h by default, a common reading
    of the MIIT app rules; GB/T 35273 5.3 only says "not frequently"). In any case ask at
    most ``max_prompts`` times per ``window``.
    """

    after_refusal: timedelta = timedelta(hours=48)
    max_prompts: int = 3
    window: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PromptAnswer:
    """Whether the subject may be asked now and, if not, from when."""

    allowed: bool
    reason: str
    next_allowed_at: datetime | None = None


class ConsentStore:
    """Consent decisions, prompts and profiling objections of one ledger database."""

    def __init__(self, engine: Engine, prompt_policy: PromptPolicy | None = None) -> None:
        self._engine = engine
        self._policy = prompt_policy or PromptPolicy()
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._check_sql = (
            "SELECT category, decision, wording_version, separate, at_us "
            f"FROM ledger_consent_state WHERE subject_id = {mark} AND purpose = {mark}"
        )
        self._profiling_sql = (
            f"SELECT refused FROM ledger_profiling_event WHERE subject_id = {mark} "
            "ORDER BY at_us DESC, id DESC LIMIT 1"
        )

    # -- decisions ---------------------------------------------------------------------
    def record(self, rec: ConsentRecord) -> int:
        """Record a grant, withdrawal or refusal; returns the history id.

        The current state follows the decision with the latest ``at``: a decision that
        arrives late (an offline channel) enters the history without overriding a newer one.
        """
        _check_ids(rec.subject_id, rec.purpose, rec.category)
        decision = Decision(rec.decision)
        if not rec.wording_version or len(rec.wording_version) > 64:
            raise ConsentError("a decision needs the wording version shown (1-64 characters)")
        if len(rec.channel) > 64:
            raise ConsentError("channel is longer than 64 characters")
        if decision is Decision.GRANT and needs_separate_consent(rec.category) and not rec.separate:
            raise ConsentError(
                f"category '{rec.category}' needs a separate consent (set separate=true)"
            )
        at = _us(rec.at)
        with write_tx(self._engine) as conn:
            event_id = conn.execute(
                insert(_EVENT)
                .values(
                    subject_id=rec.subject_id,
                    purpose=rec.purpose,
                    category=rec.category,
                    decision=decision.value,
                    wording_version=rec.wording_version,
                    separate=rec.separate,
                    channel=rec.channel,
                    at_us=at,
                    recorded_us=now_us(),
                )
                .returning(_EVENT.c.id)
            ).scalar_one()
            key = and_(
                _STATE.c.subject_id == rec.subject_id,
                _STATE.c.purpose == rec.purpose,
                _STATE.c.category == rec.category,
            )
            current = conn.execute(select(_STATE.c.at_us).where(key)).scalar()
            values = {
                "decision": decision.value,
                "wording_version": rec.wording_version,
                "separate": rec.separate,
                "at_us": at,
                "event_id": event_id,
            }
            if current is None:
                conn.execute(
                    insert(_STATE).values(
                        subject_id=rec.subject_id,
                        purpose=rec.purpose,
                        category=rec.category,
                        **values,
                    )
                )
            elif at >= current:
                conn.execute(update(_STATE).where(key).values(**values))
        return int(event_id)

    def grant(
        self,
        subject_id: str,
        purpose: str,
        category: str,
        wording_version: str,
        *,
        separate: bool = False,
        channel: str = "",
        at: datetime | None = None,
    ) -> int:
        """Record a grant (same arguments as :meth:`withdraw`)."""
        return self.record(
            ConsentRecord(
                subject_id,
                purpose,
                category,
                Decision.GRANT,
                wording_version,
                separate,
                channel,
                at,
            )
        )

    def withdraw(
        self,
        subject_id: str,
        purpose: str,
        category: str,
        wording_version: str,
        *,
        separate: bool = False,
        channel: str = "",
        at: datetime | None = None,
    ) -> int:
        """Record a withdrawal (same arguments as :meth:`grant`)."""
        return self.record(
            ConsentRecord(
                subject_id,
                purpose,
                category,
                Decision.WITHDRAW,
                wording_version,
                separate,
                channel,
                at,
            )
        )

    def check(
        self,
        subject_id: str,
        purpose: str,
        category: str,
        *,
        profiling: bool = False,
        wording_version: str | None = None,
    ) -> ConsentAnswer:
        """May ``purpose`` use ``category`` of ``subject_id`` now?

        Args:
            profiling: the use builds a profile; denied if the subject objected to profiling.
            wording_version: if given, a consent given to other wording does not count
                (re-consent after the purpose or wording changed, PIPL Art. 14).
        """
        _check_ids(subject_id, purpose, category)
        wanted = _prefixes(category)
        # The hot path of a request: driver-level SQL, no statement building per call.
        with self._engine.connect().execution_options(**READ_ONLY) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            found = raw.execute(self._check_sql, (subject_id, purpose)).fetchall()
            refused = False
            if profiling:
                row = raw.execute(self._profiling_sql, (subject_id,)).fetchone()
                refused = bool(row is not None and row[0])
        rows = [_StateRow(*r) for r in found if r[0] in wanted]
        refused_profiling = profiling and refused
        if not rows:
            return ConsentAnswer(False, "no consent recorded")
        # latest decision wins; on a tie, the more specific category
        row = max(rows, key=lambda r: (r.at_us, len(r.category)))
        if row.decision != Decision.GRANT:
            reason = "consent withdrawn" if row.decision == Decision.WITHDRAW else "consent refused"
        elif needs_separate_consent(category) and not row.separate:
            reason = "separate consent required"
        elif wording_version is not None and row.wording_version != wording_version:
            reason = "consent given to other wording"
        elif refused_profiling:
            reason = "subject objected to profiling"
        else:
            reason = "granted"
        return ConsentAnswer(
            reason == "granted", reason, row.category, row.wording_version, _dt(row.at_us)
        )

    def history(
        self, subject_id: str, limit: int = 100, after_id: int = 0
    ) -> list[ConsentHistoryItem]:
        """Every decision of a subject in the order recorded (keyset pagination by id)."""
        _check_ids(subject_id, "x")
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_EVENT)
                .where(_EVENT.c.subject_id == subject_id, _EVENT.c.id > after_id)
                .order_by(_EVENT.c.id)
                .limit(limit)
            ).all()
        return [
            ConsentHistoryItem(
                int(r.id),
                r.purpose,
                r.category,
                r.decision,
                r.wording_version,
                bool(r.separate),
                r.channel,
                _dt(r.at_us),
                _dt(r.recorded_us),
            )
            for r in rows
        ]

    # -- profiling ---------------------------------------------------------------------
    def set_profiling_objection(
        self, subject_id: str, refused: bool, at: datetime | None = None
    ) -> None:
        """Record that the subject objects to profiling (or withdrew the objection)."""
        _check_ids(subject_id, "x")
        with write_tx(self._engine) as conn:
            conn.execute(
                insert(_PROFILING).values(subject_id=subject_id, refused=refused, at_us=_us(at))
            )

    def profiling_refused(self, subject_id: str) -> bool:
        with self._engine.connect() as conn:
            return self._profiling_refused(conn, subject_id)

    @staticmethod
    def _profiling_refused(conn: Connection, subject_id: str) -> bool:
        row = conn.execute(_PROFILING_LATEST, {"s": subject_id}).first()
        return bool(row is not None and row.refused)

    # -- asking again ------------------------------------------------------------------
    def may_prompt(
        self, subject_id: str, purpose: str, now: datetime | None = None
    ) -> PromptAnswer:
        """Whether asking this subject for consent to ``purpose`` now respects the policy."""
        _check_ids(subject_id, purpose)
        now_i = _us(now)
        p = self._policy
        with self._engine.connect() as conn:
            last_no = conn.execute(
                select(func.max(_EVENT.c.at_us)).where(
                    _EVENT.c.subject_id == subject_id,
                    _EVENT.c.purpose == purpose,
                    _EVENT.c.decision.in_([Decision.REFUSE.value, Decision.WITHDRAW.value]),
                )
            ).scalar()
            since = now_i - int(p.window.total_seconds() * 1_000_000)
            recent = (
                conn.execute(
                    select(_PROMPT.c.at_us)
                    .where(
                        _PROMPT.c.subject_id == subject_id,
                        _PROMPT.c.purpose == purpose,
                        _PROMPT.c.at_us > since,
                        _PROMPT.c.at_us <= now_i,
                    )
                    .order_by(_PROMPT.c.at_us)
                )
                .scalars()
                .all()
            )
        wait = int(p.after_refusal.total_seconds() * 1_000_000)
        if last_no is not None and last_no <= now_i < last_no + wait:
            return PromptAnswer(False, "subject said no recently", _dt(last_no + wait))
        if len(recent) >= p.max_prompts:
            oldest = recent[len(recent) - p.max_prompts]
            return PromptAnswer(
                False,
                f"already asked {len(recent)} times in the window",
                _dt(oldest + int(p.window.total_seconds() * 1_000_000)),
            )
        return PromptAnswer(True, "may ask")

    def record_prompt(self, subject_id: str, purpose: str, at: datetime | None = None) -> None:
        """Record that the subject is being asked; refuses when the guard says not yet."""
        answer = self.may_prompt(subject_id, purpose, at)
        if not answer.allowed:
            raise PromptTooSoon(f"do not ask again yet: {answer.reason}")
        with write_tx(self._engine) as conn:
            conn.execute(
                insert(_PROMPT).values(subject_id=subject_id, purpose=purpose, at_us=_us(at))
            )
