"""The ledger's own access log feeds the watcher."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy")

from jikimi.ledger import Ledger
from jikimi.ledger.accesslog import AccessEvent as LedgerEvent
from jikimi.ledger.accesslog import Action as LedgerAction
from jikimi.watch import Action, RoleRules, Rule, Watcher, WatchRules
from jikimi.watch.ledger_source import events_from_ledger


def test_ledger_entries_become_events_and_alerts(tmp_path: Path) -> None:
    ledger = Ledger.open(str(tmp_path / "ledger.db"))
    try:
        t0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
        ledger.access_log.append_many(
            LedgerEvent(
                actor="kim",
                action=LedgerAction.VIEW,
                resource="waybills",
                purpose="delivery",
                subject_count=1,
                subject_refs=(str(1000 + i),),
                fields=("name", "phone"),
                location="10.0.0.5",
                at=t0 + dt.timedelta(seconds=i),
            )
            for i in range(30)
        )
        ledger.access_log.append(
            LedgerEvent(
                actor="kim",
                action=LedgerAction.DOWNLOAD,
                resource="waybills",
                purpose="delivery",
                subject_count=500,
                location="10.0.0.5",
                at=t0 + dt.timedelta(minutes=5),
            )
        )
        events = list(events_from_ledger(ledger.access_log, batch=7, roles={"kim": "driver"}))
    finally:
        ledger.close()
    assert len(events) == 31
    assert events[0].account == "kim" and events[0].role == "driver"
    assert events[0].subject_ids == ("1000",) and events[0].fields == {"name", "phone"}
    assert events[-1].action is Action.DOWNLOAD and events[-1].records == 500
    assert events[-1].purpose is None  # a download with no recorded reason
    rules = WatchRules(default=RoleRules(enumeration_run=20, export_reason_records=100))
    watcher = Watcher(rules)
    fired = {a.rule for e in events for a in watcher.observe(e)}
    assert {Rule.ENUMERATION, Rule.EXPORT_WITHOUT_REASON} <= fired


def test_cli_reads_the_ledger(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from jikimi.cli.main import cli

    db = tmp_path / "ledger.db"
    ledger = Ledger.open(str(db))
    try:
        ledger.access_log.append(
            LedgerEvent(
                actor="lee",
                action=LedgerAction.DOWNLOAD,
                resource="orders",
                purpose="report",
                subject_count=5000,
                location="10.0.0.9",
                at=dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC),
            )
        )
    finally:
        ledger.close()
    res = CliRunner().invoke(cli, ["watch", "--ledger", str(db)])
    assert res.exit_code == 1, res.output
    assert "export-without-reason" in res.stdout
    res = CliRunner().invoke(cli, ["watch"])
    assert res.exit_code == 2 and "--ledger" in res.output


def test_alerts_are_kept_in_the_ledger(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from jikimi.cli.main import cli

    log = tmp_path / "a.jsonl"
    t0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    log.write_text(
        json.dumps({"time": t0.isoformat(), "account": "park", "action": "export", "records": 900})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "alerts.db"
    res = CliRunner().invoke(cli, ["watch", str(log), "--to-ledger", str(db)])
    assert res.exit_code == 1, res.output
    ledger = Ledger.open(str(db))
    try:
        (stored,) = ledger.alerts.list()
        assert stored.rule == "export-without-reason" and stored.account == "park"
        assert stored.at == t0 and stored.evidence["records"] == 900
        assert ledger.alerts.list(after=stored.id) == []
        assert ledger.alerts.list(account="nobody") == []
    finally:
        ledger.close()
