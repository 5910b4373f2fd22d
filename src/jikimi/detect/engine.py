"""The scan engine: every recognizer's patterns in one Hyperscan database, linear time.

Hyperscan (an automata engine) cannot backtrack, so no input can make a scan
super-linear. It reports byte offsets in UTF-8; the engine converts them to code-point
offsets. Long texts are scanned in windows that overlap by more than the longest
candidate plus the context width, so a value that straddles a window boundary is found
exactly once, whether the text is in memory or streamed from a file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import hyperscan

from jikimi.detect.context import nearest, window_of
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.types import Finding

CHUNK_CHARS = 1 << 20   # characters scanned per window
OVERLAP_CHARS = 1024    # shared by neighbouring windows: > MAX_MATCH + context width
MAX_MATCH_CHARS = 256   # candidates longer than this are not personal data of any kind we know


@dataclass(frozen=True, slots=True)
class _Compiled:
    recognizer: Recognizer
    pattern: Pattern
    left: re.Pattern[str] | None
    right: re.Pattern[str] | None


def _wrap(p: Pattern) -> str:
    left = f"(?:^|[^{p.left}])" if p.left else ""
    right = f"(?:[^{p.right}]|$)" if p.right else ""
    return f"{left}(?:{p.regex}){right}"


class Engine:
    """A compiled set of recognizers. Build once, scan many texts; not shared across processes."""

    def __init__(self, recognizers: Iterable[Recognizer]) -> None:
        self.recognizers = tuple(recognizers)
        self._table: list[_Compiled] = []
        for r in self.recognizers:
            for p in r.patterns:
                self._table.append(
                    _Compiled(
                        r,
                        p,
                        re.compile(f"[{p.left}]") if p.left else None,
                        re.compile(f"[{p.right}]") if p.right else None,
                    )
                )
        self._db: hyperscan.Database | None = None
        if self._table:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flags = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
            exprs = [_wrap(c.pattern).encode("utf-8") for c in self._table]
            try:
                db.compile(
                    expressions=exprs,
                    ids=list(range(len(exprs))),
                    elements=len(exprs),
                    flags=[flags] * len(exprs),
                )
            except hyperscan.error as exc:  # a broken pattern is a programming error
                raise ValueError(f"cannot compile recognizer patterns: {exc}") from exc
            self._db = db
            self._scratch = hyperscan.Scratch(db)

    # -- public -----------------------------------------------------------------------------

    def scan(self, text: str) -> list[Finding]:
        """All findings in ``text``, sorted by start, overlaps resolved."""
        return list(self.scan_stream((text,)))

    def scan_stream(self, pieces: Iterable[str]) -> Iterator[Finding]:
        """Findings over text arriving in pieces; offsets are relative to the whole text."""
        buf = ""
        base = 0  # global offset of buf[0]
        done = 0  # global offset: findings starting before it have been emitted
        for piece in pieces:
            if not piece:
                continue
            buf += piece
            while base + len(buf) - done >= CHUNK_CHARS + OVERLAP_CHARS:
                yield from self._window(buf, base, done, done + CHUNK_CHARS, final=False)
                done += CHUNK_CHARS
                cut = done - OVERLAP_CHARS - base
                if cut > 0:
                    buf = buf[cut:]
                    base += cut
        yield from self._window(buf, base, done, base + len(buf), final=True)

    # -- internals ----------------------------------------------------------------------------

    def _window(self, buf: str, base: int, cs: int, ce: int, *, final: bool) -> Iterator[Finding]:
        """Scan buf around [cs, ce) (global offsets) and yield findings starting in it."""
        if self._db is None or ce <= cs and not final:
            return
        ws = max(base, cs - OVERLAP_CHARS)
        we = base + len(buf) if final else min(base + len(buf), ce + OVERLAP_CHARS)
        window = buf[ws - base : we - base]
        found = self._candidates(window)
        for f in _resolve(found):
            gstart = f.start + ws
            if cs <= gstart < ce or (final and gstart >= cs):
                yield Finding(
                    f.entity, gstart, f.end + ws, f.score, f.text, f.recognizer, f.explanation
                )

    def _candidates(self, text: str) -> list[Finding]:
        data = text.encode("utf-8")
        hits: list[tuple[int, int, int]] = []
        assert self._db is not None
        self._db.scan(
            data,
            match_event_handler=lambda i, s, e, _f, _c: hits.append((s, e, i)),
            scratch=self._scratch,
        )
        if not hits:
            return []
        to_char = _offset_map(data, text, hits)
        seen: set[tuple[int, int, int]] = set()
        out: list[Finding] = []
        n = len(text)
        for bs, be, pid in hits:
            c = self._table[pid]
            s, e = to_char[bs], to_char[be]
            if c.left is not None and s < n and not c.left.match(text[s]):
                s += 1
            if c.right is not None and e > 0 and not c.right.match(text[e - 1]):
                e -= 1
            if e - s > MAX_MATCH_CHARS or e <= s:
                continue
            key = (s, e, id(c.recognizer))
            if key in seen:
                continue
            seen.add(key)
            f = _evaluate(c, text, s, e)
            if f is not None:
                out.append(f)
        return out


def _offset_map(data: bytes, text: str, hits: list[tuple[int, int, int]]) -> dict[int, int]:
    """Byte offset -> code-point offset for every offset a hit mentions."""
    offsets = sorted({o for s, e, _ in hits for o in (s, e)})
    if len(data) == len(text):  # pure ASCII: bytes are characters
        return {o: o for o in offsets}
    out: dict[int, int] = {}
    prev_b = prev_c = 0
    for b in offsets:
        prev_c += len(data[prev_b:b].decode("utf-8", errors="replace"))
        prev_b = b
        out[b] = prev_c
    return out


def _evaluate(c: _Compiled, text: str, start: int, end: int) -> Finding | None:
    r = c.recognizer
    if r.refine is not None:
        span = r.refine(text, start, end)
        if span is None:
            return None
        start, end = span
    value = text[start:end]
    score = c.pattern.score
    why = [f"pattern:{c.pattern.name}"]
    if r.validate is not None:
        verdict = r.validate(value)
        if verdict is Verdict.INVALID:
            return None
        if verdict is Verdict.VALID:
            vs = c.pattern.valid_score
            score = max(score, r.valid_score if vs is None else vs)
            why.append("checksum:valid")
        else:
            why.append("checksum:none")
    if r.context or r.negative:
        win = window_of(text, start, end, r.window)
        pos = nearest(win, r.context) if r.context else None
        neg = nearest(win, r.negative) if r.negative else None
        if pos is not None and (neg is None or pos[1] <= neg[1]):
            score += r.context_boost
            why.append(f"context:+{pos[0]}")
        elif neg is not None:
            score -= r.negative_penalty
            why.append(f"context:-{neg[0]}")
    score = round(min(max(score, 0.0), 1.0), 4)
    if score <= 0.0:
        return None
    return Finding(r.entity, start, end, score, value, r.name, tuple(why))


def _resolve(found: list[Finding]) -> list[Finding]:
    """Keep the best of overlapping findings: higher score, then longer, then earlier."""
    if len(found) <= 1:
        return found
    ranked = sorted(found, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping
    for f in ranked:
        i = bisect.bisect_left(taken, (f.start, f.end))
        if i > 0 and taken[i - 1][1] > f.start:
            continue
        if i < len(taken) and taken[i][0] < f.end:
            continue
        taken.insert(i, (f.start, f.end))
        kept.append(f)
    kept.sort(key=lambda f: f.start)
    return kept
