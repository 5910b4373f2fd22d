"""The monthly access review (Korean safety-measure rules Art. 8(2)): one self-contained
HTML page per period with every account's access, the alerts, and the exports whose
reason must be checked. No script, no external assets: it opens anywhere, offline."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from jikimi.watch.alerts import Alert, Severity
from jikimi.watch.events import AccessEvent


@dataclass(slots=True)
class Review:
    """Totals gathered while events stream past, rendered at the end."""

    accounts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    roles: dict[str, str] = field(default_factory=dict)
    daily: Counter[dt.date] = field(default_factory=Counter)
    exports: list[AccessEvent] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    def observe(self, ev: AccessEvent) -> None:
        c = self.accounts[ev.account]
        c["events"] += 1
        c["records"] += ev.records
        c[ev.action.value] += ev.records
        if ev.role:
            self.roles[ev.account] = ev.role
        self.daily[ev.time.date()] += ev.records
        if ev.action.takes_data_out:
            self.exports.append(ev)
        self.first = ev.time if self.first is None or ev.time < self.first else self.first
        self.last = ev.time if self.last is None or ev.time > self.last else self.last

    def add_alerts(self, alerts: Iterable[Alert]) -> None:
        self.alerts.extend(alerts)

    def render(self, title: str = "Monthly access review") -> str:
        e = html.escape
        days = sorted(self.daily)
        peak = max(self.daily.values(), default=1) or 1
        bars = "".join(
            f'<rect x="{i * 14}" y="{100 - 100 * self.daily[d] / peak:.1f}" width="12" '
            f'height="{100 * self.daily[d] / peak:.1f}"><title>{d}: {self.daily[d]}</title></rect>'
            for i, d in enumerate(days)
        )
        sev = Counter(a.severity for a in self.alerts)
        alert_rows = "".join(
            f"<tr class='{a.severity.value}'><td>{e(a.time.isoformat(timespec='minutes'))}</td>"
            f"<td>{e(a.account)}</td><td>{e(a.rule.value)}</td><td>{e(a.severity.value)}</td>"
            f"<td>{a.records}</td><td>{e(a.message)}</td></tr>"
            for a in sorted(self.alerts, key=lambda a: (a.severity != Severity.CRITICAL, a.time))
        )
        top = sorted(self.accounts.items(), key=lambda kv: -kv[1]["records"])
        acct_rows = "".join(
            f"<tr><td>{e(acct)}</td><td>{e(self.roles.get(acct, ''))}</td><td>{c['events']}</td>"
            f"<td>{c['records']}</td><td>{c['export'] + c['download'] + c['print']}</td></tr>"
            for acct, c in top
        )
        export_rows = "".join(
            f"<tr><td>{e(x.time.isoformat(timespec='minutes'))}</td><td>{e(x.account)}</td>"
            f"<td>{e(x.action.value)}</td><td>{x.records}</td>"
            f"<td>{e(x.purpose or '— no reason recorded —')}</td></tr>"
            for x in self.exports
        )
        period = (
            f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"
            if self.first and self.last
            else "no events"
        )
        return f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px}}
.critical{{background:#fdd}}.warning{{background:#ffd}}
svg rect{{fill:#4a7}}</style>
<h1>{e(title)}</h1><p>Period {e(period)} · {len(self.accounts)} accounts ·
{sum(c["records"] for c in self.accounts.values())} records ·
alerts: {sev[Severity.CRITICAL]} critical, {sev[Severity.WARNING]} warning,
{sev[Severity.INFO]} info</p>
<h2>Records per day</h2><svg width="{14 * max(len(days), 1)}" height="100">{bars}</svg>
<h2>Alerts</h2><table><tr><th>time</th><th>account</th><th>rule</th><th>severity</th>
<th>records today</th><th>why</th></tr>{alert_rows}</table>
<h2>Exports, downloads and prints (check the reason)</h2><table><tr><th>time</th><th>account</th>
<th>action</th><th>records</th><th>reason</th></tr>{export_rows}</table>
<h2>Accounts</h2><table><tr><th>account</th><th>role</th><th>events</th><th>records</th>
<th>records exported</th></tr>{acct_rows}</table></html>
"""
