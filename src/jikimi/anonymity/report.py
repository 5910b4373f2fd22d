"""Reports of an anonymization: JSON for machines, one self-contained HTML page for people.

The HTML page has no scripts and loads nothing: charts are inline SVG, so it can be
attached to an adequacy review (PIPC guideline stage 4, GB/T 37964 step 4) as it is.
Neither format contains data values, only figures.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jikimi.anonymity.result import AnonymizationResult
from jikimi.anonymity.risk import LinkageSummary, RiskSummary
from jikimi.reports.atomic import atomic_write_text


def build_report(
    result: AnonymizationResult,
    *,
    source: str | None = None,
    linkage_before: LinkageSummary | None = None,
    linkage_after: LinkageSummary | None = None,
) -> dict[str, Any]:
    """The JSON document: configuration, chosen levels, utility, search figures, risk."""
    report: dict[str, Any] = {"kind": "jikimi.anonymization", "version": 1}
    if source:
        report["source"] = source
    report.update(result.summary())
    if linkage_before or linkage_after:
        report["linkage"] = {
            "before": linkage_before.as_dict() if linkage_before else None,
            "after": linkage_after.as_dict() if linkage_after else None,
        }
    return report


def risk_report(
    summary: RiskSummary, quasi_identifiers: Sequence[str], linkage: LinkageSummary | None
) -> dict[str, Any]:
    """The JSON document of ``jikimi risk``."""
    return {
        "kind": "jikimi.risk",
        "version": 1,
        "quasi_identifiers": list(quasi_identifiers),
        "risk": summary.as_dict(),
        "linkage": linkage.as_dict() if linkage else None,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def _bars(title: str, series: Mapping[str, Mapping[str, float]], percent: bool = False) -> str:
    """A grouped bar chart: categories on x, one bar per series (before/after)."""
    names = list(series)
    categories: list[str] = []
    for values in series.values():
        for category in values:
            if category not in categories:
                categories.append(category)
    peak = max((v for values in series.values() for v in values.values()), default=0.0) or 1.0
    colors = ("#c0392b", "#2874a6", "#7d3c98")
    width, height, left, bottom = 640, 240, 48, 40
    group = (width - left - 10) / max(len(categories), 1)
    bar = group * 0.8 / max(len(names), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 30}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="14" font-size="13" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
        f'y2="{height - bottom}" stroke="#444"/>',
    ]
    usable = height - bottom - 24
    for c_index, category in enumerate(categories):
        x0 = left + c_index * group + group * 0.1
        for s_index, name in enumerate(names):
            value = float(series[name].get(category, 0.0))
            h = usable * value / peak
            x = x0 + s_index * bar
            y = height - bottom - h
            label = f"{value:.1%}" if percent else f"{value:,.0f}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{colors[s_index % len(colors)]}">'
                f"<title>{html.escape(name)}: {label}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group * 0.4:.1f}" y="{height - bottom + 14}" font-size="10" '
            f'text-anchor="middle">{html.escape(category)}</text>'
        )
    for s_index, name in enumerate(names):
        x = left + s_index * 110
        parts.append(
            f'<rect x="{x}" y="{height + 8}" width="10" height="10" '
            f'fill="{colors[s_index % len(colors)]}"/>'
            f'<text x="{x + 14}" y="{height + 17}" font-size="11">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(rows: Sequence[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(_fmt(value))}</td></tr>"
        for name, value in rows
    )
    return f"<table>{cells}</table>"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;"
    "padding:.25rem .6rem;text-align:left}th{background:#f4f4f4;font-weight:600}"
    "svg{max-width:100%;height:auto;margin:1rem 0}"
)


def _risk_rows(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    keys = (
        "records",
        "classes",
        "prosecutor_highest",
        "prosecutor_average",
        "journalist_highest",
        "journalist_average",
        "marketer",
        "unique_share",
        "above_threshold_share",
    )
    head = "<tr><th>figure</th><th>before</th><th>after</th></tr>"
    body = "".join(
        f"<tr><th>{key.replace('_', ' ')}</th><td>{_fmt((before or {}).get(key, '-'))}</td>"
        f"<td>{_fmt((after or {}).get(key, '-'))}</td></tr>"
        for key in keys
    )
    return f"<table>{head}{body}</table>"


def render_html(report: Mapping[str, Any]) -> str:
    """One page with the scheme, utility, search figures and before/after risk charts."""
    title = (
        "jikimi anonymization report"
        if report.get("kind") == "jikimi.anonymization"
        else "jikimi risk report"
    )
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>",
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>",
    ]
    if "source" in report:
        parts.append(f"<p>Source: {html.escape(str(report['source']))}</p>")
    if report.get("kind") == "jikimi.anonymization":
        config = report["configuration"]
        parts.append("<h2>Configuration</h2>")
        parts.append(_table([(k, v) for k, v in config.items() if k != "hierarchy_heights"]))
        parts.append("<h2>Chosen generalization</h2>")
        heights = config.get("hierarchy_heights", {})
        parts.append(
            _table(
                [
                    (qi, f"level {lv} of {heights.get(qi, '?') - 1}")
                    for qi, lv in report["levels"].items()
                ]
            )
        )
        parts.append("<h2>Utility</h2>")
        parts.append(_table(list(report["utility"].items())))
        parts.append("<h2>Search</h2>")
        parts.append(_table(list(report["search"].items())))
        before, after = report.get("risk_before"), report.get("risk_after")
    else:
        parts.append(_table([("quasi-identifiers", report.get("quasi_identifiers", []))]))
        before, after = report.get("risk"), None
    parts.append("<h2>Re-identification risk</h2>")
    parts.append(_risk_rows(before, after))
    sizes: dict[str, dict[str, float]] = {}
    if before:
        sizes["before"] = {k: float(v) for k, v in before["class_sizes"].items()}
    if after:
        sizes["after"] = {k: float(v) for k, v in after["class_sizes"].items()}
    if sizes:
        parts.append(_bars("Records by equivalence-class size", sizes))
        shares: dict[str, dict[str, float]] = {}
        for name, summary in (("before", before), ("after", after)):
            if summary:
                shares[name] = {
                    "highest (prosecutor)": summary["prosecutor_highest"],
                    "average (prosecutor)": summary["prosecutor_average"],
                    "marketer": summary["marketer"],
                    "unique records": summary["unique_share"],
                    f"risk > {summary['threshold']:g}": summary["above_threshold_share"],
                }
        parts.append(_bars("Risk before and after", shares, percent=True))
    linkage = report.get("linkage")
    if linkage:
        parts.append("<h2>Linkage with the attacker's table</h2>")
        if "before" in linkage or "after" in linkage:
            for name in ("before", "after"):
                if linkage.get(name):
                    parts.append(f"<h3>{name}</h3>" + _table(list(linkage[name].items())))
        else:
            parts.append(_table(list(linkage.items())))
    parts.append("</body></html>")
    return "".join(parts)


def write_reports(report: Mapping[str, Any], base: Path) -> tuple[Path, Path]:
    """``base.json`` and ``base.html``, each written atomically."""
    stem = base.with_suffix("") if base.suffix.lower() in (".json", ".html") else base
    json_path = stem.with_name(stem.name + ".json")
    html_path = stem.with_name(stem.name + ".html")
    write_atomic(json_path, json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    write_atomic(html_path, render_html(report))
    return json_path, html_path
