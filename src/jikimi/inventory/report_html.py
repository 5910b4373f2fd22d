"""A self-contained HTML report of an inventory: one file, inline CSS and SVG, no scripts.

It opens with what needs action (unique identifiers readable in the clear, sources that
could not be read), then charts of personal-data columns by source and category, then a
table per source. It shows names, counts and reasons, never a value from the data.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from jikimi.catalog import CATALOG
from jikimi.inventory.model import ColumnResult, Inventory, SourceResult, TableResult, sensitivity

CATEGORY_COLOURS = {
    "unique_identifier": "#c0392b",
    "sensitive": "#8e44ad",
    "financial": "#d35400",
    "contact": "#2980b9",
    "online_identifier": "#16a085",
    "general": "#7f8c8d",
    "quasi_identifier": "#f1c40f",
    "free_text": "#34495e",
}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans KR","Noto Sans SC",sans-serif;
margin:2rem;color:#222;max-width:1400px}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
.meta{color:#666}table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}tr.flag td{background:#fdecea}.num{text-align:right}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;color:#fff;font-size:.78rem}
.err{color:#b00020}.ok{color:#2e7d32}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:.4rem;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}details{margin:.4rem 0 1rem}
"""


def _e(v: object) -> str:
    return escape("" if v is None else str(v), quote=True)


def _badge(category: str | None) -> str:
    if category is None:
        return ""
    colour = CATEGORY_COLOURS.get(category, "#999")
    return f'<span class="badge" style="background:{colour}">{_e(category)}</span>'


def _entity_label(c: ColumnResult) -> str:
    if c.entity is not None:
        return f"{_e(CATALOG[c.entity].name_en)} <small>({_e(c.entity.value)})</small>"
    if c.quasi_identifier is not None:
        return f"quasi-identifier: {_e(c.quasi_identifier.value)}"
    if c.text_entities:
        found = ", ".join(f"{e.value}×{n}" for e, n in c.text_entities)
        return f"free text with {_e(found)}"
    return ""


def _rows(t: TableResult) -> str:
    if t.rows_total is None:
        return "unknown"
    return f"{t.rows_total:,}" + ("" if t.rows_exact else " (est.)")


# -- charts -----------------------------------------------------------------------------------


def _stacked_bars(rows: list[tuple[str, Counter[str]]], title: str) -> str:
    """Horizontal stacked bars, one per row label, one segment per category."""
    if not rows:
        return ""
    label_w, bar_w, bar_h, gap = 260, 520, 22, 8
    top = 30
    height = top + len(rows) * (bar_h + gap) + 58
    width = label_w + bar_w + 80
    most = max((sum(c.values()) for _, c in rows), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" aria-label="{_e(title)}">',
        f'<text x="0" y="18" font-weight="bold" font-size="14">{_e(title)}</text>',
    ]
    for i, (label, counts) in enumerate(rows):
        y = top + i * (bar_h + gap)
        short = label if len(label) <= 38 else "…" + label[-37:]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" '
            f'font-size="12">{_e(short)}</text>'
        )
        x = float(label_w)
        for cat, colour in CATEGORY_COLOURS.items():
            n = counts.get(cat, 0)
            if not n:
                continue
            w = bar_w * n / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{_e(cat)}: {n}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="12">'
            f"{sum(counts.values())}</text>"
        )
    ly = top + len(rows) * (bar_h + gap) + 10
    lx = 0
    for cat, colour in CATEGORY_COLOURS.items():
        item = 16 + 7 * len(cat) + 14
        if lx + item > width:  # wrap the legend
            lx, ly = 0, ly + 18
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly + 11}" font-size="11">{_e(cat)}</text>')
        lx += item
    parts.append("</svg>")
    return "".join(parts)


def _bars(counts: Counter[str], title: str, colour_of: dict[str, str]) -> str:
    if not counts:
        return ""
    items = counts.most_common()
    label_w, bar_w, bar_h, gap, top = 260, 420, 18, 6, 30
    height = top + len(items) * (bar_h + gap) + 10
    most = items[0][1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 60}" '
        f'height="{height}" aria-label="{_e(title)}">',
        f'<text x="0" y="18" font-weight="bold" font-size="14">{_e(title)}</text>',
    ]
    for i, (label, n) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = bar_w * n / most
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.75:.0f}" text-anchor="end" '
            f'font-size="12">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{colour_of.get(label, "#7f8c8d")}"><title>{_e(label)}: {n}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.75:.0f}" font-size="12">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# -- sections ---------------------------------------------------------------------------------


