"""Breach incidents: open one (by hand or from scan findings), track each notice until closed.

Opening an incident computes its obligations (:mod:`jikimi.ledger.obligations`) and stores
each as a step with its deadline; an incident closes only when every required step is done,
so the record shows who was told, when, and whether it was on time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, select, update

from jikimi.ledger.db import now_us, write_tx
from jikimi.ledger.errors import IncidentConflict, IncidentError, NotFound
from jikimi.ledger.models import Incident, IncidentStep
from jikimi.ledger.notices import Notice, notices_for
from jikimi.ledger.obligations import (
    Cause,
    IncidentFacts,
    Law,
    Obligation,
    Timing,
    obligations,
)
from jikimi.types import Finding

_INC = cast(Table, Incident.__table__)
_STEP = cast(Table, IncidentStep.__table__)


def _us(at: datetime) -> int:
    if at.tzinfo is None:
        raise IncidentError("instants must be timezone-aware")
    return int(at.timestamp() * 1_000_000)


def _dt(us: int | None) -> datetime | None:
    return None if us is None else datetime.fromtimestamp(us / 1_000_000, tz=UTC)


@dataclass(frozen=True, slots=True)
class Step:
    """A notification step: the obligation plus when it was done and by whom."""

    obligation: Obligation
    done_at: datetime | None
    done_by: str
    note: str

    def overdue(self, now: datetime) -> bool:
        ob = self.obligation
        return ob.required and self.done_at is None and ob.due is not None and now > ob.due


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """An incident as stored."""

    id: int
    facts: IncidentFacts
    status: str
    opened_by: str
    created_at: datetime
    closed_at: datetime | None
    steps: tuple[Step, ...]


class IncidentStore:
    """Breach incidents of one ledger database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def open(self, facts: IncidentFacts, opened_by: str) -> IncidentRecord:
        """Record the incident and one step per obligation of every applicable law."""
        if not facts.title or len(facts.title) > 256:
            raise IncidentError("an incident needs a title of 1-256 characters")
        if not facts.countries and facts.laws is None:
            raise IncidentError("name the subjects' countries (or the laws) so duties follow")
        obs = obligations(facts)
        with write_tx(self._engine) as conn:
            incident_id = conn.execute(
                insert(_INC)
                .values(
                    title=facts.title,
                    aware_us=_us(facts.aware_at),
                    occurred_us=_us(facts.occurred_at) if facts.occurred_at else None,
                    found_how=facts.found_how,
                    cause=facts.cause.value,
                    subject_count=facts.subject_count,
                    categories=json.dumps(list(facts.categories)),
                    countries=json.dumps([c.upper() for c in facts.countries]),
                    mitigated=facts.mitigated,
                    high_risk=facts.high_risk,
                    controller=facts.controller,
                    contact=facts.contact,
                    measures=facts.measures,
                    advice=facts.advice,
                    authority_tz=facts.authority_tz,
                    status="open",
                    opened_by=opened_by,
                    created_us=now_us(),
                    closed_us=None,
                )
                .returning(_INC.c.id)
            ).scalar_one()
            if obs:
                conn.execute(
                    insert(_STEP),
                    [
                        {
                            "incident_id": incident_id,
                            "key": ob.key,
                            "law": ob.law.value,
                            "recipient": ob.recipient,
                            "required": ob.required,
                            "due_us": _us(ob.due) if ob.due else None,
                            "timing": ob.timing.value,
                            "tz": ob.tz,
                            "basis": ob.basis,
                            "done_us": None,
                            "done_by": "",
                            "note": "",
                        }
                        for ob in obs
                    ],
                )
        return self.get(int(incident_id))

    def open_from_findings(
        self,
        findings: Iterable[Finding],
        *,
        title: str,
        aware_at: datetime,
        countries: tuple[str, ...],
        opened_by: str,
        subject_count: int | None = None,
        **facts: Any,
    ) -> IncidentRecord:
        """Open an incident from scan findings: categories from the entity types found.

        Without ``subject_count``, the number of distinct values found is used as an
        estimate (values are hashed in memory and never stored).
        """
        cats: dict[str, None] = {}
        distinct: set[bytes] = set()
        for f in findings:
            cats[f.entity.value] = None
            distinct.add(hashlib.sha256(f"{f.entity}\x1f{f.text}".encode()).digest())
        count = subject_count if subject_count is not None else len(distinct)
        base = IncidentFacts(
            title=title,
            aware_at=aware_at,
            subject_count=count,
            categories=tuple(cats),
            countries=countries,
            found_how=facts.pop("found_how", "jikimi scan"),
        )
        return self.open(replace(base, **facts), opened_by)

    def get(self, incident_id: int) -> IncidentRecord:
        with self._engine.connect() as conn:
            row = conn.execute(select(_INC).where(_INC.c.id == incident_id)).first()
            if row is None:
                raise NotFound(f"incident {incident_id} does not exist")
            steps = conn.execute(
                select(_STEP).where(_STEP.c.incident_id == incident_id).order_by(_STEP.c.id)
            ).all()
        return _record(row, steps)

    def incidents(
        self, status: str | None = None, after_id: int = 0, limit: int = 50
    ) -> list[IncidentRecord]:
        """Incidents by id (keyset pagination), optionally only ``open`` or ``closed``."""
        stmt = select(_INC.c.id).where(_INC.c.id > after_id).order_by(_INC.c.id).limit(limit)
        if status is not None:
            stmt = stmt.where(_INC.c.status == status)
        with self._engine.connect() as conn:
            ids = conn.execute(stmt).scalars().all()
        return [self.get(int(i)) for i in ids]

    def complete_step(
        self, incident_id: int, key: str, by: str, note: str = "", at: datetime | None = None
    ) -> IncidentRecord:
        """Mark one notification step done (e.g. ``PIPA.subjects``)."""
        done = _us(at) if at is not None else now_us()
        with write_tx(self._engine) as conn:
            status = conn.execute(select(_INC.c.status).where(_INC.c.id == incident_id)).scalar()
            if status is None:
                raise NotFound(f"incident {incident_id} does not exist")
            if status != "open":
                raise IncidentConflict(f"incident {incident_id} is closed")
            step = conn.execute(
                select(_STEP.c.id, _STEP.c.done_us).where(
                    _STEP.c.incident_id == incident_id, _STEP.c.key == key
                )
            ).first()
            if step is None:
                raise NotFound(f"incident {incident_id} has no step '{key}'")
            if step.done_us is not None:
                raise IncidentConflict(f"step '{key}' is already done")
            conn.execute(
                update(_STEP)
                .where(_STEP.c.id == step.id)
                .values(done_us=done, done_by=by, note=note)
            )
        return self.get(incident_id)

    def close(self, incident_id: int, by: str, at: datetime | None = None) -> IncidentRecord:
        """Close the incident; refused while a required notification is still open."""
        record = self.get(incident_id)
        if record.status != "open":
            raise IncidentConflict(f"incident {incident_id} is already closed")
        pending = [
            s.obligation.key for s in record.steps if s.obligation.required and s.done_at is None
        ]
        if pending:
            raise IncidentConflict("required steps still open: " + ", ".join(pending))
        with write_tx(self._engine) as conn:
            conn.execute(
                update(_INC)
                .where(_INC.c.id == incident_id, _INC.c.status == "open")
                .values(status="closed", closed_us=_us(at) if at else now_us())
            )
        return self.get(incident_id)

    def notices(self, incident_id: int, lang: str | None = None) -> list[Notice]:
        """Notices and reports for every required step (in the law's language by default)."""
        record = self.get(incident_id)
        return notices_for(record.facts, [s.obligation for s in record.steps], lang)


