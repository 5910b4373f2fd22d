"""Consent routes: record a decision, the fast check, history, profiling, prompt guard."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from jikimi.ledger import ConsentRecord
from jikimi.server.deps import SECURITY, authorize, ledger_of, log_read, needs, token_of
from jikimi.server.permissions import Permission as P
from jikimi.server.schemas import (
    CheckOut,
    ConsentIn,
    ConsentOut,
    HistoryItemOut,
    Name,
    Page,
    ProfilingIn,
    PromptIn,
    PromptOut,
)

router = APIRouter(tags=["consent"])
_NAME_RE = re.compile(r"^[A-Za-z0-9_.:@/-]{1,128}$")
_CATEGORY_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+){0,7}$")
_SUBJECT = Path(pattern=r"^[A-Za-z0-9_.:@/-]{1,128}$")


@router.post("/v1/consents", response_model=ConsentOut, status_code=201, **needs(P.CONSENT_WRITE))
def record(body: ConsentIn, request: Request) -> ConsentOut:
    """Grant, withdraw or refuse: one call shape for all three."""
    event_id = ledger_of(request).consent.record(
        ConsentRecord(
            body.subject_id,
            body.purpose,
            body.category,
            body.decision,
            body.wording_version,
            body.separate,
            body.channel,
            body.at,
        )
    )
    return ConsentOut(event_id=event_id)


_CHECK_PARAMS = [
    {
        "name": "subject_id",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "pattern": _NAME_RE.pattern},
    },
    {
        "name": "purpose",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "pattern": _NAME_RE.pattern},
    },
    {
        "name": "category",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "maxLength": 128, "pattern": _CATEGORY_RE.pattern},
    },
    {
        "name": "profiling",
        "in": "query",
        "required": False,
        "schema": {"type": "boolean", "default": False},
    },
    {
        "name": "wording_version",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    },
]
_BOOL = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


def _invalid(field: str, msg: str) -> JSONResponse:
    detail = [{"loc": ["query", field], "msg": msg, "type": "value_error"}]
    return JSONResponse({"error": "invalid_request", "detail": detail}, status_code=422)


@router.get(
    "/v1/consents/check",
    response_model=CheckOut,
    responses={422: {"description": "invalid query"}},
    openapi_extra={
        "x-permission": P.CONSENT_CHECK.value,
        "parameters": _CHECK_PARAMS,
        "security": SECURITY,
    },
)
async def check(request: Request) -> Response:
    """May ``purpose`` use ``category`` of ``subject_id`` now? (a primary-key read)

    Kept free of dependency injection and response re-validation because it sits in
    other services' request paths; its parameters are declared for the OpenAPI document.
    """
    authorize(request, token_of(request), P.CONSENT_CHECK)
    q = request.query_params
    subject_id, purpose, category = q.get("subject_id"), q.get("purpose"), q.get("category")
    for field, value, pattern in (
        ("subject_id", subject_id, _NAME_RE),
        ("purpose", purpose, _NAME_RE),
        ("category", category, _CATEGORY_RE),
    ):
        if value is None:
            return _invalid(field, "Field required")
        if len(value) > 128 or not pattern.fullmatch(value):
            return _invalid(field, f"String should match pattern '{pattern.pattern}'")
    profiling = _BOOL.get(q.get("profiling", "false").lower())
    if profiling is None:
        return _invalid("profiling", "Input should be a valid boolean")
    wording = q.get("wording_version")
    if wording is not None and (not 1 <= len(wording) <= 64 or not wording.isprintable()):
        return _invalid("wording_version", "String should have 1 to 64 printable characters")
    assert subject_id is not None and purpose is not None and category is not None
    a = ledger_of(request).consent.check(
        subject_id, purpose, category, profiling=profiling, wording_version=wording
    )
    body = {
        "allowed": a.allowed,
        "reason": a.reason,
        "matched_category": a.matched_category,
        "wording_version": a.wording_version,
        "decided_at": a.decided_at.isoformat().replace("+00:00", "Z") if a.decided_at else None,
    }
    return JSONResponse(body)


@router.get(
    "/v1/subjects/{subject_id}/consents",
    response_model=Page[HistoryItemOut],
    **needs(P.CONSENT_READ),
)
def history(
    request: Request,
    subject_id: str = _SUBJECT,
    after: int = Query(0, ge=0, le=2**62),
    limit: int = Query(100, ge=1, le=1000),
) -> Page[HistoryItemOut]:
    """Every decision of one subject (a logged read of personal data)."""
    items = ledger_of(request).consent.history(subject_id, limit=limit, after_id=after)
    log_read(request, "consent_history", [subject_id], ("consent",))
    out = [
        HistoryItemOut(
            id=h.id,
            purpose=h.purpose,
            category=h.category,
            decision=h.decision,
            wording_version=h.wording_version,
            separate=h.separate,
            channel=h.channel,
            at=h.at,
            recorded_at=h.recorded_at,
        )
        for h in items
    ]
    return Page[HistoryItemOut](items=out, next_after=items[-1].id if len(items) == limit else None)


@router.put("/v1/subjects/{subject_id}/profiling", status_code=204, **needs(P.CONSENT_WRITE))
def profiling(body: ProfilingIn, request: Request, subject_id: str = _SUBJECT) -> None:
    """Record an objection to profiling (``refused: true``) or its withdrawal."""
    ledger_of(request).consent.set_profiling_objection(subject_id, body.refused, body.at)


@router.get("/v1/consent-prompts/check", response_model=PromptOut, **needs(P.CONSENT_CHECK))
def may_prompt(
    request: Request, subject_id: Annotated[Name, Query()], purpose: Annotated[Name, Query()]
) -> PromptOut:
    """May the subject be asked for consent to ``purpose`` now?"""
    a = ledger_of(request).consent.may_prompt(subject_id, purpose)
    return PromptOut(allowed=a.allowed, reason=a.reason, next_allowed_at=a.next_allowed_at)


@router.post(
    "/v1/consent-prompts",
    status_code=204,
    **needs(P.CONSENT_WRITE),
    responses={409: {"description": "asked too recently"}},
)
def record_prompt(body: PromptIn, request: Request) -> None:
    """Record that the subject is being asked; 409 when the guard says not yet."""
    ledger_of(request).consent.record_prompt(body.subject_id, body.purpose, body.at)
