"""The scan engine: every recognizer's patterns in one Hyperscan database, linear time.

Hyperscan (an automata engine) cannot backtrack, so no input can make a scan
super-linear. The same database also finds the context words, so scoring a candidate
looks its neighbours up in a sorted list instead of searching the text again. Hyperscan
reports byte offsets in UTF-8; the engine converts them to code-point offsets. Long texts
are scanned in windows that overlap by more than the longest candidate plus the context
width, so a value that straddles a window boundary is found exactly once, whether the
text is in memory or streamed from a file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import hyperscan

from jikimi.detect.hscache import compile_cached
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.types import Finding

CHUNK_CHARS = 1 << 20  # characters scanned per window
OVERLAP_CHARS = 1024  # shared by neighbouring windows: > MAX_MATCH + context width
MAX_MATCH_CHARS = 256  # candidates longer than this are not personal data of any kind we know
NEGATIVE_WINDOW = 12  # a contradicting label must stand this close before the value

_UTF8 = hyperscan.HS_FLAG_UTF8
_SOM = hyperscan.HS_FLAG_SOM_LEFTMOST
_CASELESS = hyperscan.HS_FLAG_CASELESS


@dataclass(frozen=True, slots=True)
class _Compiled:
    recognizer: Recognizer
    pattern: Pattern
    left: re.Pattern[str] | None
    right: re.Pattern[str] | None
    locate: re.Pattern[str] | None  # finds the start when Hyperscan does not track it
    positive: frozenset[int]  # context word ids
    negative: frozenset[int]


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    latin: bool  # needs ASCII word boundaries ("ip" must not fire inside "ship")


@dataclass(frozen=True, slots=True)
class _Hit:
    """A context word found in the window (code-point offsets)."""

    start: int
    end: int
    word: int


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _wrap(p: Pattern, r: Recognizer) -> str:
    right = f"(?:[^{p.right}]|$)" if p.right else ""
    if p.needs_context:
        # Context word, a short gap on the same line, then the value: weak shapes (dates,
        # bare account numbers) only become candidates where a label announces them.
        gap = max(0, r.window - max(len(w) for w in r.context))
        edge = f"[^{p.left}\\n]" if p.left else "[^\\n]"
        lead = f"(?i:{_alternation(r.context)})(?:[^\\n]{{0,{gap}}}{edge})?"
        return f"{lead}(?:{p.regex}){right}"
    if p.locate_start:
        # No start-of-match tracking: Hyperscan need not follow every possible start
        # (every letter could begin an e-mail's local part); Python finds it per hit.
        return f"(?:{p.regex}){right}"
    left = f"(?:^|[^{p.left}])" if p.left else ""
    return f"{left}(?:{p.regex}){right}"


def _locator(p: Pattern) -> re.Pattern[str]:
    left = f"(?<![{p.left}])" if p.left else ""
    right = f"(?![{p.right}])" if p.right else ""
    return re.compile(f"{left}(?:{p.regex}){right}")


class Engine:
    """A compiled set of recognizers. Build once, scan many texts; not shared across processes."""

    def __init__(self, recognizers: Iterable[Recognizer]) -> None:
        self.recognizers = tuple(recognizers)
        words: dict[str, int] = {}
        for r in self.recognizers:
            for w in (*r.context, *r.negative):
                words.setdefault(w.lower(), len(words))
        self._words = tuple(
            _Word(w, w[:1].isascii() and w[:1].isalnum() and w[-1:].isalnum()) for w in words
        )
        self._table: list[_Compiled] = []
        for r in self.recognizers:
            for p in r.patterns:
                self._table.append(
                    _Compiled(
                        r,
                        p,
                        re.compile(f"[{p.left}]") if p.left else None,
                        re.compile(f"[{p.right}]") if p.right else None,
                        _locator(p) if p.needs_context or p.locate_start else None,
                        frozenset(words[w.lower()] for w in r.context),
                        frozenset(words[w.lower()] for w in r.negative),
                    )
                )
        self._db: hyperscan.Database | None = None
        if not self._table:
            return
        # Recognizers that share a shape (resident and foreigner numbers) share one
        # expression: one Hyperscan hit, then every owner of the shape judges it.
        exprs: list[str] = []
        flags: list[int] = []
        index: dict[tuple[str, int], int] = {}
        groups: list[list[_Compiled]] = []
        for c in self._table:
            key = (_wrap(c.pattern, c.recognizer), _UTF8 if c.locate is not None else _UTF8 | _SOM)
            if key not in index:
                index[key] = len(exprs)
                exprs.append(key[0])
                flags.append(key[1])
                groups.append([])
            groups[index[key]].append(c)
        self._groups = tuple(tuple(g) for g in groups)
        for word in self._words:
            exprs.append(
                f"(?:^|[^A-Za-z0-9]){re.escape(word.text)}(?:[^A-Za-z0-9]|$)"
                if word.latin
                else re.escape(word.text)
            )
            flags.append(_UTF8 | _CASELESS)
        try:
            db = compile_cached([e.encode("utf-8") for e in exprs], flags)
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
        pending: list[str] = []
        pending_len = 0
        for piece in pieces:
            if not piece:
                continue
            pending.append(piece)
            pending_len += len(piece)
            if base + len(buf) + pending_len - done < CHUNK_CHARS + OVERLAP_CHARS:
                continue
            buf = "".join([buf, *pending])
            pending, pending_len = [], 0
            while base + len(buf) - done >= CHUNK_CHARS + OVERLAP_CHARS:
                yield from self._window(buf, base, done, done + CHUNK_CHARS, final=False)
                done += CHUNK_CHARS
                cut = done - OVERLAP_CHARS - base
                if cut > 0:
                    buf = buf[cut:]
                    base += cut
        if pending:
            buf = "".join([buf, *pending])
        yield from self._window(buf, base, done, base + len(buf), final=True)

    # -- internals ----------------------------------------------------------------------------

    def _window(self, buf: str, base: int, cs: int, ce: int, *, final: bool) -> Iterator[Finding]:
        """Scan buf around [cs, ce) (global offsets) and yield findings starting in it."""
        if self._db is None:
            return
        ws = max(base, cs - OVERLAP_CHARS)
        we = base + len(buf) if final else min(base + len(buf), ce + OVERLAP_CHARS)
        if we <= ws:
            return
        window = buf[ws - base : we - base] if (ws, we) != (base, base + len(buf)) else buf
        for f in _resolve(self._candidates(window, ws)):
            if cs <= f.start < ce or (final and f.start >= cs):
                yield f

    def _candidates(self, text: str, shift: int) -> list[Finding]:
        data = text.encode("utf-8")
        raw: list[tuple[int, int, int]] = []
        assert self._db is not None
        self._db.scan(
            data,
            match_event_handler=lambda i, s, e, _f, _c: raw.append((s, e, i)),
            scratch=self._scratch,
        )
        if not raw:
            return []
        to_char = _offset_map(data, text, raw)
        ngroups = len(self._groups)
        hits: list[_Hit] = []
        cands: list[tuple[int, int, _Compiled]] = []
        seen: set[tuple[int, int, int]] = set()
        n = len(text)
        for bs, be, pid in raw:
            e = to_char[be]
            if pid >= ngroups:
                w = self._words[pid - ngroups]
                if w.latin and e > 0 and not _latin(text[e - 1]):
                    e -= 1
                hits.append(_Hit(e - len(w.text), e, pid - ngroups))
                continue
            group = self._groups[pid]
            c = group[0]
            if c.right is not None and e > 0 and not c.right.match(text[e - 1]):
                e -= 1
            if c.locate is not None:
                s = _locate(c.locate, text, e)
                if s < 0:
                    continue
            else:
                s = to_char[bs]
                if c.left is not None and s < n and not c.left.match(text[s]):
                    s += 1
            if e - s > MAX_MATCH_CHARS or e <= s:
                continue
            for c in group:
                key = (s, e, id(c.recognizer))
                if key not in seen:
                    seen.add(key)
                    cands.append((s, e, c))
        if not cands:
            return []
        hits.sort(key=lambda h: h.start)
        starts = [h.start for h in hits]
        out: list[Finding] = []
        for s, e, c in cands:
            f = self._evaluate(c, text, s, e, hits, starts, shift)
            if f is not None:
                out.append(f)
        return out

    def _nearest(
        self, ids: frozenset[int], hits: list[_Hit], starts: list[int], s: int, e: int, width: int
    ) -> tuple[int, int] | None:
        """(word id, distance) of the nearest context word of ``ids`` around [s, e)."""
        best: tuple[int, int] | None = None
        lo = bisect.bisect_left(starts, s - width)
        hi = bisect.bisect_left(starts, e + width // 2)
        for h in hits[lo:hi]:
            if h.word not in ids:
                continue
            if h.end <= s:
                d = s - h.end
            elif h.start >= e:
                d = h.start - e
            else:
                continue  # inside the candidate: not context
            if best is None or d < best[1]:
                best = (h.word, d)
        return best

    def _negative(
        self, ids: frozenset[int], hits: list[_Hit], starts: list[int], text: str, s: int
    ) -> tuple[int, int] | None:
        """A contradicting label right before the value, on its line ("주문번호: ...").

        Kept short and same-line: a label names the value it stands next to, not the
        next line's phone number or the second of two numbers.
        """
        lo = bisect.bisect_left(starts, s - NEGATIVE_WINDOW - 24)
        hi = bisect.bisect_left(starts, s)
        for h in reversed(hits[lo:hi]):
            if h.word in ids and h.end <= s and s - h.end <= NEGATIVE_WINDOW:
                if "\n" in text[h.end : s]:
                    return None
                return (h.word, s - h.end)
        return None

    def _evaluate(
        self,
        c: _Compiled,
        text: str,
        start: int,
        end: int,
        hits: list[_Hit],
        starts: list[int],
        shift: int,
    ) -> Finding | None:
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
        if hits:
            pos = (
                self._nearest(c.positive, hits, starts, start, end, r.window)
                if c.positive
                else None
            )
            neg = self._negative(c.negative, hits, starts, text, start) if c.negative else None
            if pos is not None and (neg is None or pos[1] <= neg[1]):
                score += r.context_boost
                why.append(f"context:+{self._words[pos[0]].text}")
            elif neg is not None:
                score -= r.negative_penalty
                why.append(f"context:-{self._words[neg[0]].text}")
        score = round(min(max(score, 0.0), 1.0), 4)
        if score <= 0.0:
            return None
        return Finding(r.entity, start + shift, end + shift, score, value, r.name, tuple(why))


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _locate(pattern: re.Pattern[str], text: str, end: int) -> int:
    """Start of the value that ends at ``end`` (these matches carry no start)."""
    start = -1
    for m in pattern.finditer(text, max(0, end - MAX_MATCH_CHARS), end):
        if m.end() == end:
            start = m.start()
    return start


def _offset_map(data: bytes, text: str, raw: list[tuple[int, int, int]]) -> dict[int, int]:
    """Byte offset -> code-point offset for every offset a hit mentions."""
    offsets = sorted({o for s, e, _ in raw for o in (s, e)})
    if len(data) == len(text):  # pure ASCII: bytes are characters
        return {o: o for o in offsets}
    out: dict[int, int] = {}
    prev_b = prev_c = 0
    for b in offsets:
        prev_c += len(data[prev_b:b].decode("utf-8", errors="replace"))
        prev_b = b
        out[b] = prev_c
    return out


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
