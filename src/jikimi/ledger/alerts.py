"""Access-detector alerts kept in the ledger, next to the access log they were raised on,
so the monthly review (PIPC safety measures Art. 8(2)) has one system of record."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, select

from jikimi.ledger.models import WatchAlert

_TABLE = cast(Table, WatchAlert.__table__)


@dataclass(frozen=True, slots=True)
class StoredAlert:
    id: int
    at: datetime
    rule: str
    severity: str
    account: str
    message: str
    records: int
    subjects: int
    evidence: dict[str, Any]


class AlertStore:
    """Append and page through alerts (``alert.to_dict()`` shapes from ``jikimi.watch``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_many(self, alerts: Iterable[Mapping[str, Any]]) -> int:
        now = int(time.time() * 1_000_000)
        rows = [
            {
                "at_us": int(datetime.fromisoformat(a["time"]).timestamp() * 1_000_000),
                "rule": str(a["rule"])[:64],
                "severity": str(a["severity"])[:16],
                "account": str(a["account"])[:256],
                "message": str(a["message"])[:512],
                "records": int(a["records"]),
                "subjects": int(a["subjects"]),
                "evidence": json.dumps(a.get("evidence", {}), sort_keys=True, default=str),
                "recorded_us": now,
            }
            for a in alerts
        ]
        if rows:
            with self._engine.begin() as conn:
                conn.execute(insert(_TABLE), rows)
        return len(rows)

    def list(
        self, *, after: int = 0, limit: int = 100, account: str | None = None
    ) -> list[StoredAlert]:
        """Alerts with ``id > after`` in order (keyset pagination), optionally one account's."""
        q = select(_TABLE).where(_TABLE.c.id > after)
        if account is not None:
            q = q.where(_TABLE.c.account == account)
        with self._engine.connect() as conn:
            rows = conn.execute(q.order_by(_TABLE.c.id).limit(limit)).all()
        return [
            StoredAlert(
                r.id,
                datetime.fromtimestamp(r.at_us / 1_000_000, tz=UTC),
                r.rule,
                r.severity,
                r.account,
                r.message,
                r.records,
                r.subjects,
                json.loads(r.evidence),
            )
            for r in rows
        ]
