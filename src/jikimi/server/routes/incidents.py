"""Breach-incident routes: open, read, complete steps, close, render notices."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Request

from jikimi.ledger import IncidentFacts, IncidentRecord
from jikimi.server.deps import caller_of, ledger_of, needs
from jikimi.server.permissions import Permission as P
from jikimi.server.schemas import IncidentIn, IncidentOut, NoticeOut, Page, StepDoneIn, StepOut

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])
_ID = Path(ge=1, le=2**62)


def _out(r: IncidentRecord) -> IncidentOut:
    f = r.facts
    return IncidentOut(
        id=r.id,
        title=f.title,
        status=r.status,
        aware_at=f.aware_at,
        subject_count=f.subject_count,
        categories=list(f.categories),
        countries=list(f.countries),
        cause=f.cause.value,
        opened_by=r.opened_by,
        created_at=r.created_at,
        closed_at=r.closed_at,
        steps=[
            StepOut(
                key=s.obligation.key,
                law=s.obligation.law.value,
                recipient=s.obligation.recipient,
                required=s.obligation.required,
                timing=s.obligation.timing.value,
                due=s.obligation.due,
                due_local=s.obligation.due_local,
                tz=s.obligation.tz,
                basis=s.obligation.basis,
                done_at=s.done_at,
                done_by=s.done_by,
                note=s.note,
            )
            for s in r.steps
        ],
    )


@router.post("", response_model=IncidentOut, status_code=201, **needs(P.INCIDENT_WRITE))
def open_incident(body: IncidentIn, request: Request) -> IncidentOut:
    """Open an incident; obligations and deadlines under each applicable law are computed."""
    facts = IncidentFacts(
        title=body.title,
        aware_at=body.aware_at,
        subject_count=body.subject_count,
        categories=tuple(body.categories),
        countries=tuple(c.upper() for c in body.countries),
        cause=body.cause,
        occurred_at=body.occurred_at,
        found_how=body.found_how,
        mitigated=body.mitigated,
        high_risk=body.high_risk,
        controller=body.controller,
        contact=body.contact,
        measures=body.measures,
        advice=body.advice,
        laws=tuple(body.laws) if body.laws is not None else None,
        authority_tz=body.authority_tz,
    )
    return _out(ledger_of(request).incidents.open(facts, caller_of(request).actor))


@router.get("", response_model=Page[IncidentOut], **needs(P.INCIDENT_READ))
def list_incidents(
    request: Request,
    status: Literal["open", "closed"] | None = Query(None),
    after: int = Query(0, ge=0, le=2**62),
    limit: int = Query(50, ge=1, le=200),
) -> Page[IncidentOut]:
    got = ledger_of(request).incidents.incidents(status=status, after_id=after, limit=limit)
    return Page[IncidentOut](
        items=[_out(r) for r in got], next_after=got[-1].id if len(got) == limit else None
    )


@router.get("/{incident_id}", response_model=IncidentOut, **needs(P.INCIDENT_READ))
def get_incident(request: Request, incident_id: int = _ID) -> IncidentOut:
    return _out(ledger_of(request).incidents.get(incident_id))


@router.post("/{incident_id}/steps/{key}", response_model=IncidentOut, **needs(P.INCIDENT_WRITE))
def complete_step(
    body: StepDoneIn,
    request: Request,
    incident_id: int = _ID,
    key: str = Path(pattern=r"^[A-Z]{3,5}\.[a-z_]{1,20}$"),
) -> IncidentOut:
    """Mark a notification step (e.g. ``PIPA.subjects``) done."""
    return _out(
        ledger_of(request).incidents.complete_step(
            incident_id, key, by=caller_of(request).actor, note=body.note, at=body.at
        )
    )


@router.post("/{incident_id}/close", response_model=IncidentOut, **needs(P.INCIDENT_WRITE))
def close_incident(request: Request, incident_id: int = _ID) -> IncidentOut:
    """Close; refused (409) while a required notification is open."""
    return _out(ledger_of(request).incidents.close(incident_id, by=caller_of(request).actor))


@router.get("/{incident_id}/notices", response_model=list[NoticeOut], **needs(P.INCIDENT_READ))
def notices(
    request: Request,
    incident_id: int = _ID,
    lang: Literal["ko", "zh", "en"] | None = Query(None),
) -> list[NoticeOut]:
    """Subject notices and regulator reports for the required steps."""
    return [
        NoticeOut(key=n.key, lang=n.lang, text=n.text)
        for n in ledger_of(request).incidents.notices(incident_id, lang)
    ]
