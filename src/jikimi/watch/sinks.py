"""Where alerts go: a JSON-lines stream, a webhook, or any callable (the ledger plugs in
here). A failing webhook is reported once per failure kind and never stops the watch."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TextIO

from jikimi.watch.alerts import Alert


class AlertSink(Protocol):
    def send(self, alert: Alert) -> None: ...


class JsonLinesSink:
    """One JSON object per alert."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, alert: Alert) -> None:
        self.stream.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
        self.stream.flush()


class WebhookSink:
    """POSTs each alert as JSON; failures are counted, not raised."""

    def __init__(
        self, url: str, timeout: float = 5.0, warn: Callable[[str], None] | None = None
    ) -> None:
        if not url.startswith(("http://", "https://")):
            from jikimi.errors import UsageError

            raise UsageError("the webhook URL must start with http:// or https://")
        self.url = url
        self.timeout = timeout
        self.failures = 0
        self._warn = warn or (lambda msg: print(msg, file=sys.stderr))

    def send(self, alert: Alert) -> None:
        body = json.dumps(alert.to_dict(), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            self.failures += 1
            if self.failures == 1:
                self._warn(f"webhook delivery failed ({type(exc).__name__}); alerts still printed")


class LedgerSink:
    """Keeps every alert in the ledger's alert table (``jikimi.ledger``), where the
    monthly review finds them next to the access log."""

    def __init__(self, store: _AlertStore) -> None:
        self.store = store

    def send(self, alert: Alert) -> None:
        self.store.add_many([alert.to_dict()])


class _AlertStore(Protocol):
    def add_many(self, alerts: Iterable[Mapping[str, Any]]) -> int: ...