def _record(row: Any, steps: Iterable[Any]) -> IncidentRecord:
    facts = IncidentFacts(
        title=row.title,
        aware_at=cast(datetime, _dt(row.aware_us)),
        subject_count=int(row.subject_count),
        categories=tuple(json.loads(row.categories)),
        countries=tuple(json.loads(row.countries)),
        cause=Cause(row.cause),
        occurred_at=_dt(row.occurred_us),
        found_how=row.found_how,
        mitigated=bool(row.mitigated),
        high_risk=bool(row.high_risk),
        controller=row.controller,
        contact=row.contact,
        measures=row.measures,
        advice=row.advice,
        authority_tz=row.authority_tz,
    )
    return IncidentRecord(
        id=int(row.id),
        facts=facts,
        status=row.status,
        opened_by=row.opened_by,
        created_at=cast(datetime, _dt(row.created_us)),
        closed_at=_dt(row.closed_us),
        steps=tuple(
            Step(
                Obligation(
                    s.key,
                    Law(s.law),
                    s.recipient,
                    bool(s.required),
                    Timing(s.timing),
                    _dt(s.due_us),
                    s.tz,
                    s.basis,
                ),
                _dt(s.done_us),
                s.done_by,
                s.note,
            )
            for s in steps
        ),
    )