def _flagged(inv: Inventory) -> str:
    rows = [(s, t, c) for s, t, c in inv.columns() if c.unprotected_unique_id]
    if not rows:
        return '<p class="ok">No unique identifier was found readable in the clear.</p>'
    out = [
        "<table><tr><th>source</th><th>table</th><th>column</th><th>what</th>"
        "<th>rows</th><th>confidence</th><th>country</th></tr>"
    ]
    for s, t, c in rows:
        out.append(
            f'<tr class="flag"><td>{_e(s.uri)}</td><td>{_e(t.name)}</td><td>{_e(c.name)}</td>'
            f"<td>{_entity_label(c)}</td><td class='num'>{_e(_rows(t))}</td>"
            f"<td class='num'>{c.confidence:.2f}</td><td>{_e(s.country or '')}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _problems(inv: Inventory) -> str:
    items = []
    for s in inv.sources:
        if s.error:
            items.append(f"<li class='err'>{_e(s.error)}</li>")
        for t in s.tables:
            if t.error:
                items.append(f"<li class='err'>{_e(t.error)}</li>")
            for issue in t.issues:
                items.append(f"<li>{_e(s.uri)} {_e(t.name)}: {_e(issue)}</li>")
    if not items:
        return ""
    return "<h2>Problems</h2><ul>" + "".join(items) + "</ul>"


def _changes(inv: Inventory) -> str:
    if not inv.changes:
        return ""
    out = [
        f"<h2>Changes since revision {inv.revision - 1}</h2><table><tr><th>change</th>"
        "<th>source</th><th>table</th><th>column</th><th>detail</th></tr>"
    ]
    for ch in inv.changes:
        out.append(
            f"<tr><td>{_e(ch.kind)}</td><td>{_e(ch.source)}</td><td>{_e(ch.table)}</td>"
            f"<td>{_e(ch.column or '')}</td><td>{_e(ch.detail)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


_COLUMN_HEAD = (
    "<tr><th>column</th><th>type</th><th>holds</th><th>category</th><th>confidence</th>"
    "<th>matched</th><th>checksum</th><th>protection</th><th>PIPA</th><th>PIPL</th>"
    "<th>evidence</th></tr>"
)


def _column_row(c: ColumnResult) -> str:
    sens = sensitivity(c.entity, c.quasi_identifier)
    checksum = "" if c.checksum_share is None else f"{c.checksum_share:.0%}"
    cls = ' class="flag"' if c.unprotected_unique_id else ""
    return (
        f"<tr{cls}><td>{_e(c.name)}</td><td>{_e(c.dtype)}</td><td>{_entity_label(c)}</td>"
        f"<td>{_badge(c.category)}</td><td class='num'>{c.confidence:.2f}</td>"
        f"<td class='num'>{c.match_share:.0%}</td><td class='num'>{checksum}</td>"
        f"<td>{_e(c.protection.value)}</td><td>{_e(sens['pipa'])}</td>"
        f"<td>{_e(sens['pipl'])}</td><td><small>{_e(', '.join(c.evidence))}</small></td></tr>"
    )


def _source_section(s: SourceResult) -> str:
    out = [
        f"<h2>{_e(s.uri)}</h2><p class='meta'>{_e(s.kind)} · host {_e(s.host or '?')}"
        f" · {_e(s.path or '')} · declared country {_e(s.country or 'not declared')}</p>"
    ]
    if s.error:
        out.append(f"<p class='err'>{_e(s.error)}</p>")
    for t in s.tables:
        out.append(
            f"<h3>{_e(t.name)}</h3><p class='meta'>rows {_e(_rows(t))} · sampled "
            f"{t.rows_sampled:,} ({_e(t.sample_method)})</p>"
        )
        if t.error:
            out.append(f"<p class='err'>{_e(t.error)}</p>")
            continue
        personal = [c for c in t.columns if c.is_personal]
        other = [c for c in t.columns if not c.is_personal]
        if personal:
            out.append("<table>" + _COLUMN_HEAD + "".join(_column_row(c) for c in personal))
            out.append("</table>")
        else:
            out.append("<p>No personal data found in the sample.</p>")
        if other:
            out.append(
                f"<details><summary>{len(other)} other column(s)</summary><table>"
                + _COLUMN_HEAD
                + "".join(_column_row(c) for c in other)
                + "</table></details>"
            )
    return "".join(out)


def render(inv: Inventory) -> str:
    """The whole report as one HTML string."""
    cols = inv.columns()
    personal = [c for _, _, c in cols if c.is_personal]
    flagged = [c for _, _, c in cols if c.unprotected_unique_id]
    failed = sum(1 for s in inv.sources if s.error) + sum(
        1 for s in inv.sources for t in s.tables if t.error
    )
    by_source: list[tuple[str, Counter[str]]] = []
    for s in inv.sources:
        cnt: Counter[str] = Counter(c.category for t in s.tables for c in t.columns if c.category)
        by_source.append((s.uri, cnt))
    by_entity: Counter[str] = Counter(c.entity.value for c in personal if c.entity is not None)
    by_entity.update(
        f"QI {c.quasi_identifier.value}"
        for c in personal
        if c.entity is None and c.quasi_identifier is not None
    )
    entity_colours = {
        e.value: CATEGORY_COLOURS.get(CATALOG[e].category.value, "#7f8c8d") for e in CATALOG
    }
    entity_colours.update(
        {
            f"QI {q}": CATEGORY_COLOURS["quasi_identifier"]
            for q in ("birth_date", "gender", "postcode", "region", "age", "job")
        }
    )
    cards = [
        ("sources", len(inv.sources)),
        ("tables", sum(len(s.tables) for s in inv.sources)),
        ("columns", len(cols)),
        ("personal-data columns", len(personal)),
        ("unprotected unique identifiers", len(flagged)),
        ("unreadable sources/tables", failed),
    ]
    body = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Personal data inventory — revision {inv.revision}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Personal data inventory</h1>",
        f"<p class='meta'>revision {inv.revision} · {_e(inv.created_at)} · sample "
        f"{inv.sample_size:,} rows per table, seed {inv.seed}"
        f"{' · jikimi ' + _e(inv.tool_version) if inv.tool_version else ''}</p>",
        "<div class='cards'>"
        + "".join(f"<div class='card'><b>{n:,}</b>{_e(label)}</div>" for label, n in cards)
        + "</div>",
        "<h2>Unique identifiers readable in the clear</h2>",
        _flagged(inv),
        _problems(inv),
        _changes(inv),
        "<h2>Overview</h2>",
        _stacked_bars(by_source, "Personal-data columns by source and category"),
        "<br>",
        _bars(by_entity, "Columns by entity", entity_colours),
    ]
    body.extend(_source_section(s) for s in inv.sources)
    body.append("</body></html>\n")
    return "".join(body)
