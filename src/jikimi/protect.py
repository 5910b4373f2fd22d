"""Protect personal data in place: text, tables and files, driven by a policy.

Text: the scanner's findings are resolved (overlaps go to the higher score, then the
longer span), grouped by rule so each operator runs once over all its values, and
spliced back from the left so every offset refers to the original text. Tables: each
policy column becomes one Polars expression; files are streamed through Polars' engine
(batch-wise, on every core) into a temporary file that replaces the output only on
success.

Token rules become revealable when a token vault is configured (``vault=`` here, or
``vault:`` in the policy): tokens keep their text and their original values are sealed
into the vault as they are made.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from jikimi.errors import InputError, UsageError
from jikimi.keys import KeyStore
from jikimi.policy import ColumnRule, Policy, coerce_policy
from jikimi.reports.atomic import atomic_path
from jikimi.scanner import scan_text
from jikimi.transform.base import FieldContext, Operator, ReversibleOperator
from jikimi.transform.config import OperatorConfig
from jikimi.transform.encrypt import CIPHERTEXT_RE, Encrypt
from jikimi.transform.errors import DecryptionError
from jikimi.transform.events import ReversalEvent, ReversalSink
from jikimi.transform.registry import build_operator
from jikimi.transform.token import Token, TokenConfig, TokenRevealError, VaultedToken
from jikimi.transform.vault import SqliteTokenVault, TokenVault, VaultRow, open_vault
from jikimi.types import Finding

PolicyLike = Policy | Mapping[str, Any] | str | os.PathLike[str]
VaultLike = TokenVault | str | os.PathLike[str] | None
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


class _Operators:
    """Builds each distinct rule's operator once per call (keyed ones derive subkeys)."""

    def __init__(self, keys: KeyStore | None, vault: TokenVault | None = None) -> None:
        self.keys = keys
        self.vault = vault
        self._built: dict[OperatorConfig, Operator] = {}

    def __call__(self, config: OperatorConfig) -> Operator:
        op = self._built.get(config)
        if op is None:
            op = self._built[config] = build_operator(config, self.keys, self.vault)
        return op


def _vault(vault: VaultLike, policy: Policy, *, create: bool) -> TokenVault | None:
    """The vault given, else the policy's; protecting creates a missing file, revealing not."""
    return open_vault(vault if vault is not None else policy.vault, create=create)


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
    vault: VaultLike = None,
) -> str:
    """Replace the personal data found in ``text`` as ``policy`` says.

    Keyed operators (token, fpe, encrypt, date_shift) need ``keys``. ``findings`` lets a
    caller bring its own detections (offsets into ``text``); by default the scanner runs.
    ``vault`` (or the policy's ``vault``) records tokens so they can be revealed.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys, _vault(vault, pol, create=True))
    return _protect_text(text, pol, ops, findings)


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


def protect_table(
    frame: Frame,
    policy: PolicyLike,
    *,
    keys: KeyStore | None = None,
    vault: VaultLike = None,
    classify: bool = True,
) -> Frame:
    """Protect the policy's columns of a Polars DataFrame or LazyFrame.

    Columns the policy names get their rule; with ``classify`` (the default) the other
    columns are classified from a sample (the inventory's column classifier) and those
    holding an entity the policy covers are protected by that entity's rule, so a table
    with unnamed ``rrn``/``phone`` columns is not left in clear. Other columns are unchanged.

    Protected columns come back as strings. A LazyFrame stays lazy, so a file can be
    streamed through it (tokens reach ``vault`` as the frame is collected).
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys, _vault(vault, pol, create=True))
    schema = frame.collect_schema()
    names = schema.names()
    rules = dict(pol.columns)
    if classify:
        rules.update(classified_rules(frame, pol, exclude=set(rules)))
    exprs = [
        _column_expr(rule, schema[c], pol, ops, names) for c, rule in rules.items() if c in schema
    ]
    return frame.with_columns(exprs) if exprs else frame


