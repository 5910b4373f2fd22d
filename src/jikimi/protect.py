"""Protect personal data in place: text, tables and files, driven by a policy.

Text: the scanner's findings are resolved (overlaps go to the higher score, then the
longer span), grouped by rule so each operator runs once over all its values, and
spliced back from the left so every offset refers to the original text. Tables: each
policy column becomes one Polars expression; files are streamed through Polars' engine
(batch-wise, on every core) into a temporary file that replaces the output only on
success.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from jikimi.errors import InputError, UsageError
from jikimi.keys import KeyStore
from jikimi.policy import ColumnRule, Policy, coerce_policy
from jikimi.scanner import scan_text
from jikimi.transform.base import FieldContext, Operator, ReversibleOperator
from jikimi.transform.config import OperatorConfig
from jikimi.transform.encrypt import CIPHERTEXT_RE, Encrypt
from jikimi.transform.errors import DecryptionError
from jikimi.transform.events import ReversalEvent, ReversalSink
from jikimi.transform.registry import build_operator
from jikimi.types import Finding

PolicyLike = Policy | Mapping[str, Any] | str | os.PathLike[str]
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


class _Operators:
    """Builds each distinct rule's operator once per call (keyed ones derive subkeys)."""

    def __init__(self, keys: KeyStore | None) -> None:
        self.keys = keys
        self._built: dict[OperatorConfig, Operator] = {}

    def __call__(self, config: OperatorConfig) -> Operator:
        op = self._built.get(config)
        if op is None:
            op = self._built[config] = build_operator(config, self.keys)
        return op


# -- text ------------------------------------------------------------------------------------


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping findings, preferring higher score, then longer span; by start."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []
    for f in ranked:
        i = bisect.bisect_right(starts, f.start)
        if i > 0 and kept[i - 1].end > f.start:
            continue
        if i < len(kept) and kept[i].start < f.end:
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


def protect_text(
    text: str,
    policy: PolicyLike,
    *,
    keys: KeyStore | None = None,
    findings: Iterable[Finding] | None = None,
) -> str:
    """Replace the personal data found in ``text`` as ``policy`` says.

    Keyed operators (token, fpe, encrypt, date_shift) need ``keys``. ``findings`` lets a
    caller bring its own detections (offsets into ``text``); by default the scanner runs.
    """
    return _protect_text(text, coerce_policy(policy), _Operators(keys), findings)


def _protect_text(
    text: str, policy: Policy, ops: _Operators, findings: Iterable[Finding] | None = None
) -> str:
    if findings is None:
        findings = scan_text(text, languages=policy.languages, min_score=policy.min_score)
    findings = resolve_overlaps(f for f in findings if f.score >= policy.min_score)
    groups: dict[tuple[OperatorConfig, str], list[Finding]] = defaultdict(list)
    for f in findings:
        cfg = policy.rule_for_entity(f.entity)
        if cfg is not None:
            groups[(cfg, f.entity.value)].append(f)
    if not groups:
        return text
    replaced: list[tuple[int, int, str]] = []
    for (cfg, entity), group in groups.items():
        outputs = ops(cfg).protect(
            [text[f.start : f.end] for f in group], FieldContext(entity=entity)
        )
        replaced.extend((f.start, f.end, out or "") for f, out in zip(group, outputs, strict=True))
    replaced.sort()
    pieces, pos = [], 0
    for start, end, new in replaced:
        pieces.append(text[pos:start])
        pieces.append(new)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


# -- tables ----------------------------------------------------------------------------------


