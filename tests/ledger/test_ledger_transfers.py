"""Storage locations and transfers; the 'outside KR' query; yearly export counters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from jikimi.ledger.errors import LedgerError
from jikimi.ledger.transfers import Location, TransferRecord, TransferRegister


def _transfer(**kw: object) -> TransferRecord:
    base: dict[str, object] = {
        "dataset": "crm.customers",
        "recipient": "Support Co",
        "country": "US",
        "items": ("name", "email"),
        "purpose": "customer support",
        "legal_basis": "kr.consent",
        "transferred_at": datetime(2026, 2, 1, tzinfo=UTC),
        "subject_count": 100,
    }
    base.update(kw)
    return TransferRecord(**base)  # type: ignore[arg-type]


def test_outside_kr(engine: Engine) -> None:
    reg = TransferRegister(engine)
    reg.record_location(Location("crm.customers", "pg-seoul", "KR", "ap-northeast-2"))
    reg.record_location(
        Location("crm.backup", "s3", "jp", "ap-northeast-1", ("contact",), source="backup")
    )
    reg.record_transfer(_transfer())
    reg.record_transfer(_transfer(country="KR", recipient="Local Co", legal_basis="domestic"))
    out = reg.outside("KR")
    assert [loc.dataset for loc in out.locations] == ["crm.backup"]
    assert out.locations[0].categories == ("contact",)
    assert [t.recipient for t in out.transfers] == ["Support Co"]
    assert out.countries == ("JP", "US")
    assert len(reg.transfers()) == 2 and len(reg.locations()) == 2


def test_yearly_export_counter(engine: Engine) -> None:
    reg = TransferRegister(engine)
    reg.record_transfer(
        _transfer(country="SG", subject_count=60_000, legal_basis="cn.certification")
    )
    reg.record_transfer(
        _transfer(country="SG", subject_count=50_000, legal_basis="cn.certification")
    )
    reg.record_transfer(
        _transfer(country="SG", subject_count=5, sensitive=True, legal_basis="cn.standard_contract")
    )
    reg.record_transfer(
        _transfer(country="SG", subject_count=7, transferred_at=datetime(2025, 12, 31, tzinfo=UTC))
    )
    assert reg.exported_subjects(2026, "CN") == {"sensitive": 5, "other": 110_000}


@pytest.mark.parametrize(
    "kw",
    [
        {"country": "USA"},
        {"legal_basis": "because"},
        {"items": ()},
        {"transferred_at": datetime(2026, 1, 1)},
    ],
)
def test_bad_transfers_rejected(sqlite_engine: Engine, kw: dict[str, object]) -> None:
    with pytest.raises(LedgerError):
        TransferRegister(sqlite_engine).record_transfer(_transfer(**kw))
    assert TransferRegister(sqlite_engine).transfers() == []
