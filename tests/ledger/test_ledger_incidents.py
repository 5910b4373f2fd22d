"""Breach obligations and deadlines across laws, time zones, weekends and DST; incident steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from jikimi.ledger.errors import IncidentError, NotFound
from jikimi.ledger.incidents import IncidentStore
from jikimi.ledger.notices import render
from jikimi.ledger.obligations import Cause, IncidentFacts, Law, Timing, obligations
from jikimi.types import EntityId, Finding

SEOUL = ZoneInfo("Asia/Seoul")
BRUSSELS = ZoneInfo("Europe/Brussels")


def _facts(**kw: object) -> IncidentFacts:
    base: dict[str, object] = {
        "title": "CRM export on public bucket",
        "aware_at": datetime(2026, 3, 27, 18, 0, tzinfo=SEOUL),  # a Friday evening
        "subject_count": 10,
        "categories": ("contact.email",),
        "countries": ("KR",),
    }
    base.update(kw)
    return IncidentFacts(**base)  # type: ignore[arg-type]


def _by_key(facts: IncidentFacts) -> dict[str, object]:
    return {o.key: o for o in obligations(facts)}


def test_pipa_subjects_72h_across_weekend_in_seoul() -> None:
    ob = _by_key(_facts())["PIPA.subjects"]
    assert ob.required and ob.timing is Timing.HOURS_72  # type: ignore[attr-defined]
    assert ob.due_local == datetime(2026, 3, 30, 18, 0, tzinfo=SEOUL)  # type: ignore[attr-defined]
    assert ob.due_local.strftime("%A") == "Monday"  # type: ignore[attr-defined]


def test_aware_time_given_in_other_zone_gives_same_instant() -> None:
    a = _facts(aware_at=datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    b = _facts(aware_at=datetime(2026, 3, 27, 18, 0, tzinfo=SEOUL))
    assert _by_key(a)["PIPA.subjects"].due == _by_key(b)["PIPA.subjects"].due  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kw", "required"),
    [
        ({}, False),
        ({"subject_count": 999}, False),
        ({"subject_count": 1000}, True),
        ({"categories": ("sensitive.health",)}, True),
        ({"categories": ("KR_RRN",)}, True),  # a catalogue unique identifier
        ({"categories": ("EMAIL",)}, False),
        ({"cause": Cause.EXTERNAL_ATTACK}, True),
        ({"cause": Cause.EXTERNAL_ATTACK, "mitigated": True}, False),
    ],
)
def test_pipa_regulator_report_thresholds(kw: dict[str, object], required: bool) -> None:
    ob = _by_key(_facts(**kw))["PIPA.regulator"]
    assert ob.required is required  # type: ignore[attr-defined]
    assert (ob.due is not None) is required  # type: ignore[attr-defined]


def test_gdpr_72h_across_dst_change_in_authority_zone() -> None:
    # Friday 10:00 CET; clocks go forward on Sunday 29 March 2026.
    facts = _facts(countries=("DE",), aware_at=datetime(2026, 3, 27, 10, 0, tzinfo=BRUSSELS))
    obs = _by_key(facts)
    auth = obs["GDPR.authority"]
    assert auth.due - facts.aware_at == timedelta(hours=72)  # type: ignore[attr-defined]
    assert auth.due_local == datetime(2026, 3, 30, 11, 0, tzinfo=BRUSSELS)  # type: ignore[attr-defined]
    assert auth.due_local.utcoffset() == timedelta(hours=2)  # type: ignore[attr-defined]
    assert obs["GDPR.subjects"].timing is Timing.WITHOUT_UNDUE_DELAY  # type: ignore[attr-defined]


def test_gdpr_low_risk_and_mitigated() -> None:
    obs = _by_key(_facts(countries=("FR",), high_risk=False))
    assert obs["GDPR.authority"].required and not obs["GDPR.subjects"].required  # type: ignore[attr-defined]
    obs = _by_key(_facts(countries=("FR",), mitigated=True))
    assert not obs["GDPR.authority"].required  # type: ignore[attr-defined]


def test_pipl_immediately_and_mitigation() -> None:
    obs = _by_key(_facts(countries=("CN",)))
    assert obs["PIPL.authority"].timing is Timing.IMMEDIATELY  # type: ignore[attr-defined]
    assert obs["PIPL.authority"].tz == "Asia/Shanghai"  # type: ignore[attr-defined]
    assert obs["PIPL.individuals"].required  # type: ignore[attr-defined]
    obs = _by_key(_facts(countries=("CN",), mitigated=True))
    assert obs["PIPL.authority"].required and not obs["PIPL.individuals"].required  # type: ignore[attr-defined]


def test_several_laws_apply_together() -> None:
    keys = set(_by_key(_facts(countries=("kr", "CN", "IE", "US"))))
    assert {k.split(".")[0] for k in keys} == {"PIPA", "PIPL", "GDPR"}
    assert set(_by_key(_facts(countries=("US",), laws=(Law.GDPR,)))) == {
        "GDPR.authority",
        "GDPR.subjects",
    }


def test_bad_facts_rejected() -> None:
    with pytest.raises(IncidentError):
        _facts(aware_at=datetime(2026, 1, 1))
    with pytest.raises(IncidentError):
        _facts(authority_tz="Mars/Olympus")
    with pytest.raises(IncidentError):
        _facts(subject_count=-1)


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_notices_render_in_each_language(lang: str) -> None:
    facts = _facts(categories=("KR_RRN", "contact.email"), controller="ACME", contact="dpo@acme")
    text = render(facts, "subjects", lang)
    assert "$" not in text and "ACME" in text and "dpo@acme" in text
    label = {
        "ko": "주민등록번호",
        "zh": "韩国居民登记号",
        "en": "Korean resident registration number",
    }
    assert label[lang] in text
    report = render(facts, "regulator", lang, _by_key(facts)["PIPA.subjects"])  # type: ignore[arg-type]
    assert "10" in report and "$" not in report
    if lang == "ko":
        assert "2026-03-27 18:00 KST" in text


def test_incident_lifecycle(engine: Engine) -> None:
    store = IncidentStore(engine)
    rec = store.open(_facts(subject_count=5000, controller="ACME"), opened_by="dpo")
    assert rec.status == "open"
    assert [s.obligation.key for s in rec.steps] == ["PIPA.subjects", "PIPA.regulator"]
    due = rec.steps[0].obligation.due
    assert due == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert rec.steps[0].overdue(due + timedelta(seconds=1))  # type: ignore[operator]
    with pytest.raises(IncidentError, match=r"PIPA\.subjects, PIPA\.regulator"):
        store.close(rec.id, by="dpo")
    store.complete_step(rec.id, "PIPA.subjects", by="dpo", note="e-mail + SMS")
    with pytest.raises(IncidentError, match="already done"):
        store.complete_step(rec.id, "PIPA.subjects", by="dpo")
    with pytest.raises(NotFound):
        store.complete_step(rec.id, "GDPR.authority", by="dpo")
    store.complete_step(rec.id, "PIPA.regulator", by="dpo")
    closed = store.close(rec.id, by="dpo")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(IncidentError):
        store.complete_step(rec.id, "PIPA.subjects", by="dpo")
    assert [n.lang for n in store.notices(rec.id)] == ["ko", "ko"]
    assert store.incidents(status="closed")[0].id == rec.id
    assert store.incidents(status="open") == []
    with pytest.raises(NotFound):
        store.get(999)


def test_open_from_findings(sqlite_engine: Engine) -> None:
    findings = [
        Finding(EntityId.KR_RRN, 0, 14, 1.0, "900101-1234567", "kr_rrn"),
        Finding(EntityId.KR_RRN, 20, 34, 1.0, "900101-1234567", "kr_rrn"),
        Finding(EntityId.EMAIL, 40, 50, 0.9, "a@b.example", "email"),
    ]
    store = IncidentStore(sqlite_engine)
    rec = store.open_from_findings(
        findings,
        title="dump found",
        aware_at=datetime(2026, 5, 1, tzinfo=UTC),
        countries=("KR",),
        opened_by="scanner",
    )
    assert rec.facts.categories == ("KR_RRN", "EMAIL")
    assert rec.facts.subject_count == 2
    assert rec.facts.found_how == "jikimi scan"
    assert {s.obligation.key for s in rec.steps if s.obligation.required} == {
        "PIPA.subjects",
        "PIPA.regulator",
    }


def test_incident_needs_countries(sqlite_engine: Engine) -> None:
    with pytest.raises(IncidentError):
        IncidentStore(sqlite_engine).open(_facts(countries=()), opened_by="x")
