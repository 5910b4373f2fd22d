"""The canonical byte form of an access-log entry and its chained hash.

Fields are joined with the ASCII unit separator in a fixed order; text fields may not contain
the separators (the writer rejects them), so the form is unambiguous without escaping and is
cheap enough to verify hundreds of thousands of entries per second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

GENESIS = "0" * 64
VERSION = "jikimi.access.v1"
_US = "\x1f"
_RS = "\x1e"
_FORBIDDEN = (_US, _RS)

# Column order of the canonical form; verification reads rows in exactly this order.
CANONICAL_COLUMNS = (
    "seq",
    "ts_us",
    "actor",
    "action",
    "resource",
    "purpose",
    "subject_count",
    "subject_refs",
    "fields",
    "location",
    "reason",
    "prev_hash",
)


def has_separator(text: str) -> bool:
    return _US in text or _RS in text


def encode_list(items: Sequence[str]) -> str:
    """Lists (fields, subject refs) are stored as compact JSON, kept verbatim in the hash."""
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))


def entry_hash(values: Sequence[object]) -> str:
    """SHA-256 over the canonical form of one entry (values in CANONICAL_COLUMNS order).

    Written out as one f-string because verification runs it once per stored entry.
    """
    s, ts, ac, an, rs, pu, sc, sr, fi, lo, re, pr = values
    body = f"{VERSION}\x1e{s}\x1f{ts}\x1f{ac}\x1f{an}\x1f{rs}\x1f{pu}\x1f{sc}\x1f{sr}\x1f{fi}\x1f{lo}\x1f{re}\x1f{pr}"  # noqa: E501
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def checkpoint_message(seq: int, head_hash: str, ts_us: int) -> bytes:
    """What a checkpoint signs: the chain position, its hash and when it was taken."""
    return f"jikimi.checkpoint.v1{_RS}{seq}{_US}{head_hash}{_US}{ts_us}".encode()