def classified_rules(
    frame: pl.DataFrame | pl.LazyFrame, policy: Policy, *, exclude: set[str], sample: int = 1000
) -> dict[str, ColumnRule]:
    """Rules for the columns the policy does not name, from the inventory's classification.

    A column classified as an entity gets the policy's rule for that entity; a free-text
    column whose cells hold entities the policy covers is scanned cell by cell. Without the
    inventory extra (pyarrow) nothing is added.
    """
    try:
        from jikimi.inventory.api import classify_table
    except ModuleNotFoundError:
        return {}
    head = frame.head(sample)
    table = head.collect() if isinstance(head, pl.LazyFrame) else head
    todo = [c for c in table.columns if c not in exclude]
    if not todo or table.height == 0:
        return {}
    result = classify_table(table.select(todo).cast(pl.String), sample=sample)
    rules: dict[str, ColumnRule] = {}
    for col in result.columns:
        if col.entity is not None:
            config = policy.rule_for_entity(col.entity)
            if config is not None:
                rules[col.name] = ColumnRule(col.name, config, entity=col.entity)
        elif col.free_text and any(policy.rule_for_entity(e) for e, _ in col.text_entities):
            rules[col.name] = ColumnRule(col.name, None, scan=True)
    return rules


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


def _one_way_reason(column: str, rule: ColumnRule, ops: _Operators) -> str:
    if rule.config is not None and isinstance(ops(rule.config), Token):
        why = "no token vault is configured" if ops.vault is None else "its rule says vault: false"
        return (
            f"column {column!r} holds one-way tokens ({why}); "
            "only tokens recorded in a token vault can be revealed"
        )
    return f"column {column!r} is protected by an irreversible operator"


def one_way_token_columns(
    columns: Iterable[str], policy: PolicyLike, *, vault: VaultLike = None
) -> list[str]:
    """Columns among ``columns`` whose token rule cannot be revealed (no vault, or opted out)."""
    pol = coerce_policy(policy)
    has_vault = vault is not None or pol.vault is not None
    out = []
    for c in columns:
        rule = pol.columns.get(c)
        cfg = rule.config if rule is not None else None
        if isinstance(cfg, TokenConfig) and not (has_vault and cfg.vault):
            out.append(c)
    return out


