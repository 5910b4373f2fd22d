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
from typing import TYPE_CHECKING

import hyperscan

from jikimi.detect.hscache import compile_cached
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.types import EntityId, Finding

if TYPE_CHECKING:  # the taggers' module loads word lists: only scans with --ner need it
    from jikimi.detect.ner import NameTagger

CHUNK_CHARS = 1 << 20  # characters scanned per window
OVERLAP_CHARS = 1024  # shared by neighbouring windows: > MAX_MATCH + context width
MAX_MATCH_CHARS = 256  # candidates longer than this are not personal data of any kind we know
MAX_MATCH_BYTES = 4 * MAX_MATCH_CHARS  # the same in UTF-8, at most
NEGATIVE_WINDOW = 12  # a contradicting label must stand this close before the value

_UTF8 = hyperscan.HS_FLAG_UTF8
_SOM = hyperscan.HS_FLAG_SOM_LEFTMOST
_CASELESS = hyperscan.HS_FLAG_CASELESS


@dataclass(frozen=True, slots=True)
class _Edge:
    """A boundary class (``Pattern.left``/``right``) tested on UTF-8 bytes.

    ASCII-only classes (nearly all) are a 256-entry table; the few with Hangul or CJK
    characters fall back to the regex on the decoded character.
    """

    table: bytes  # table[b] == 1: byte b (an ASCII character) is in the class
    regex: re.Pattern[str] | None  # set when the class holds non-ASCII characters

    @classmethod
    def of(cls, body: str) -> _Edge:
        rx = re.compile(f"[{body}]")
        table = bytes(1 if rx.match(chr(b)) else 0 for b in range(128)) + bytes(128)
        return cls(table, None if body.isascii() else rx)

    def holds(self, data: bytes, at: int, end: int) -> bool:
        """Whether the character in ``data[at:end]`` is in the class."""
        if self.regex is None or data[at] < 0x80:
            return bool(self.table[data[at]])
        return self.regex.match(data[at:end].decode("utf-8")) is not None


@dataclass(frozen=True, slots=True)
class _Compiled:
    recognizer: Recognizer
    pattern: Pattern
    left: _Edge | None
    right: _Edge | None
    locate: re.Pattern[str] | None  # finds the start when Hyperscan does not track it
    locate_bytes: re.Pattern[bytes] | None  # the same on bytes, for ASCII-only shapes
    positive: frozenset[int]  # context word ids
    negative: frozenset[int]
    why: str  # "pattern:<name>", built once


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    latin: bool  # needs ASCII word boundaries ("ip" must not fire inside "ship")
    nbytes: int  # length in UTF-8
    plus: str  # explanation when it raises a score
    minus: str  # explanation when it lowers one
    letter_last: bool  # ends in a letter: a non-letter after it is the boundary

    def ends(self, data: bytes, end: int) -> bool:
        """Whether the word itself ends at byte ``end`` (not a boundary character)."""
        start = end - self.nbytes
        return start >= 0 and data[start:end].decode("utf-8", "replace").lower() == self.text


# A context word found in the window: (start byte, end byte, word id), sorted by start.
_Hit = tuple[int, int, int]


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


def _bytes_locator(p: Pattern) -> re.Pattern[bytes] | None:
    """The locator on UTF-8 bytes, when the shape can only match ASCII characters.

    A pattern written in ASCII with no negated class and no ``.`` matches ASCII only, so
    locating it on bytes gives the same span without converting offsets; ``\\d`` on bytes
    is ``[0-9]``, as in Hyperscan.
    """
    rx = _locator(p).pattern
    if not rx.isascii() or "[^" in rx.replace("(?<![", "").replace("(?![", ""):
        return None
    escaped = in_class = False
    for ch in rx:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == ".":
            return None
    return re.compile(rx.encode("ascii"))


