"""Register of where personal data is stored and to whom it is transferred.

Fields follow PIPA Art. 28-8(2) (items, country, time and method, recipient and contact,
purpose, retention) and PIPL Arts. 38-39 (legal route, separate consent). The inventory and
backup commands call :meth:`TransferRegister.record_location` so the register stays current;
:meth:`TransferRegister.outside` answers "which personal data sits outside KR?".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert, select

from jikimi.ledger.db import now_us, write_tx
from jikimi.ledger.errors import LedgerError
from jikimi.ledger.models import StorageLocation, Transfer

_LOC = cast(Table, StorageLocation.__table__)
_TR = cast(Table, Transfer.__table__)
_COUNTRY = re.compile(r"^[A-Z]{2}$")

LEGAL_BASES = frozenset(
    {
        # PIPA Art. 28-8(1)
        "kr.consent",
        "kr.law_or_treaty",
        "kr.contract_disclosed",
        "kr.certification",
        "kr.adequacy",
        # PIPL Art. 38(1)
        "cn.security_assessment",
        "cn.certification",
        "cn.standard_contract",
        "cn.other_law",
        # GDPR Arts. 45-49
        "eu.adequacy",
        "eu.sccs",
        "eu.bcrs",
        "eu.derogation",
        "domestic",
    }
)


def _us(at: datetime | None) -> int | None:
    if at is None:
        return None
    if at.tzinfo is None:
        raise LedgerError("instants must be timezone-aware")
    return int(at.timestamp() * 1_000_000)


def _dt(us: int | None) -> datetime | None:
    return None if us is None else datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _country(code: str) -> str:
    code = code.upper()
    if not _COUNTRY.match(code):
        raise LedgerError("country must be an ISO 3166 alpha-2 code")
    return code


@dataclass(frozen=True, slots=True)
class Location:
    """A dataset stored in a system in a country."""

    dataset: str
    system: str
    country: str
    region: str = ""
    categories: tuple[str, ...] = ()
    subject_count: int = 0
    source: str = "manual"  # manual | inventory | backup
    id: int | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TransferRecord:
    """A transfer of a dataset to a recipient (PIPA 28-8(2), PIPL 39 items)."""

    dataset: str
    recipient: str
    country: str
    items: tuple[str, ...]
    purpose: str
    legal_basis: str
    transferred_at: datetime
    recipient_contact: str = ""
    method: str = ""
    retention: str = ""
    subjects_told_at: datetime | None = None
    subject_count: int = 0
    sensitive: bool = False
    source: str = "manual"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class OutsideReport:
    """Personal data held or sent outside one country."""

    home: str
    locations: tuple[Location, ...]
    transfers: tuple[TransferRecord, ...]

    @property
    def countries(self) -> tuple[str, ...]:
        found = {x.country for x in self.locations} | {x.country for x in self.transfers}
        return tuple(sorted(found))


class TransferRegister:
    """Storage locations and transfers of one ledger database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_location(self, loc: Location) -> int:
        if not loc.dataset or not loc.system:
            raise LedgerError("a location needs a dataset and a system")
        with write_tx(self._engine) as conn:
            return int(
                conn.execute(
                    insert(_LOC)
                    .values(
                        dataset=loc.dataset,
                        system=loc.system,
                        country=_country(loc.country),
                        region=loc.region,
                        categories=json.dumps(list(loc.categories)),
                        subject_count=loc.subject_count,
                        source=loc.source,
                        recorded_us=now_us(),
                    )
                    .returning(_LOC.c.id)
                ).scalar_one()
            )

    def record_transfer(self, tr: TransferRecord) -> int:
        if tr.legal_basis not in LEGAL_BASES:
            raise LedgerError("unknown legal basis; use one of: " + ", ".join(sorted(LEGAL_BASES)))
        if not tr.dataset or not tr.recipient or not tr.purpose or not tr.items:
            raise LedgerError("a transfer needs dataset, recipient, purpose and items")
        with write_tx(self._engine) as conn:
            return int(
                conn.execute(
                    insert(_TR)
                    .values(
                        dataset=tr.dataset,
                        recipient=tr.recipient,
                        recipient_contact=tr.recipient_contact,
                        country=_country(tr.country),
                        items=json.dumps(list(tr.items)),
                        purpose=tr.purpose,
                        legal_basis=tr.legal_basis,
                        method=tr.method,
                        retention=tr.retention,
                        transferred_us=_us(tr.transferred_at),
                        subjects_told_us=_us(tr.subjects_told_at),
                        subject_count=tr.subject_count,
                        sensitive=tr.sensitive,
                        source=tr.source,
                        recorded_us=now_us(),
                    )
                    .returning(_TR.c.id)
                ).scalar_one()
            )

    def locations(self, after_id: int = 0, limit: int = 100) -> list[Location]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_LOC).where(_LOC.c.id > after_id).order_by(_LOC.c.id).limit(limit)
            ).all()
        return [_location(r) for r in rows]

    def transfers(self, after_id: int = 0, limit: int = 100) -> list[TransferRecord]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_TR).where(_TR.c.id > after_id).order_by(_TR.c.id).limit(limit)
            ).all()
        return [_transfer(r) for r in rows]

    def outside(self, home: str = "KR") -> OutsideReport:
        """Every stored location and transfer whose country is not ``home``."""
        home = _country(home)
        with self._engine.connect() as conn:
            locs = conn.execute(
                select(_LOC).where(_LOC.c.country != home).order_by(_LOC.c.id)
            ).all()
            trs = conn.execute(select(_TR).where(_TR.c.country != home).order_by(_TR.c.id)).all()
        return OutsideReport(home, tuple(map(_location, locs)), tuple(map(_transfer, trs)))

    def exported_subjects(self, year: int, country: str = "CN") -> dict[str, int]:
        """Subjects exported from ``country`` since 1 January of ``year`` (CAC thresholds).

        Returns ``{"sensitive": n, "other": m}``, summed over transfers recorded with a
        destination other than ``country``.
        """
        start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
        end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_TR.c.sensitive, func.sum(_TR.c.subject_count))
                .where(
                    _TR.c.country != _country(country),
                    _TR.c.transferred_us >= start,
                    _TR.c.transferred_us < end,
                )
                .group_by(_TR.c.sensitive)
            ).all()
        out = {"sensitive": 0, "other": 0}
        for sensitive, total in rows:
            out["sensitive" if sensitive else "other"] += int(total or 0)
        return out


def _location(r: Any) -> Location:
    return Location(
        dataset=r.dataset,
        system=r.system,
        country=r.country,
        region=r.region,
        categories=tuple(json.loads(r.categories)),
        subject_count=int(r.subject_count),
        source=r.source,
        id=int(r.id),
        recorded_at=_dt(r.recorded_us),
    )


def _transfer(r: Any) -> TransferRecord:
    return TransferRecord(
        dataset=r.dataset,
        recipient=r.recipient,
        country=r.country,
        items=tuple(json.loads(r.items)),
        purpose=r.purpose,
        legal_basis=r.legal_basis,
        transferred_at=cast(datetime, _dt(r.transferred_us)),
        recipient_contact=r.recipient_contact,
        method=r.method,
        retention=r.retention,
        subjects_told_at=_dt(r.subjects_told_us),
        subject_count=int(r.subject_count),
        sensitive=bool(r.sensitive),
        source=r.source,
        id=int(r.id),
    )