def reveal_table(
    frame: pl.DataFrame,
    policy: PolicyLike,
    *,
    keys: KeyStore,
    sink: ReversalSink,
    request: RevealRequest,
    columns: Iterable[str] | None = None,
    vault: VaultLike = None,
) -> pl.DataFrame:
    """Undo the reversible operators (fpe, encrypt; token with a vault) on the policy's columns.

    One :class:`ReversalEvent` per revealed column goes to ``sink`` after the column
    was revealed. Any failure raises the one opaque :class:`DecryptionError`. Token
    columns are revealed only with a vault (``vault`` or the policy's); without one they
    are skipped, or refused when named in ``columns``.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys, _vault(vault, pol, create=False))
    wanted = set(columns) if columns is not None else None
    out = frame
    for c, rule in pol.columns.items():
        if c not in frame.columns or (wanted is not None and c not in wanted):
            continue
        op = _reversible(rule, ops)
        if op is None:
            if wanted is not None:
                raise UsageError(_one_way_reason(c, rule, ops))
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
    text: str,
    policy: PolicyLike,
    *,
    keys: KeyStore,
    sink: ReversalSink,
    request: RevealRequest,
    vault: VaultLike = None,
) -> str:
    """Open the ``enc.siv.…``/``enc.gcm.…`` ciphertexts in a text, and its tokens when a
    token vault is configured (``vault`` or the policy's).

    FPE output looks like the original format and cannot be found in free text; reveal
    it per column with :func:`reveal_table`. Every match must open: one that does not
    raises the opaque :class:`DecryptionError` and nothing is recorded.
    """
    pol = coerce_policy(policy)
    ops = _Operators(keys, _vault(vault, pol, create=False))
    rules = [(e.value, cfg) for e, cfg in pol.entities.items()]
    if pol.default is not None:
        rules.append(("", pol.default))
    candidates = [(ops(cfg), e) for e, cfg in rules if getattr(cfg, "operator", "") == "encrypt"]
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
    events = [
        ReversalEvent(
            "encrypt",
            entity,
            count,
            tuple(sorted(key_ids)),
            request.actor,
            request.purpose,
            request.source,
        )
        for entity, count in sorted(by_entity.items())
    ]
    if ops.vault is not None:
        out, opened = _reveal_text_tokens(out, ops, ops.vault, rules)
        events.extend(
            ReversalEvent(
                "token",
                domain,
                len(kids_seen),
                tuple(sorted(set(kids_seen))),
                request.actor,
                request.purpose,
                request.source,
            )
            for domain, kids_seen in sorted(opened.items())
        )
    for event in events:
        sink.record(event)
    return out


def _reveal_text_tokens(
    text: str, ops: _Operators, vault: TokenVault, rules: list[tuple[str, OperatorConfig]]
) -> tuple[str, dict[str, list[str]]]:
    """Replace vaulted tokens in ``text``; returns the text and key ids opened per domain.

    A token row is accepted by a rule whose domain it carries: the rule's ``domain``, else
    its entity, else (the default rule) any entity the policy does not name.
    """
    named = {entity for entity, _ in rules if entity}
    groups: dict[str, list[tuple[VaultedToken, str]]] = defaultdict(list)
    patterns: dict[str, re.Pattern[str]] = {}
    for entity, cfg in rules:
        op = ops(cfg) if getattr(cfg, "operator", "") == "token" else None
        if isinstance(op, VaultedToken):
            pat = op.pattern()
            patterns[pat.pattern] = pat
            groups[pat.pattern].append((op, entity))
    opened: dict[str, list[str]] = defaultdict(list)

    def accepts(op: VaultedToken, entity: str, domain: str) -> bool:
        if op.config.domain:
            return domain == op.config.domain
        return domain == entity if entity else domain not in named

    for key, pat in patterns.items():
        found = sorted({m.group(0) for m in pat.finditer(text)})
        if not found:
            continue
        rows: dict[str, list[VaultRow]] = defaultdict(list)
        for row in vault.fetch(found):
            rows[row[0]].append(row)
        group = groups[key]

        def open_token(m: re.Match[str]) -> str:
            for row in rows.get(m.group(0), ()):  # noqa: B023 - used before the next loop
                for op, entity in group:  # noqa: B023
                    if accepts(op, entity, row[1]):
                        value = op.open_row(row)
                        opened[row[1]].append(row[2])
                        return value
            raise TokenRevealError

        text = pat.sub(open_token, text)
    return text, opened


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
    with atomic_path(path) as tmp:
        lazy = frame.lazy()
        if fmt == "csv":
            lazy.sink_csv(tmp)
        elif fmt == "jsonl":
            lazy.sink_ndjson(tmp)
        else:
            lazy.sink_parquet(tmp)


def protect_file(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    policy: PolicyLike,
    *,
    keys: KeyStore | None = None,
    in_format: str | None = None,
    out_format: str | None = None,
    vault: VaultLike = None,
) -> list[str]:
    """Protect a CSV/JSONL/Parquet file into ``dst`` (streamed, atomic).

    Tokens are in the vault (``vault`` or the policy's) before the output file appears.
    Returns the policy columns the file does not have.
    """
    if Path(src).resolve() == Path(dst).resolve():
        raise UsageError("the output must be a different file from the input")
    pol = coerce_policy(policy)
    fmt_in = file_format(src, in_format)
    fmt_out = file_format(dst, out_format)
    lazy = scan_file(src, fmt_in)
    missing = missing_columns(lazy, pol)
    store = _vault(vault, pol, create=True)
    try:
        sink_file(protect_table(lazy, pol, keys=keys, vault=store), dst, fmt_out)
    finally:
        if isinstance(store, SqliteTokenVault) and not isinstance(vault, SqliteTokenVault):
            store.close()  # opened here from a path: release the file
    return missing
