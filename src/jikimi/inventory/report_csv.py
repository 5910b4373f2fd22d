"""The inventory as CSV: one row per column, for spreadsheets and data catalogues.

Column and table names come from the scanned data, so any that a spreadsheet would run
as a formula (starting with ``= + - @``) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from jikimi.inventory.model import Inventory, sensitivity

FIELDS = (
    "source",
    "kind",
    "host",
    "country",
    "table",
    "rows_total",
    "rows_exact",
    "rows_sampled",
    "sample_method",
    "column",
    "dtype",
    "entity",
    "category",
    "quasi_identifier",
    "confidence",
    "match_share",
    "checksum_share",
    "protection",
    "free_text",
    "text_entities",
    "unprotected_unique_id",
    "pipa",
    "pipl",
    "evidence",
    "error",
)


def _safe(v: object) -> str:
    s = "" if v is None else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def render(inv: Inventory) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FIELDS)
    for s in inv.sources:
        base = [s.uri, s.kind, s.host, s.country]
        if s.error:
            w.writerow([_safe(v) for v in [*base, *[""] * (len(FIELDS) - 5), s.error]])
        for t in s.tables:
            tb = [t.name, t.rows_total, t.rows_exact, t.rows_sampled, t.sample_method]
            if t.error:
                pad = [""] * (len(FIELDS) - len(base) - len(tb) - 1)
                w.writerow([_safe(v) for v in [*base, *tb, *pad, t.error]])
                continue
            for c in t.columns:
                sens = sensitivity(c.entity, c.quasi_identifier)
                row = [
                    *base,
                    *tb,
                    c.name,
                    c.dtype,
                    c.entity,
                    c.category,
                    c.quasi_identifier,
                    c.confidence,
                    c.match_share,
                    c.checksum_share,
                    c.protection.value,
                    c.free_text,
                    ";".join(f"{e.value}:{n}" for e, n in c.text_entities),
                    c.unprotected_unique_id,
                    sens["pipa"],
                    sens["pipl"],
                    "; ".join(c.evidence),
                    "",
                ]
                w.writerow([_safe(v) for v in row])
    return buf.getvalue()
