"""A simulated month at a courier: every injected attack is caught, soon, and the clean
accounts raise no warnings."""

from __future__ import annotations

from collections import Counter

import pytest

from jikimi.testing.courier import Month, courier_rules, simulate
from jikimi.watch import Alert, Rule, Severity, Watcher


@pytest.fixture(scope="module")
def month() -> Month:
    return simulate(days=30, seed=11)


@pytest.fixture(scope="module")
def alerts(month: Month) -> list[Alert]:
    return list(Watcher(courier_rules()).run(month.events))


def _first(alerts: list[Alert], month: Month, kind: str, rules: set[Rule]) -> Alert:
    attack = next(a for a in month.attacks if a.kind == kind)
    hits = [
        a
        for a in alerts
        if a.account == attack.account and a.rule in rules and a.time >= attack.start
    ]
    assert hits, f"{kind} was not detected by {sorted(rules)}"
    return hits[0]


def test_the_month_is_realistic(month: Month) -> None:
    assert len(month.accounts) >= 250
    roles = Counter(month.accounts.values())
    assert set(roles) == {"dispatcher", "customer_service", "driver", "analyst", "admin"}
    assert len(month.events) > 300_000
    assert {a.kind for a in month.attacks} == {
        "slow-extraction",
        "burst-export",
        "credential-sharing",
        "enumeration",
    }


def test_slow_extraction_is_caught_before_20000_records_leave(
    month: Month, alerts: list[Alert]
) -> None:
    first = _first(alerts, month, "slow-extraction", {Rule.VOLUME, Rule.DISTINCT_SUBJECTS})
    leaked = month.attacker_records_before("slow-extraction", first.time)
    assert leaked < 20_000
    assert first.severity is Severity.CRITICAL


def test_burst_export_without_reason(month: Month, alerts: list[Alert]) -> None:
    first = _first(alerts, month, "burst-export", {Rule.EXPORT_WITHOUT_REASON})
    assert first.evidence["records"] >= 10_000
    assert month.attacker_records_before("burst-export", first.time) <= 10_000


def test_credential_sharing(month: Month, alerts: list[Alert]) -> None:
    first = _first(alerts, month, "credential-sharing", {Rule.CONCURRENT_SOURCES})
    assert len(first.evidence["networks"]) == 2


def test_enumeration(month: Month, alerts: list[Alert]) -> None:
    first = _first(alerts, month, "enumeration", {Rule.ENUMERATION})
    assert month.attacker_records_before("enumeration", first.time) <= 60


def test_clean_accounts_raise_no_warnings(month: Month, alerts: list[Alert]) -> None:
    attackers = {a.account for a in month.attacks}
    clean = [a for a in alerts if a.account not in attackers]
    assert [a for a in clean if a.severity is not Severity.INFO] == []
    # informational alerts (overtime, new networks) stay rare: under one per account-month
    assert len(clean) < len(month.accounts)
