"""Consent state machine: grants, withdrawals, refusals, separate consent, profiling, prompts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from jikimi.ledger.consent import ConsentRecord, ConsentStore, Decision, PromptPolicy
from jikimi.ledger.errors import ConsentError, PromptTooSoon

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_grant_then_withdraw_same_call_shape(engine: Engine) -> None:
    store = ConsentStore(engine)
    assert not store.check("s1", "newsletter", "contact.email").allowed
    store.grant("s1", "newsletter", "contact.email", "v1", at=_at(0))
    answer = store.check("s1", "newsletter", "contact.email")
    assert answer.allowed and answer.wording_version == "v1"
    assert answer.decided_at == _at(0)
    store.withdraw("s1", "newsletter", "contact.email", "v1", at=_at(1))
    answer = store.check("s1", "newsletter", "contact.email")
    assert not answer.allowed and answer.reason == "consent withdrawn"
    store.grant("s1", "newsletter", "contact.email", "v2", at=_at(2))
    assert store.check("s1", "newsletter", "contact.email").allowed
    assert [h.decision for h in store.history("s1")] == ["grant", "withdraw", "grant"]


def test_consent_is_per_purpose_and_subject(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "newsletter", "contact.email", "v1")
    assert not store.check("s1", "ads", "contact.email").allowed
    assert not store.check("s2", "newsletter", "contact.email").allowed


def test_parent_category_covers_children_and_latest_wins(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "crm", "contact", "v1", at=_at(0))
    assert store.check("s1", "crm", "contact.phone").allowed
    store.withdraw("s1", "crm", "contact.phone", "v1", at=_at(1))
    assert not store.check("s1", "crm", "contact.phone").allowed
    assert store.check("s1", "crm", "contact.email").allowed
    store.withdraw("s1", "crm", "contact", "v1", at=_at(2))  # broader and newer
    assert not store.check("s1", "crm", "contact.email").allowed
    store.grant("s1", "crm", "contact.email", "v1", at=_at(3))
    assert store.check("s1", "crm", "contact.email").allowed
    assert not store.check("s1", "crm", "contact").allowed


def test_late_decision_does_not_override_newer_state(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.withdraw("s1", "crm", "contact", "v1", at=_at(5))
    store.grant("s1", "crm", "contact", "v1", at=_at(1))  # arrives late from a paper form
    assert not store.check("s1", "crm", "contact").allowed
    assert len(store.history("s1")) == 2


@pytest.mark.parametrize("category", ["sensitive.health", "biometric.face", "unique_id.rrn"])
def test_sensitive_categories_need_separate_consent(engine: Engine, category: str) -> None:
    store = ConsentStore(engine)
    with pytest.raises(ConsentError, match="separate consent"):
        store.grant("s1", "care", category, "v1")
    assert store.history("s1") == []
    store.grant("s1", "care", category, "v1", separate=True)
    assert store.check("s1", "care", category).allowed


def test_general_grant_never_covers_sensitive(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "care", "contact", "v1")
    assert not store.check("s1", "care", "sensitive.health").allowed


def test_withdraw_of_sensitive_needs_no_flag(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "care", "biometric", "v1", separate=True, at=_at(0))
    assert store.check("s1", "care", "biometric.face").allowed
    store.withdraw("s1", "care", "biometric", "v1", at=_at(1))
    assert not store.check("s1", "care", "biometric.face").allowed


def test_profiling_refusal_is_separate(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "ads", "behaviour", "v1")
    assert store.check("s1", "ads", "behaviour", profiling=True).allowed
    store.set_profiling_objection("s1", True, at=_at(1))
    answer = store.check("s1", "ads", "behaviour", profiling=True)
    assert not answer.allowed and "profiling" in answer.reason
    assert store.check("s1", "ads", "behaviour").allowed  # non-profiling use still fine
    store.set_profiling_objection("s1", False, at=_at(2))
    assert store.check("s1", "ads", "behaviour", profiling=True).allowed


def test_wording_version_must_match_when_asked(engine: Engine) -> None:
    store = ConsentStore(engine)
    store.grant("s1", "crm", "contact", "2025-01")
    assert store.check("s1", "crm", "contact", wording_version="2025-01").allowed
    answer = store.check("s1", "crm", "contact", wording_version="2026-01")
    assert not answer.allowed and "wording" in answer.reason


def test_refusal_blocks_prompts_for_cooldown(engine: Engine) -> None:
    store = ConsentStore(engine, PromptPolicy(after_refusal=timedelta(hours=48)))
    store.record_prompt("s1", "ads", at=_at(0))
    store.record(ConsentRecord("s1", "ads", "behaviour", Decision.REFUSE, "v1", at=_at(0.1)))
    answer = store.may_prompt("s1", "ads", now=_at(24))
    assert not answer.allowed and answer.next_allowed_at == _at(48.1)
    with pytest.raises(PromptTooSoon):
        store.record_prompt("s1", "ads", at=_at(24))
    assert store.may_prompt("s1", "other", now=_at(24)).allowed
    assert store.may_prompt("s1", "ads", now=_at(48.2)).allowed


def test_prompt_count_limit_in_window(engine: Engine) -> None:
    store = ConsentStore(engine, PromptPolicy(max_prompts=2, window=timedelta(days=7)))
    store.record_prompt("s1", "ads", at=_at(0))
    store.record_prompt("s1", "ads", at=_at(24))
    answer = store.may_prompt("s1", "ads", now=_at(48))
    assert not answer.allowed and answer.next_allowed_at == _at(24 * 7)
    assert store.may_prompt("s1", "ads", now=_at(24 * 7 + 1)).allowed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject_id": ""},
        {"subject_id": "x" * 200},
        {"category": "Contact Email"},
        {"purpose": "a b"},
        {"wording_version": ""},
    ],
)
def test_bad_records_are_rejected(sqlite_engine: Engine, kwargs: dict[str, str]) -> None:
    args = {"subject_id": "s1", "purpose": "crm", "category": "contact", "wording_version": "v1"}
    args.update(kwargs)
    with pytest.raises(ConsentError) as err:
        ConsentStore(sqlite_engine).grant(**args)
    assert "x" * 50 not in str(err.value)


def test_naive_instant_rejected(sqlite_engine: Engine) -> None:
    with pytest.raises(Exception, match="timezone"):
        ConsentStore(sqlite_engine).grant("s1", "crm", "contact", "v1", at=datetime(2026, 1, 1))


def test_history_paginates(sqlite_engine: Engine) -> None:
    store = ConsentStore(sqlite_engine)
    for i in range(5):
        store.grant("s1", "crm", f"c{i}", "v1")
    first = store.history("s1", limit=2)
    rest = store.history("s1", limit=10, after_id=first[-1].id)
    assert [h.category for h in first + rest] == [f"c{i}" for i in range(5)]
