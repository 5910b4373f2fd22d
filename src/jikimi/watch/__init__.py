"""Watch access: detect bulk extraction and misuse of employee accounts in access logs."""

from jikimi.watch.alerts import Alert, Rule, Severity
from jikimi.watch.events import AccessEvent, Action
from jikimi.watch.ingest import FieldMap, IngestStats, load_mapping, read_events
from jikimi.watch.review import Review
from jikimi.watch.rules import RoleRules, WatchRules, load_rules, parse_rules
from jikimi.watch.sinks import AlertSink, JsonLinesSink, WebhookSink
from jikimi.watch.watcher import Watcher

__all__ = [
    "AccessEvent",
    "Action",
    "Alert",
    "AlertSink",
    "FieldMap",
    "IngestStats",
    "JsonLinesSink",
    "Review",
    "RoleRules",
    "Rule",
    "Severity",
    "WatchRules",
    "Watcher",
    "WebhookSink",
    "load_mapping",
    "load_rules",
    "parse_rules",
    "read_events",
]
