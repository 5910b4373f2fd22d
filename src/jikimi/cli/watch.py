"""``jikimi watch``: run the access detectors over log files, once or following them."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from jikimi.reports.atomic import atomic_write_text
from jikimi.watch import (
    AccessEvent,
    AlertSink,
    FieldMap,
    IngestStats,
    JsonLinesSink,
    Review,
    Severity,
    Watcher,
    WebhookSink,
    load_mapping,
    load_rules,
    read_events,
)
from jikimi.watch.ingest import to_event
from jikimi.watch.sinks import LedgerSink

_SEVERITY_ORDER = [Severity.INFO, Severity.WARNING, Severity.CRITICAL]


def _follow(path: Path, fmap: FieldMap, stats: IngestStats, poll: float) -> Iterator[AccessEvent]:
    """New JSON lines appended to ``path``, as ``tail -f`` would show them."""
    import json

    with path.open(encoding="utf-8") as fh:
        fh.seek(0, os.SEEK_END)
        buf = ""
        while True:
            chunk = fh.readline()
            if not chunk:
                time.sleep(poll)
                continue
            buf += chunk
            if not buf.endswith("\n"):
                continue
            line, buf = buf, ""
            stats.lines += 1
            try:
                yield to_event(json.loads(line), fmap)
                stats.events += 1
            except (ValueError, KeyError, TypeError):
                stats.bad_lines.append(stats.lines)


@click.command("watch")
@click.argument("logs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="YAML/JSON thresholds per role (see docs/watch.md).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(path_type=Path),
    help="YAML/JSON map of event field -> log column.",
)
@click.option(
    "--min-severity",
    type=click.Choice([s.value for s in _SEVERITY_ORDER]),
    default="warning",
    show_default=True,
    help="Alerts below this are not printed.",
)
@click.option("--webhook", help="POST every printed alert as JSON to this URL.")
@click.option(
    "--review",
    "review_path",
    type=click.Path(path_type=Path),
    help="Write the monthly access review (HTML) here.",
)
@click.option("--follow", is_flag=True, help="Keep reading lines appended to the (one) log.")
@click.option(
    "--to-ledger",
    "to_ledger",
    help="Also keep every printed alert in this ledger (SQLite path or URL).",
)
@click.option(
    "--ledger",
    "ledger_url",
    help="Also read jikimi's own access log from this ledger (SQLite path or URL).",
)
@click.option(
    "--fail-on-alert/--no-fail-on-alert",
    default=True,
    show_default=True,
    help="Exit 1 when any alert at or over --min-severity fired.",
)
def watch(
    logs: tuple[Path, ...],
    rules_path: Path | None,
    mapping_path: Path | None,
    min_severity: str,
    webhook: str | None,
    review_path: Path | None,
    follow: bool,
    to_ledger: str | None,
    ledger_url: str | None,
    fail_on_alert: bool,
) -> None:
    """Detect bulk extraction and account misuse in access logs (JSONL or CSV).

    Events must be in time order per file; alerts print as JSON lines on stdout.
    """
    if not logs and not ledger_url:
        raise click.UsageError("give at least one access log or --ledger")
    if follow and len(logs) != 1:
        raise click.UsageError("--follow reads exactly one log")
    for p in logs:
        if not p.is_file():
            raise click.UsageError(f"no such file: {p}")
    rules = load_rules(rules_path) if rules_path else None
    fmap = load_mapping(mapping_path) if mapping_path else FieldMap()
    watcher = Watcher(rules)
    sinks: list[AlertSink] = [JsonLinesSink(sys.stdout)]
    if webhook:
        sinks.append(WebhookSink(webhook))
    ledger = _open_ledger(to_ledger, migrate=True) if to_ledger else None
    if ledger is not None:
        sinks.append(LedgerSink(ledger.alerts))
    floor = _SEVERITY_ORDER.index(Severity(min_severity))
    review = Review() if review_path else None
    stats = IngestStats()
    fired = 0

    def events() -> Iterator[AccessEvent]:
        if follow:
            yield from _follow(logs[0], fmap, stats, 0.5)
        for p in logs:
            yield from read_events(p, fmap, stats)
        if ledger_url:
            yield from _ledger_events(ledger_url, stats)

    try:
        for ev in events():
            if review is not None:
                review.observe(ev)
            for alert in watcher.observe(ev):
                if review is not None:
                    review.add_alerts([alert])
                if _SEVERITY_ORDER.index(alert.severity) >= floor:
                    fired += 1
                    for sink in sinks:
                        sink.send(alert)
    except KeyboardInterrupt:
        pass
    finally:
        if ledger is not None:
            ledger.close()
    if review is not None and review_path is not None:
        atomic_write_text(review_path, review.render())
    click.echo(
        f"{stats.events} events, {len(stats.bad_lines)} unreadable lines"
        + (f" (first at line {stats.bad_lines[0]})" if stats.bad_lines else "")
        + f", {fired} alerts at or over {min_severity}",
        err=True,
    )
    if fired and fail_on_alert:
        sys.exit(1)


def _open_ledger(url: str, *, migrate: bool) -> Any:
    try:
        from jikimi.ledger import Ledger
    except ModuleNotFoundError as exc:
        raise click.UsageError('the ledger needs pip install "jikimi[server]"') from exc
    return Ledger.open(url, migrate=migrate)


def _ledger_events(url: str, stats: IngestStats) -> Iterator[AccessEvent]:
    from jikimi.watch.ledger_source import events_from_ledger

    ledger = _open_ledger(url, migrate=False)
    try:
        for ev in events_from_ledger(ledger.access_log):
            stats.events += 1
            yield ev
    finally:
        ledger.close()


COMMANDS: list[click.Command] = [watch]