class Engine:
    """A compiled set of recognizers. Build once, scan many texts; not shared across processes.

    ``taggers`` (model-based name taggers, :mod:`jikimi.detect.ner`) run over the same
    windows; their names compete with the recognizers' findings for overlapping spans.
    ``report``: the entities to return (default: all). The others still compete for
    their spans, so a recognizer can keep a tagger from claiming part of an address
    that the caller did not ask for.
    """

    def __init__(
        self,
        recognizers: Iterable[Recognizer],
        taggers: Iterable[NameTagger] = (),
        report: frozenset[EntityId] | None = None,
    ) -> None:
        self.recognizers = tuple(recognizers)
        self.taggers = tuple(taggers)
        self.report = report
        words: dict[str, int] = {}
        for r in self.recognizers:
            for w in (*r.context, *r.negative):
                words.setdefault(w.lower(), len(words))
        self._words = tuple(
            _Word(
                w,
                w[:1].isascii() and w[:1].isalnum() and w[-1:].isalnum(),
                len(w.encode("utf-8")),
                f"context:+{w}",
                f"context:-{w}",
                w[-1:].isalpha(),
            )
            for w in words
        )
        self._table: list[_Compiled] = []
        for r in self.recognizers:
            for p in r.patterns:
                locate = _locator(p) if p.needs_context or p.locate_start else None
                self._table.append(
                    _Compiled(
                        r,
                        p,
                        _Edge.of(p.left) if p.left else None,
                        _Edge.of(p.right) if p.right else None,
                        locate,
                        _bytes_locator(p) if locate is not None else None,
                        frozenset(words[w.lower()] for w in r.context),
                        frozenset(words[w.lower()] for w in r.negative),
                        f"pattern:{p.name}",
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
            # Latin words need word boundaries ("ip" not in "ship"), but a label glued
            # to its value still labels it: "account302429601", "SSN123-45-6789".
            exprs.append(
                f"(?:^|[^A-Za-z0-9]){re.escape(word.text)}(?:[^A-Za-z]|$)"
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
        if len(text) <= CHUNK_CHARS + OVERLAP_CHARS:  # one window: no streaming machinery
            return self._reported(_resolve(self._candidates(text, 0) + self._tagged(text, 0)))
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
            # Trim once per piece, not per window: a 100 MB piece would otherwise be
            # copied once for every window it holds.
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
        if self._db is None and not self.taggers:
            return
        ws = max(base, cs - OVERLAP_CHARS)
        we = base + len(buf) if final else min(base + len(buf), ce + OVERLAP_CHARS)
        if we <= ws:
            return
        window = buf[ws - base : we - base] if (ws, we) != (base, base + len(buf)) else buf
        found = _resolve(self._candidates(window, ws) + self._tagged(window, ws))
        for f in self._reported(found):
            if cs <= f.start < ce or (final and f.start >= cs):
                yield f

    def _reported(self, found: list[Finding]) -> list[Finding]:
        if self.report is None:
            return found
        return [f for f in found if f.entity in self.report]

    def _candidates(self, text: str, shift: int) -> list[Finding]:
        """Scan one window. Work stays in UTF-8 byte offsets; only survivors are converted.

        Hyperscan reports byte offsets. Converting every hit (context words included) to
        code points cost more than validating it, so candidates are trimmed, located and
        validated on bytes, context distances are counted in characters only for the few
        words near a candidate, and code-point offsets are computed for findings alone.
        """
        if self._db is None:
            return []
        data = text.encode("utf-8")
        raw: list[tuple[int, int, int]] = []
        self._db.scan(
            data,
            match_event_handler=lambda i, s, e, _f, _c: raw.append((i, s, e)),
            scratch=self._scratch,
        )
        if not raw:
            return []
        ascii_text = len(data) == len(text)
        ngroups = len(self._groups)
        words = self._words
        hits: list[_Hit] = []
        cands: list[tuple[int, int, _Compiled]] = []
        seen: set[tuple[int, int, int]] = set()
        n = len(data)
        limit = MAX_MATCH_CHARS if ascii_text else MAX_MATCH_BYTES
        for pid, bs, be in raw:
            if pid >= ngroups:
                w = words[pid - ngroups]
                if (
                    w.latin
                    and be > 0
                    and not _LETTER[data[be - 1]]
                    and (w.letter_last or not w.ends(data, be))
                ):
                    be = _char_start(data, be - 1)  # drop the boundary character
                hits.append((be - w.nbytes, be, pid - ngroups))
                continue
            group = self._groups[pid]
            c = group[0]
            if c.right is not None and be > 0:
                last = _char_start(data, be - 1)
                if not c.right.holds(data, last, be):
                    be = last
            if c.locate is not None:
                bs = _locate(c, data, be)
                if bs < 0:
                    continue
            elif c.left is not None and bs < n:
                nxt = _char_end(data, bs)
                if not c.left.holds(data, bs, nxt):
                    bs = nxt
            if be - bs > limit or be <= bs:
                continue
            for c in group:
                key = (bs, be, id(c.recognizer))
                if key not in seen:
                    seen.add(key)
                    cands.append((bs, be, c))
        if not cands:
            return []
        hits.sort()
        starts = [h[0] for h in hits]
        ctx = _Context(data, text, ascii_text, hits, starts)
        out: list[Finding] = []
        for bs, be, c in cands:
            f = self._evaluate(c, ctx, bs, be, shift)
            if f is not None:
                out.append(f)
        return out

    def _tagged(self, text: str, shift: int) -> list[Finding]:
        """The taggers' names in one window, as findings."""
        return [
            Finding(
                EntityId.PERSON,
                p.start + shift,
                p.end + shift,
                tagger.score,
                text[p.start : p.end],
                tagger.name,
                (p.why,),
            )
            for tagger in self.taggers
            for p in tagger.names(text)
        ]

    def _nearest(
        self, ids: frozenset[int], ctx: _Context, bs: int, be: int, width: int
    ) -> tuple[int, int] | None:
        """(word id, distance in characters) of the nearest context word of ``ids``.

        A word counts when it starts at most ``width`` characters before the value or less
        than ``width // 2`` after it; words overlapping the value are not context.
        """
        best: tuple[int, int] | None = None
        reach = 1 if ctx.ascii else 4  # bytes per character, at most
        hits = ctx.hits
        lo = bisect.bisect_left(ctx.starts, bs - reach * width)
        hi = bisect.bisect_left(ctx.starts, be + reach * (width // 2))
        for ws, we, w in hits[lo:hi]:
            if w not in ids:
                continue
            if we <= bs:
                if not ctx.ascii and ctx.chars(ws, bs) > width:
                    continue
                d = ctx.chars(we, bs)
            elif ws >= be:
                d = ctx.chars(be, ws)
                if not ctx.ascii and d >= width // 2:
                    continue
            else:
                continue  # inside the candidate: not context
            if best is None or d < best[1]:
                best = (w, d)
        return best

    def _negative(self, ids: frozenset[int], ctx: _Context, bs: int) -> tuple[int, int] | None:
        """A contradicting label right before the value, on its line ("주문번호: ...").

        Kept short and same-line: a label names the value it stands next to, not the
        next line's phone number or the second of two numbers.
        """
        reach = 1 if ctx.ascii else 4
        span = NEGATIVE_WINDOW + 24
        lo = bisect.bisect_left(ctx.starts, bs - reach * span)
        hi = bisect.bisect_left(ctx.starts, bs)
        for ws, we, w in reversed(ctx.hits[lo:hi]):
            if w not in ids or we > bs:
                continue
            if not ctx.ascii and ctx.chars(ws, bs) > span:
                continue
            d = ctx.chars(we, bs)
            if d <= NEGATIVE_WINDOW:
                if b"\n" in ctx.data[we:bs]:
                    return None
                return (w, d)
        return None

    def _evaluate(
        self, c: _Compiled, ctx: _Context, bs: int, be: int, shift: int
    ) -> Finding | None:
        r = c.recognizer
        start = end = -1  # code-point offsets, once known
        if r.refine is not None:
            start, end = ctx.char(bs), ctx.char(be)
            if end - start > MAX_MATCH_CHARS:
                return None
            span = r.refine(ctx.text, start, end)
            if span is None:
                return None
            if span != (start, end):
                bs, be = ctx.byte(span[0], start, bs), ctx.byte(span[1], end, be)
                start, end = span
            value = ctx.text[start:end]
        elif ctx.ascii:
            start, end = bs, be
            value = ctx.text[bs:be]
        else:
            value = ctx.data[bs:be].decode("utf-8")
            if len(value) > MAX_MATCH_CHARS:
                return None
        score = c.pattern.score
        why = [c.why]
        if r.validate is not None:
            verdict = r.validate(value)
            if verdict is Verdict.INVALID:
                return None
            if verdict is Verdict.VALID:
                vs = c.pattern.valid_score
                floor = r.valid_score if vs is None else vs
                if floor > score:
                    score = floor
                why.append("checksum:valid")
            else:
                why.append("checksum:none")
        if ctx.hits:
            pos = self._nearest(c.positive, ctx, bs, be, r.window) if c.positive else None
            neg = self._negative(c.negative, ctx, bs) if c.negative else None
            if pos is not None and (neg is None or pos[1] <= neg[1]):
                score += r.context_boost
                why.append(self._words[pos[0]].plus)
            elif neg is not None:
                score -= r.negative_penalty
                why.append(self._words[neg[0]].minus)
        score = 1.0 if score >= 1.0 else round(score, 4)
        if score <= 0.0:
            return None
        if start < 0:
            start = ctx.char(bs)
            end = start + len(value)
        return Finding(r.entity, start + shift, end + shift, score, value, r.name, tuple(why))


class _Context:
    """One window's bytes and text, its context words, and offset conversion between them.

    Conversions walk from the last converted offset, so the nearby queries a scan makes
    (hits arrive in order) cost the length of the gap, not of the text.
    """

    __slots__ = ("_b", "_c", "ascii", "data", "hits", "starts", "text")

    def __init__(
        self, data: bytes, text: str, ascii_text: bool, hits: list[_Hit], starts: list[int]
    ) -> None:
        self.data = data
        self.text = text
        self.ascii = ascii_text
        self.hits = hits
        self.starts = starts
        self._b = 0
        self._c = 0

    def chars(self, a: int, b: int) -> int:
        """Characters in ``data[a:b]`` (both on character boundaries)."""
        if self.ascii:
            return b - a
        return len(self.data[a:b].decode("utf-8", "replace"))

    def char(self, b: int) -> int:
        """Code-point offset of byte offset ``b``."""
        if self.ascii:
            return b
        if b >= self._b:
            c = self._c + len(self.data[self._b : b].decode("utf-8"))
        else:
            c = self._c - len(self.data[b : self._b].decode("utf-8"))
        self._b, self._c = b, c
        return c

    def byte(self, c: int, known_c: int, known_b: int) -> int:
        """Byte offset of code point ``c``, from a known pair near it."""
        if self.ascii:
            return c
        if c >= known_c:
            return known_b + len(self.text[known_c:c].encode("utf-8"))
        return known_b - len(self.text[c:known_c].encode("utf-8"))


_LETTER = bytes(1 if chr(b).isalpha() else 0 for b in range(128)) + bytes(128)  # ASCII letters


def _char_start(data: bytes, i: int) -> int:
    """Start of the UTF-8 character that byte ``i`` belongs to."""
    while i > 0 and data[i] & 0xC0 == 0x80:
        i -= 1
    return i


def _char_end(data: bytes, i: int) -> int:
    """End of the UTF-8 character that starts at byte ``i``."""
    b = data[i]
    return i + (1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4)


def _locate(c: _Compiled, data: bytes, end: int) -> int:
    """Start byte of the value that ends at byte ``end`` (these matches carry no start)."""
    if c.locate_bytes is not None:  # ASCII-only shape: at most MAX_MATCH_CHARS bytes
        start = -1
        for m in c.locate_bytes.finditer(data, max(0, end - MAX_MATCH_CHARS), end):
            if m.end() == end:
                start = m.start()
        return start
    assert c.locate is not None
    # A shape with non-ASCII characters: locate on the text, then come back to bytes.
    lo = _char_start(data, max(0, end - MAX_MATCH_BYTES))
    piece = data[lo:end].decode("utf-8")
    start = -1
    for mt in c.locate.finditer(piece):
        if mt.end() == len(piece):
            start = mt.start()
    return -1 if start < 0 else lo + len(piece[:start].encode("utf-8"))


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
