"""Display masks: how a value is shown when it must be shown at all.

These are the catalogue's defaults for previews (scan tables, reports). They follow
shared/reference/masking-conventions.md: separators are kept so the shape stays
readable, and masking works on code points, never bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MASK_CHAR = "*"


class MaskStyle(StrEnum):
    ENDS = "ends"  # keep the first/last N significant characters
    NAME = "name"  # keep the first character and, for 3+ chars, the last
    EMAIL = "email"  # keep the first N characters of the local part
    ADDRESS = "address"  # keep the leading administrative tokens
    IP = "ip"  # hide the third IPv4 octet / last IPv6 group
    ALL = "all"  # hide everything but separators


@dataclass(frozen=True, slots=True)
class MaskRule:
    """A display mask; ``keep_first``/``keep_last`` count significant characters only."""

    style: MaskStyle = MaskStyle.ENDS
    keep_first: int = 0
    keep_last: int = 0

    def apply(self, value: str, char: str = MASK_CHAR) -> str:
        match self.style:
            case MaskStyle.ENDS:
                return _mask_ends(value, self.keep_first, self.keep_last, char)
            case MaskStyle.NAME:
                return _mask_name(value, char)
            case MaskStyle.EMAIL:
                return _mask_email(value, self.keep_first, char)
            case MaskStyle.ADDRESS:
                return _mask_address(value, self.keep_first, char)
            case MaskStyle.IP:
                return _mask_ip(value, char)
            case MaskStyle.ALL:
                return _mask_ends(value, 0, 0, char)
        raise AssertionError(self.style)  # pragma: no cover


def _significant(c: str) -> bool:
    return c.isalnum()


def _mask_ends(value: str, first: int, last: int, char: str) -> str:
    total = sum(1 for c in value if _significant(c))
    if first + last >= total:
        # Too short to keep that much: keep at most one character at each end.
        first, last = min(first, max(total - 1, 0) // 2), 0
    out, seen = [], 0
    for c in value:
        if _significant(c):
            out.append(c if seen < first or seen >= total - last else char)
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def _mask_name(value: str, char: str) -> str:
    chars = [c for c in value if not c.isspace()]
    if len(chars) <= 1:
        return char * len(value)
    if " " in value.strip():  # Latin-script name: keep the first word's initial only
        words = value.split(" ")
        return " ".join(w[:1] + char * (len(w) - 1) if w else w for w in words)
    if len(value) == 2:
        return value[0] + char
    return value[0] + char * (len(value) - 2) + value[-1]


def _mask_email(value: str, keep: int, char: str) -> str:
    local, sep, domain = value.partition("@")
    if not sep:
        return _mask_ends(value, keep, 0, char)
    shown = min(keep, max(len(local) - 1, 0))
    return local[:shown] + char * (len(local) - shown) + "@" + domain


def _mask_address(value: str, keep_tokens: int, char: str) -> str:
    tokens = value.split(" ")
    if len(tokens) <= keep_tokens:
        head_len = max(len(value) // 2, 1)
        return value[:head_len] + "".join(char if _significant(c) else c for c in value[head_len:])
    kept = tokens[:keep_tokens]
    rest = ["".join(char if _significant(c) else c for c in t) for t in tokens[keep_tokens:]]
    return " ".join(kept + rest)


def _mask_ip(value: str, char: str) -> str:
    if "." in value and ":" not in value:
        parts = value.split(".")
        if len(parts) == 4:
            parts[2] = char * len(parts[2])
            return ".".join(parts)
    if ":" in value:
        head, _, tail = value.rpartition(":")
        return head + ":" + char * len(tail)
    return _mask_ends(value, 0, 0, char)
