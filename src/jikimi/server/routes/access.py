"""Access-log routes: append, page through (itself a logged read), verify, checkpoint."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from jikimi.ledger import AccessEvent
from jikimi.server.deps import caller_of, ledger_of, log_read, needs
from jikimi.server.permissions import Permission as P
from jikimi.server.schemas import (
    AppendIn,
    AppendOut,
    CheckpointOut,
    EntryOut,
    Page,
    ProblemOut,
    VerifyOut,
)

router = APIRouter(prefix="/v1/access-log", tags=["access log"])


@router.post("", response_model=AppendOut, status_code=201, **needs(P.LOG_APPEND))
def append(body: AppendIn, request: Request) -> AppendOut:
    """Append events in one transaction (all or none)."""
    caller = caller_of(request)
    events = [
        AccessEvent(
            actor=e.actor,
            action=e.action,
            resource=e.resource,
            purpose=e.purpose,
            subject_count=e.subject_count,
            subject_refs=tuple(e.subject_refs),
            fields=tuple(e.fields),
            location=e.location or caller.ip[:64],
            reason=e.reason,
            at=e.at,
        )
        for e in body.events
    ]
    seqs = ledger_of(request).access_log.append_many(events)
    return AppendOut(first_seq=seqs[0], last_seq=seqs[-1])


@router.get("", response_model=Page[EntryOut], **needs(P.LOG_READ))
def entries(
    request: Request,
    after: int = Query(0, ge=0, le=2**62),
    limit: int = Query(100, ge=1, le=1000),
) -> Page[EntryOut]:
    """Entries after ``after`` in chain order. Reading them is itself logged."""
    got = ledger_of(request).access_log.entries(after=after, limit=limit)
    refs = [r for e in got for r in e.subject_refs]
    log_read(request, "access_log", refs, ("subject_refs",))
    items = [
        EntryOut(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            resource=e.resource,
            purpose=e.purpose,
            subject_count=e.subject_count,
            subject_refs=list(e.subject_refs),
            fields=list(e.fields),
            location=e.location,
            reason=e.reason,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in got
    ]
    return Page[EntryOut](items=items, next_after=got[-1].seq if len(got) == limit else None)


@router.post("/verify", response_model=VerifyOut, **needs(P.LOG_VERIFY))
def verify(request: Request) -> VerifyOut:
    """Check the whole chain and every checkpoint signature."""
    r = ledger_of(request).access_log.verify()
    return VerifyOut(
        ok=r.ok,
        entries=r.entries,
        first_seq=r.first_seq,
        last_seq=r.last_seq,
        checkpoints=r.checkpoints,
        signatures_checked=r.signatures_checked,
        problems_total=r.problems_total,
        problems=[ProblemOut(seq=p.seq, kind=p.kind, detail=p.detail) for p in r.problems],
    )


@router.post("/checkpoint", response_model=CheckpointOut, **needs(P.LOG_CHECKPOINT))
def checkpoint(request: Request) -> CheckpointOut:
    """Sign the current head now (needs a configured checkpoint key)."""
    return CheckpointOut(seq=ledger_of(request).access_log.checkpoint())
