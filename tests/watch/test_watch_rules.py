"""Each detector on hand-made events, rules parsing, ingest, sinks, review and CLI."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from jikimi.cli.main import cli
from jikimi.errors import InputError, UsageError
from jikimi.watch import (
    AccessEvent,
    Action,
    FieldMap,
    IngestStats,
    Review,
    RoleRules,
    Rule,
    Watcher,
    WatchRules,
    WebhookSink,
    parse_rules,
    read_events,
)
from jikimi.watch.ingest import parse_time

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul, a Monday


def ev(minutes: float = 0, **kw: object) -> AccessEvent:
    base: dict[str, object] = {"time": T0 + dt.timedelta(minutes=minutes), "account": "a1"}
    base.update(kw)
    return AccessEvent(**base)  # type: ignore[arg-type]


def rules_of(alerts: list) -> set[Rule]:  # type: ignore[type-arg]
    return {a.rule for a in alerts}


def test_volume_uses_the_floor_then_fires_once_a_day() -> None:
    w = Watcher(WatchRules(default=RoleRules(daily_min_records=100)))
    assert w.observe(ev(0, records=100)) == []
    first = w.observe(ev(1, records=1))
    assert rules_of(first) == {Rule.VOLUME}
    assert first[0].evidence["records_today"] == 101
    assert Rule.VOLUME not in rules_of(w.observe(ev(2, records=500)))


def test_volume_against_own_baseline() -> None:
    w = Watcher(
        WatchRules(
            default=RoleRules(
                daily_min_records=50, baseline_days=3, own_factor=2, window_max_subjects=None
            )
        )
    )
    for d in range(3):
        assert w.observe(ev(d * 1440, records=40)) == []
    assert w.observe(ev(3 * 1440, records=79)) == []  # limit is max(floor 50, 2 x 40)
    assert Rule.VOLUME in rules_of(w.observe(ev(3 * 1440 + 1, records=2)))


def test_export_without_reason_and_with_reason() -> None:
    w = Watcher(WatchRules(default=RoleRules(export_reason_records=10)))
    assert rules_of(w.observe(ev(0, action=Action.EXPORT, records=10))) == {
        Rule.EXPORT_WITHOUT_REASON
    }
    assert w.observe(ev(1, action=Action.EXPORT, records=10, purpose="audit #12")) == []
    assert w.observe(ev(2, action=Action.VIEW, records=10)) == []


def test_distinct_subjects_window_slides() -> None:
    w = Watcher(WatchRules(default=RoleRules(window_max_subjects=100, window_minutes=10)))
    assert w.observe(ev(0, records=60)) == []
    assert w.observe(ev(11, records=60)) == []  # the first left the window
    assert Rule.DISTINCT_SUBJECTS in rules_of(w.observe(ev(12, records=60)))


def test_enumeration_needs_a_run() -> None:
    w = Watcher(WatchRules(default=RoleRules(enumeration_run=5)))
    out = []
    for i, sid in enumerate(["100", "101", "102", "500", "501", "502", "503", "504", "505"]):
        out += w.observe(ev(i, subject_ids=(sid,)))
    assert rules_of(out) == {Rule.ENUMERATION}


def test_off_hours_holidays_and_weekends() -> None:
    night = ev(0).time.replace(hour=16)  # 01:00 Seoul
    w = Watcher(WatchRules(holidays=frozenset({dt.date(2026, 11, 3)})))
    assert rules_of(w.observe(AccessEvent(night, "a"))) == {Rule.OFF_HOURS}
    holiday = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
    assert rules_of(w.observe(AccessEvent(holiday, "b"))) == {Rule.OFF_HOURS}
    sunday = dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
    assert rules_of(w.observe(AccessEvent(sunday, "c"))) == {Rule.OFF_HOURS}


def test_concurrent_sources_and_dhcp_moves() -> None:
    w = Watcher()
    assert w.observe(ev(0, source="10.1.1.5")) == []
    assert w.observe(ev(1, source="10.1.1.77")) == []  # same /24
    out = w.observe(ev(2, source="211.36.140.7"))
    assert Rule.CONCURRENT_SOURCES in rules_of(out)


def test_new_source_after_history_and_dormant_wakeup() -> None:
    w = Watcher(WatchRules(default=RoleRules(new_source_after_days=2, dormant_days=20)))
    w.observe(ev(0, source="10.0.0.1"))
    assert rules_of(w.observe(ev(3 * 1440, source="10.9.9.9"))) == {Rule.NEW_SOURCE}
    assert Rule.DORMANT_WAKEUP in rules_of(w.observe(ev(30 * 1440, source="10.9.9.9")))


def test_fields_outside_the_role() -> None:
    w = Watcher(WatchRules(roles={"driver": RoleRules(allowed_fields=frozenset({"phone"}))}))
    assert w.observe(ev(0, role="driver", fields=frozenset({"phone"}))) == []
    out = w.observe(ev(1, role="driver", fields=frozenset({"phone", "rrn"})))
    assert rules_of(out) == {Rule.FIELDS_OUTSIDE_ROLE}
    assert out[0].evidence["fields"] == ["rrn"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"default": {"daily_min": 3}}, "unknown setting 'daily_min'"),
        ({"default": {"own_factor": "x"}}, "expected a number"),
        ({"default": {"own_factor": -1}}, "must not be negative"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"roles": {"d": {"workdays": [9]}}}, "weekday numbers"),
        ({"holidays": ["11/11"]}, "YYYY-MM-DD"),
        ({"extra": 1}, "unknown section"),
        ([1, 2], "expected a mapping"),
    ],
)
def test_bad_rules_are_clear_usage_errors(raw: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_rules(raw)


def test_roles_inherit_the_default() -> None:
    rules = parse_rules({"default": {"daily_min_records": 10}, "roles": {"x": {"own_factor": 2}}})
    assert rules.for_role("x").daily_min_records == 10
    assert rules.for_role("x").own_factor == 2
    assert rules.for_role("other").daily_min_records == 10


def test_ingest_csv_and_jsonl_with_mapping(tmp_path: Path) -> None:
    csv_path = tmp_path / "log.csv"
    csv_path.write_text(
        "when,who,what,n,ip\n2026-11-02T10:00:00+09:00,kim,조회,3,10.0.0.1\n"
        "bad-time,kim,view,1,10.0.0.1\n1793577600000,lee,dl,7,10.0.0.2\n",
        encoding="utf-8",
    )
    fmap = FieldMap(
        {"time": "when", "account": "who", "action": "what", "records": "n", "source": "ip"}
    )
    stats = IngestStats()
    events = list(read_events(csv_path, fmap, stats))
    assert [(e.account, e.action, e.records) for e in events] == [
        ("kim", Action.VIEW, 3),
        ("lee", Action.DOWNLOAD, 7),
    ]
    assert stats.bad_lines == [3]
    assert events[0].time == dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    jl = tmp_path / "log.jsonl"
    jl.write_text('{"time": 1793577600, "account": "a"}\n[1]\n{broken\n', encoding="utf-8")
    stats = IngestStats()
    assert [e.account for e in read_events(jl, stats=stats)] == ["a"]
    assert stats.bad_lines == [2, 3]


def test_ingest_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read_events(tmp_path / "missing.jsonl"))
    with pytest.raises(UsageError, match="unknown event field"):
        FieldMap({"who": "user"})
    assert parse_time("2026-11-02T01:00:00").tzinfo is not None


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []  # type: ignore[type-arg]  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhook_delivers_and_failures_do_not_raise() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.handle_request, daemon=True).start()
    w = Watcher(WatchRules(default=RoleRules(export_reason_records=1)))
    (alert,) = w.observe(ev(0, action=Action.EXPORT, records=5))
    WebhookSink(f"http://127.0.0.1:{server.server_port}/hook").send(alert)
    server.server_close()
    assert _Hook.received[-1]["rule"] == "export-without-reason"
    warnings: list[str] = []
    dead = WebhookSink(
        f"http://127.0.0.1:{server.server_port}/hook", timeout=0.5, warn=warnings.append
    )
    dead.send(alert)
    dead.send(alert)
    assert dead.failures == 2 and len(warnings) == 1
    with pytest.raises(UsageError):
        WebhookSink("ftp://x")


def test_review_lists_alerts_and_exports_without_reason() -> None:
    review = Review()
    w = Watcher(WatchRules(default=RoleRules(export_reason_records=1)))
    for e in (ev(0, records=3), ev(1, action=Action.EXPORT, records=9, account="<b>x</b>")):
        review.observe(e)
        review.add_alerts(w.observe(e))
    page = review.render()
    assert "export-without-reason" in page and "no reason recorded" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_cli_exit_codes_and_review(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = [
        {
            "time": (T0 + dt.timedelta(minutes=i)).isoformat(),
            "account": "kim",
            "action": "export",
            "records": 500,
        }
        for i in range(3)
    ]
    log.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    review = tmp_path / "review.html"
    res = runner.invoke(cli, ["watch", str(log), "--review", str(review)])
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout.splitlines()[0])["rule"] == "export-without-reason"
    assert review.read_text(encoding="utf-8").startswith("<!doctype html>")
    res = runner.invoke(cli, ["watch", str(log), "--no-fail-on-alert"])
    assert res.exit_code == 0
    res = runner.invoke(cli, ["watch", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2 and "no such file" in res.output
    bad = tmp_path / "rules.yaml"
    bad.write_text("default:\n  nope: 1\n", encoding="utf-8")
    res = runner.invoke(cli, ["watch", str(log), "--rules", str(bad)])
    assert res.exit_code == 2 and "unknown setting 'nope'" in res.output
    assert "Traceback" not in res.output
