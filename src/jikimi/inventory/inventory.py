"""The saved inventory: versioned JSON, and what changed since the previous save.

Saving over an earlier inventory bumps its revision and records the differences in the
new file, so "what personal data appeared since last month" is one field away. Files
are written to a temporary name and renamed: a crash never leaves half an inventory.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from jikimi.errors import InputError
from jikimi.inventory.model import Change, ColumnResult, Inventory
from jikimi.reports.atomic import atomic_write


class InventoryFileError(InputError):
    """An inventory file exists but is not one this version can read."""


def load(path: str | Path) -> Inventory:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return Inventory.from_dict(data)
    except FileNotFoundError:
        raise InventoryFileError(f"{p}: no such inventory file") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InventoryFileError(f"{p}: not JSON; not a jikimi inventory") from None
    except (ValueError, KeyError, TypeError) as e:
        raise InventoryFileError(f"{p}: {e}") from None


def _signature(c: ColumnResult) -> dict[str, object]:
    return {
        "entity": None if c.entity is None else c.entity.value,
        "quasi_identifier": None if c.quasi_identifier is None else c.quasi_identifier.value,
        "protection": c.protection.value,
        "text_entities": sorted(e.value for e, _ in c.text_entities),
    }


def diff(old: Inventory, new: Inventory) -> tuple[Change, ...]:
    """Tables and columns added, removed, or classified differently."""

    def index(inv: Inventory) -> dict[tuple[str, str], dict[str, ColumnResult]]:
        return {
            (s.uri, t.name): {c.name: c for c in t.columns}
            for s in inv.sources
            for t in s.tables
            if t.error is None
        }

    before, after = index(old), index(new)
    failed_now = {(s.uri, t.name) for s in new.sources for t in s.tables if t.error}
    failed_now |= {(s.uri, "*") for s in new.sources if s.error}
    out: list[Change] = []
    for key in sorted(after.keys() - before.keys()):
        out.append(Change("added", key[0], key[1], None, f"{len(after[key])} columns"))
    for key in sorted(before.keys() - after.keys()):
        if key in failed_now or (key[0], "*") in failed_now:
            continue  # not readable this time: unknown, not removed
        out.append(Change("removed", key[0], key[1], None))
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        for name in [n for n in b if n not in a]:
            what = b[name].entity or b[name].quasi_identifier
            out.append(Change("added", key[0], key[1], name, "" if what is None else str(what)))
        for name in [n for n in a if n not in b]:
            out.append(Change("removed", key[0], key[1], name))
        for name in [n for n in b if n in a]:
            sa, sb = _signature(a[name]), _signature(b[name])
            parts = [f"{k}: {sa[k]} -> {sb[k]}" for k in sa if sa[k] != sb[k]]
            if parts:
                out.append(Change("changed", key[0], key[1], name, "; ".join(parts)))
    return tuple(out)


def write_text(path: str | Path, text: str) -> None:
    """Write a whole file or nothing (creating its directory), via the reports' writer."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)

    def write(fh: TextIO) -> None:
        fh.write(text)

    atomic_write(p, write)


def save(inv: Inventory, path: str | Path, previous: Inventory | None = None) -> Inventory:
    """Save ``inv``; if ``path`` (or ``previous``) holds an earlier inventory, record the
    differences and bump the revision. Returns the inventory as saved."""
    p = Path(path)
    if previous is None and p.exists():
        previous = load(p)
    if previous is not None:
        inv = replace(inv, revision=previous.revision + 1, changes=diff(previous, inv))
    write_text(p, json.dumps(inv.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return inv