def _schema(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    return col if dtype == pl.String else col.cast(pl.String)


def _column_expr(
    rule: ColumnRule, dtype: pl.DataType, policy: Policy, ops: _Operators, names: list[str]
) -> pl.Expr:
    col = _as_text(rule.column, dtype)
    if rule.scan:

        def scan_batch(s: pl.Series) -> pl.Series:
            return pl.Series(
                s.name,
                [None if v is None else _protect_text(v, policy, ops) for v in s.to_list()],
                pl.String,
            )

        return col.map_batches(scan_batch, return_dtype=pl.String, is_elementwise=True).alias(
            rule.column
        )
    assert rule.config is not None
    op = ops(rule.config)
    ctx = rule.context
    for need in op.needs_columns(ctx):
        if need not in names:
            raise UsageError(
                f"column {rule.column!r}: {op.name} needs column {need!r}, "
                "which the table does not have"
            )
    return op.protect_expr(col, ctx).alias(rule.column)


def protect_table(frame: Frame, policy: PolicyLike, *, keys: KeyStore | None = None) -> Frame:
    """Protect the policy's columns of a Polars DataFrame or LazyFrame (others unchanged).

    Protected columns come back as strings. A LazyFrame stays lazy, so a file can be
    streamed through it.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys)
    schema = frame.collect_schema()
    names = schema.names()
    exprs = [
        _column_expr(rule, schema[c], pol, ops, names)
        for c, rule in pol.columns.items()
        if c in schema
    ]
    return frame.with_columns(exprs) if exprs else frame


def missing_columns(frame: pl.DataFrame | pl.LazyFrame, policy: PolicyLike) -> list[str]:
    """Policy columns the table does not have (worth a warning: a typo protects nothing)."""
    names = set(_schema(frame))
    return [c for c in coerce_policy(policy).columns if c not in names]


# -- reveal ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevealRequest:
    """Who reveals, and why: both end up in every reversal event."""

    actor: str
    purpose: str
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.actor.strip() or not self.purpose.strip():
            raise UsageError("revealing needs an actor and a purpose for the audit record")


def _reversible(rule: ColumnRule, ops: _Operators) -> ReversibleOperator | None:
    if rule.config is None:
        return None
    op = ops(rule.config)
    return op if isinstance(op, ReversibleOperator) else None


def reveal_table(
    frame: pl.DataFrame,
    policy: PolicyLike,
    *,
    keys: KeyStore,
    sink: ReversalSink,
    request: RevealRequest,
    columns: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Undo the reversible operators (fpe, encrypt) on the policy's columns.

    One :class:`ReversalEvent` per revealed column goes to ``sink`` after the column
    was revealed. Any failure raises the one opaque :class:`DecryptionError`.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys)
    wanted = set(columns) if columns is not None else None
    out = frame
    for c, rule in pol.columns.items():
        if c not in frame.columns or (wanted is not None and c not in wanted):
            continue
        op = _reversible(rule, ops)
        if op is None:
            if wanted is not None:
                raise UsageError(f"column {c!r} is protected by an irreversible operator")
            continue
        values = frame.get_column(c).cast(pl.String)
        revealed = frame.select(op.reveal_expr(pl.col(c).cast(pl.String), rule.context))
        out = out.with_columns(revealed.to_series().alias(c))
        sink.record(
            ReversalEvent(
                op.name,
                c,
                values.len() - values.null_count(),
                tuple(sorted(op.key_ids_in(values))),
                request.actor,
                request.purpose,
                request.source,
            )
        )
    return out


def reveal_text(
    text: str, policy: PolicyLike, *, keys: KeyStore, sink: ReversalSink, request: RevealRequest
) -> str:
    """Open the ``enc.siv.…``/``enc.gcm.…`` ciphertexts in a text.

    FPE output looks like the original format and cannot be found in free text; reveal
    it per column with :func:`reveal_table`.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys)
    candidates = [
        (ops(cfg), e.value)
        for e, cfg in pol.entities.items()
        if getattr(cfg, "operator", "") == "encrypt"
    ]
    if pol.default is not None and getattr(pol.default, "operator", "") == "encrypt":
        candidates.append((ops(pol.default), ""))
    by_entity: dict[str, int] = defaultdict(int)
    key_ids: set[str] = set()

    def open_one(m: Any) -> str:
        token = m.group(0)
        for op, entity in candidates:
            assert isinstance(op, Encrypt)
            try:
                value = op.open(token, FieldContext(entity=entity or None))
            except DecryptionError:
                continue
            by_entity[entity or "value"] += 1
            key_ids.add(token.split(".")[2])
            return value
        raise DecryptionError

    out = CIPHERTEXT_RE.sub(open_one, text)
    for entity, count in sorted(by_entity.items()):
        sink.record(
            ReversalEvent(
                "encrypt",
                entity,
                count,
                tuple(sorted(key_ids)),
                request.actor,
                request.purpose,
                request.source,
            )
        )
    return out


# -- files -----------------------------------------------------------------------------------


def file_format(path: str | os.PathLike[str], given: str | None = None) -> str:
    if given:
        return given
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{Path(path).name}: unknown table format; use .csv, .jsonl or .parquet (or --format)"
        )
    return fmt


def scan_file(path: str | os.PathLike[str], fmt: str) -> pl.LazyFrame:
    """A lazy reader; CSV cells stay strings so leading zeros and odd values survive."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    if fmt == "csv":
        return pl.scan_csv(p, infer_schema=False)
    if fmt == "jsonl":
        return pl.scan_ndjson(p)
    return pl.scan_parquet(p)


def sink_file(frame: pl.LazyFrame | pl.DataFrame, path: str | os.PathLike[str], fmt: str) -> None:
    """Write ``frame`` to a temporary file next to ``path`` and rename it on success."""
    dst = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        lazy = frame.lazy()
        if fmt == "csv":
            lazy.sink_csv(tmp)
        elif fmt == "jsonl":
            lazy.sink_ndjson(tmp)
        else:
            lazy.sink_parquet(tmp)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def protect_file(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    policy: PolicyLike,
    *,
    keys: KeyStore | None = None,
    in_format: str | None = None,
    out_format: str | None = None,
) -> list[str]:
    """Protect a CSV/JSONL/Parquet file into ``dst`` (streamed, atomic).

    Returns the policy columns the file does not have.
    """
    if Path(src).resolve() == Path(dst).resolve():
        raise UsageError("the output must be a different file from the input")
    pol = coerce_policy(policy)
    fmt_in = file_format(src, in_format)
    fmt_out = file_format(dst, out_format)
    lazy = scan_file(src, fmt_in)
    missing = missing_columns(lazy, pol)
    sink_file(protect_table(lazy, pol, keys=keys), dst, fmt_out)
    return missing
