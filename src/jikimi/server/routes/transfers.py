"""Storage-location and transfer register routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from jikimi.ledger import Location, TransferRecord
from jikimi.server.deps import ledger_of, needs
from jikimi.server.permissions import Permission as P
from jikimi.server.schemas import (
    Country,
    CreatedId,
    LocationIn,
    LocationOut,
    OutsideOut,
    Page,
    TransferIn,
    TransferOut,
)

router = APIRouter(tags=["transfers"])


def _loc(x: Location) -> LocationOut:
    return LocationOut(
        dataset=x.dataset,
        system=x.system,
        country=x.country,
        region=x.region,
        categories=list(x.categories),
        subject_count=x.subject_count,
        source=x.source,
        id=x.id or 0,
        recorded_at=x.recorded_at,
    )


def _tr(x: TransferRecord) -> TransferOut:
    return TransferOut(
        dataset=x.dataset,
        recipient=x.recipient,
        country=x.country,
        items=list(x.items),
        purpose=x.purpose,
        legal_basis=x.legal_basis,
        transferred_at=x.transferred_at,
        recipient_contact=x.recipient_contact,
        method=x.method,
        retention=x.retention,
        subjects_told_at=x.subjects_told_at,
        subject_count=x.subject_count,
        sensitive=x.sensitive,
        source=x.source,
        id=x.id or 0,
    )


@router.post("/v1/locations", response_model=CreatedId, status_code=201, **needs(P.TRANSFER_WRITE))
def add_location(body: LocationIn, request: Request) -> CreatedId:
    loc = Location(
        body.dataset,
        body.system,
        body.country.upper(),
        body.region,
        tuple(body.categories),
        body.subject_count,
        body.source,
    )
    return CreatedId(id=ledger_of(request).transfers.record_location(loc))


@router.get("/v1/locations", response_model=Page[LocationOut], **needs(P.TRANSFER_READ))
def locations(
    request: Request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=1000)
) -> Page[LocationOut]:
    got = ledger_of(request).transfers.locations(after_id=after, limit=limit)
    return Page[LocationOut](
        items=[_loc(x) for x in got], next_after=got[-1].id if len(got) == limit else None
    )


@router.post("/v1/transfers", response_model=CreatedId, status_code=201, **needs(P.TRANSFER_WRITE))
def add_transfer(body: TransferIn, request: Request) -> CreatedId:
    tr = TransferRecord(
        dataset=body.dataset,
        recipient=body.recipient,
        country=body.country.upper(),
        items=tuple(body.items),
        purpose=body.purpose,
        legal_basis=body.legal_basis,
        transferred_at=body.transferred_at,
        recipient_contact=body.recipient_contact,
        method=body.method,
        retention=body.retention,
        subjects_told_at=body.subjects_told_at,
        subject_count=body.subject_count,
        sensitive=body.sensitive,
        source=body.source,
    )
    return CreatedId(id=ledger_of(request).transfers.record_transfer(tr))


@router.get("/v1/transfers", response_model=Page[TransferOut], **needs(P.TRANSFER_READ))
def transfers(
    request: Request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=1000)
) -> Page[TransferOut]:
    got = ledger_of(request).transfers.transfers(after_id=after, limit=limit)
    return Page[TransferOut](
        items=[_tr(x) for x in got], next_after=got[-1].id if len(got) == limit else None
    )


@router.get("/v1/outside", response_model=OutsideOut, **needs(P.TRANSFER_READ))
def outside(request: Request, home: Annotated[Country, Query()] = "KR") -> OutsideOut:
    """Which personal data is stored in, or transferred to, a country other than ``home``?"""
    r = ledger_of(request).transfers.outside(home.upper())
    return OutsideOut(
        home=r.home,
        countries=list(r.countries),
        locations=[_loc(x) for x in r.locations],
        transfers=[_tr(x) for x in r.transfers],
    )
