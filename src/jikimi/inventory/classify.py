"""Column classification: which entity a column holds, how sure, and why.

Distinct sampled values are scanned by the same engine as free text (the 256 most
frequent first, the rest only when those leave doubt), each cell prefixed with the
column name as words (``주민번호: 900101-1234568``) so the recognizers' context words see
the header as a person reading the table would. All cells of a column go
through one engine call, separated by blank runs wider than any context window, so a
cell never lends context to its neighbour.

A column gets entity E when E's findings cover most of the cell in at least
``min_share`` of the values (``header_share`` when the header names E too). Headers
alone never decide when the values disagree; they do decide for protected values
(hashes, masks, ciphertexts) and confirm bare names, addresses and birth dates, which no
recognizer can tell apart from other short words without a label. Columns that are
none of these are tested for quasi-identifiers, then for free text, which is summarised
per entity instead of being given one.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from jikimi.detect.engine import Engine
from jikimi.inventory import values as V
from jikimi.inventory.headers import HeaderHint, header_hint, spoken
from jikimi.inventory.model import ColumnResult, Protection, QuasiIdentifier, TableResult
from jikimi.scanner import engine_for
from jikimi.sources.tables import TableSample
from jikimi.types import EntityId

_GAP = "\n" + " " * 80 + "\n"  # wider than any recognizer's context window
E = EntityId
Q = QuasiIdentifier


@dataclass(frozen=True, slots=True)
class ClassifyOptions:
    """Thresholds; the defaults reach >= 0.95 precision and recall on the generated
    benchmark of labelled columns (tests/inventory/test_precision_recall.py)."""

    languages: frozenset[str] | None = None
    min_share: float = 0.5  # share of values an entity must cover, header silent
    header_share: float = 0.3  # ... when the header names the same entity
    weak_share: float = 0.8  # ... when the entity's findings are all low-scoring
    min_cell_score: float = 0.3  # findings below this do not count for a column
    text_min_score: float = 0.5  # findings in free text count from here (as scan_text)
    cover: float = 0.6  # share of a cell's letters/digits a finding must cover
    max_distinct: int = 2000  # distinct values scanned per column
    first_pass: int = 256  # distinct values scanned before deciding whether to scan the rest
    entities: frozenset[EntityId] | None = field(default=None)


@dataclass(slots=True)
class _Cell:
    value: str
    count: int
    found: list[tuple[EntityId, int, int, float, tuple[str, ...]]]


_NOT_ALNUM = re.compile(r"[\W_]")


def _significant(s: str) -> int:
    """Letters and digits in ``s`` (separators do not count towards coverage)."""
    return len(s) if s.isalnum() else len(s) - len(_NOT_ALNUM.findall(s))


def _scan_cells(engine: Engine, header: str, cells: list[_Cell]) -> None:
    prefix = f"{spoken(header)}: " if header.strip() else ""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for c in cells:
        parts.append(prefix)
        pos += len(prefix)
        starts.append(pos)
        parts.append(c.value)
        parts.append(_GAP)
        pos += len(c.value) + len(_GAP)
    if not cells:
        return
    for f in engine.scan("".join(parts)):
        i = bisect.bisect_right(starts, f.start) - 1
        if i < 0:
            continue
        s = starts[i]
        if f.end <= s + len(cells[i].value):
            cells[i].found.append((f.entity, f.start - s, f.end - s, f.score, f.explanation))


@dataclass(slots=True)
class _Tally:
    weight: int = 0
    score_sum: float = 0.0
    checked: int = 0
    valid: int = 0

    def share(self, total: int) -> float:
        return self.weight / total if total else 0.0


def _tally(
    cells: list[_Cell], opts: ClassifyOptions, min_score: float | None = None
) -> dict[EntityId, _Tally]:
    floor = opts.min_cell_score if min_score is None else min_score
    out: dict[EntityId, _Tally] = {}
    for c in cells:
        size = _significant(c.value)
        if size == 0:
            continue
        by_entity: dict[EntityId, list[tuple[int, int, float, tuple[str, ...]]]] = {}
        for ent, s, e, score, why in c.found:
            if score >= floor:
                by_entity.setdefault(ent, []).append((s, e, score, why))
        for ent, hits in by_entity.items():
            covered = sum(_significant(c.value[s:e]) for s, e, _, _ in hits)
            if covered < opts.cover * size:
                continue
            t = out.setdefault(ent, _Tally())
            t.weight += c.count
            t.score_sum += c.count * max(h[2] for h in hits)
            whys = [w for h in hits for w in h[3]]
            if any(w.startswith("checksum:") for w in whys):
                t.checked += c.count
                if "checksum:valid" in whys:
                    t.valid += c.count
    return out


def classify_column(
    name: str,
    values: Sequence[str | None],
    dtype: str = "",
    options: ClassifyOptions | None = None,
) -> ColumnResult:
    """Classify one column from its name and a sample of its values."""
    opts = options or ClassifyOptions()
    hint = header_hint(name)
    nulls = sum(1 for v in values if v is None or not str(v).strip())
    counts = Counter(str(v).strip() for v in values if v is not None and str(v).strip())
    total = sum(counts.values())
    hint_ev = () if hint.evidence is None else (hint.evidence,)
    base = ColumnResult(
        name=name,
        dtype=dtype,
        entity=None,
        confidence=0.0,
        match_share=0.0,
        checksum_share=None,
        evidence=hint_ev,
        values_sampled=total,
        nulls_sampled=nulls,
        distinct_sampled=len(counts),
    )
    if total == 0:
        return replace(base, evidence=(*hint_ev, "values:empty"), protection=Protection.EMPTY)

    protected = _protection(counts, total)
    if protected is not None:
        ent = hint.entities[0] if hint.entities else None
        return replace(
            base,
            entity=ent,
            confidence=0.6 if ent else 0.0,
            evidence=(*hint_ev, f"values:{protected.value}"),
            protection=protected,
            quasi_identifier=hint.quasi_identifier
            if ent is None or ent is E.DATE_OF_BIRTH
            else None,
        )

    cells = [_Cell(v, n, []) for v, n in counts.most_common(opts.max_distinct)]
    engine = engine_for(opts.entities, opts.languages)
    # Most columns are decided by their most frequent values; the rest are scanned only
    # when the first pass leaves doubt (or for free text, whose counts are a summary).
    first, rest = cells[: opts.first_pass], cells[opts.first_pass :]
    _scan_cells(engine, name, first)
    judged = sum(c.count for c in first)  # values the scan engine has seen
    tallies = _tally(first, opts)
    decided = _decide(hint, tallies, judged, opts)
    if rest and not _clear(decided, tallies, judged, first):
        _scan_cells(engine, name, rest)
        judged = sum(c.count for c in cells)
        tallies = _tally(cells, opts)
        decided = _decide(hint, tallies, judged, opts)
    shape_only = False
    if decided is None and hint.entities:
        decided = _header_confirmed(hint, _tally(cells, opts, 0.0), judged, opts)
        shape_only = decided is not None
    if decided is not None:
        ent, t, conf = decided
        share = round(t.share(judged), 4)
        ev = [
            f"values:{ent.value}:{share:.0%}" + (" (shape, header-confirmed)" if shape_only else "")
        ]
        if t.checked:
            ev.append(f"checksum:{t.valid / t.checked:.0%}")
        if ent in hint.entities and hint.evidence:
            ev.insert(0, hint.evidence)
        return replace(
            base,
            entity=ent,
            confidence=conf,
            match_share=share,
            checksum_share=round(t.valid / t.checked, 4) if t.checked else None,
            evidence=tuple(ev),
            quasi_identifier=Q.BIRTH_DATE if ent is E.DATE_OF_BIRTH else None,
        )

    kept = sum(c.count for c in cells)  # values the shape tests below look at
    shaped = _by_shape(hint, cells, kept)
    if shaped is not None:
        ent, share = shaped
        return replace(
            base,
            entity=ent,
            confidence=round(min(1.0, 0.5 + 0.4 * share), 4),
            match_share=round(share, 4),
            evidence=(*hint_ev, f"shape:{ent.value}:{share:.0%}"),
            quasi_identifier=Q.BIRTH_DATE if ent is E.DATE_OF_BIRTH else None,
        )

    qi = _quasi_identifier(hint, cells, kept)
    if qi is not None:
        kind, share, why = qi
        return replace(
            base,
            confidence=round(share, 4),
            match_share=round(share, 4),
            evidence=(*hint_ev, why),
            quasi_identifier=kind,
        )

    plain = [c.value for c in cells]
    if V.is_free_text(plain):
        found = _text_entities(cells, opts)
        return replace(
            base,
            evidence=(*hint_ev, "values:free-text"),
            free_text=True,
            text_entities=found,
        )

    return base


def _clear(
    decided: tuple[EntityId, _Tally, float] | None,
    tallies: dict[EntityId, _Tally],
    total: int,
    cells: list[_Cell],
) -> bool:
    """The first pass settles the column: nearly all one entity, or nothing at all."""
    if decided is not None:
        return decided[1].share(total) >= 0.9
    if any(t.share(total) >= 0.05 for t in tallies.values()):
        return False
    return not V.is_free_text([c.value for c in cells])


def _protection(counts: Counter[str], total: int) -> Protection | None:
    kinds: Counter[Protection] = Counter()
    for v, n in counts.items():
        kinds[V.protection_of(v)] += n
    protected = total - kinds[Protection.PLAIN]
    if protected >= 0.8 * total:
        return max((k for k in kinds if k is not Protection.PLAIN), key=lambda k: kinds[k])
    return None


def _decide(
    hint: HeaderHint, tallies: dict[EntityId, _Tally], total: int, opts: ClassifyOptions
) -> tuple[EntityId, _Tally, float] | None:
    best: tuple[float, float, EntityId, _Tally] | None = None
    for ent, t in tallies.items():
        share = t.share(total)
        mean = t.score_sum / t.weight if t.weight else 0.0
        named = ent in hint.entities
        need = opts.header_share if named else opts.min_share
        if mean < 0.5 and not named:
            need = opts.weak_share
        if share < need:
            continue
        rank = (share + (0.15 if named else 0.0), mean, ent, t)
        if best is None or rank[:2] > best[:2]:
            best = rank
    if best is None:
        return None
    _, mean, ent, t = best
    share = t.share(total)
    conf = share * (0.6 + 0.4 * mean) + (0.1 if ent in hint.entities else 0.0)
    return ent, t, round(min(1.0, conf), 4)


def _header_confirmed(
    hint: HeaderHint, tallies: dict[EntityId, _Tally], total: int, opts: ClassifyOptions
) -> tuple[EntityId, _Tally, float] | None:
    """Identifiers whose shape is too common to score well alone (passport, licence and
    account numbers): the header names the entity and nearly every value has its shape."""
    for ent in hint.entities:
        t = tallies.get(ent)
        if t is not None and t.share(total) >= opts.weak_share:
            return ent, t, round(0.6 * t.share(total) + 0.2, 4)
    return None


def _share(cells: list[_Cell], total: int, test: object) -> float:
    assert callable(test)
    return sum(c.count for c in cells if test(c.value)) / total if total else 0.0


def _by_shape(hint: HeaderHint, cells: list[_Cell], total: int) -> tuple[EntityId, float] | None:
    """Names, addresses and birth dates confirmed by a header naming them."""
    tests = {
        E.PERSON: V.looks_like_name,
        E.ADDRESS: V.looks_like_address,
        E.DATE_OF_BIRTH: V.looks_like_birth_date,
    }
    for ent in hint.entities:
        test = tests.get(ent)
        if test is not None:
            share = _share(cells, total, test)
            if share >= 0.8:
                return ent, share
    return None


def _quasi_identifier(
    hint: HeaderHint, cells: list[_Cell], total: int
) -> tuple[QuasiIdentifier, float, str] | None:
    qi = hint.quasi_identifier
    distinct = len(cells)
    if qi is Q.GENDER or qi is None:
        share = _share(cells, total, lambda v: V.is_gender(v, allow_codes=qi is Q.GENDER))
        if share >= 0.9 and distinct <= 6 and (qi is Q.GENDER or distinct >= 2):
            return Q.GENDER, share, "values:gender"
    if qi is Q.AGE:
        share = _share(cells, total, V.is_age)
        if share >= 0.9:
            return Q.AGE, share, "values:age"
    if qi is Q.POSTCODE:
        share = _share(cells, total, V.is_postcode)
        if share >= 0.8:
            return Q.POSTCODE, share, "values:postcode"
    if qi is Q.REGION or qi is None:
        share = _share(cells, total, V.is_region)
        if share >= 0.8 or (qi is Q.REGION and _share(cells, total, V.is_short_label) >= 0.9):
            return Q.REGION, share, "values:region"
    if qi is Q.JOB:
        share = _share(cells, total, V.is_short_label)
        if share >= 0.9:
            return Q.JOB, share, "values:label"
    if qi is Q.BIRTH_DATE:
        share = _share(cells, total, V.looks_like_birth_date)
        if share >= 0.8:
            return Q.BIRTH_DATE, share, "values:date"
    return None


def _text_entities(cells: list[_Cell], opts: ClassifyOptions) -> tuple[tuple[EntityId, int], ...]:
    per: Counter[EntityId] = Counter()
    for c in cells:
        for ent in {f[0] for f in c.found if f[3] >= opts.text_min_score}:
            per[ent] += c.count
    return tuple(sorted(per.items(), key=lambda kv: (-kv[1], kv[0].value)))


def classify_sample(sample: TableSample, options: ClassifyOptions | None = None) -> TableResult:
    """Classify every column of a sampled table."""
    cols = tuple(
        classify_column(c, sample.values.get(c, []), sample.dtypes.get(c, ""), options)
        for c in sample.columns
    )
    return TableResult(
        name=sample.table,
        columns=cols,
        rows_total=sample.rows_total,
        rows_exact=sample.rows_exact,
        rows_sampled=sample.rows_sampled,
        sample_method=sample.method,
        issues=tuple(sample.issues),
    )
