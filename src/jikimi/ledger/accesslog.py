"""The append-only, hash-chained access log (PIPC safety measures Art. 8).

Each entry's hash covers its canonical form and the previous entry's hash, so an edited,
deleted, inserted or reordered entry breaks the chain at a place :meth:`AccessLog.verify`
names. Writers serialize on the chain-head row (``SELECT ... FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite), so appends from many processes still form one chain. Signed
checkpoints anchor the chain against a wholesale rewrite with recomputed hashes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, func, insert, select, update

from jikimi.ledger.canonical import (
    CANONICAL_COLUMNS,
    VERSION,
    checkpoint_message,
    encode_list,
    entry_hash,
    has_separator,
)
from jikimi.ledger.db import is_sqlite, now_us, write_tx
from jikimi.ledger.errors import LedgerError
from jikimi.ledger.models import ACCESS_CHAIN, AccessEntry, ChainHead, Checkpoint
from jikimi.ledger.retention import RetentionRule
from jikimi.ledger.signing import Signer

_LOG = cast(Table, AccessEntry.__table__)
_HEAD = cast(Table, ChainHead.__table__)
_CP = cast(Table, Checkpoint.__table__)
MAX_PROBLEMS = 100
_COPY_MIN = 64  # batches at least this large go through PostgreSQL COPY
_COLUMNS = (*CANONICAL_COLUMNS, "hash")


class Action(StrEnum):
    """What was done to the data (the action items of the safety-measure standard, Art. 2)."""

    VIEW = "view"
    CHANGE = "change"
    INPUT = "input"
    DELETE = "delete"
    PRINT = "print"
    DOWNLOAD = "download"
    PURGE = "purge"


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One access to be logged: who, what, when, why, how many subjects, which fields.

    ``subject_refs`` identify whose data was processed (the standard asks for it); use
    pseudonymous ids where possible. ``location`` is the access location (an IP address).
    """

    actor: str
    action: Action
    resource: str
    purpose: str
    subject_count: int = 0
    subject_refs: tuple[str, ...] = field(default=(), repr=False)
    fields: tuple[str, ...] = ()
    location: str = ""
    reason: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """An entry as stored, with its place in the chain."""

    seq: int
    at: datetime
    actor: str
    action: str
    resource: str
    purpose: str
    subject_count: int
    subject_refs: tuple[str, ...] = field(repr=False)
    fields: tuple[str, ...]
    location: str
    reason: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One place where the chain does not hold: the entry number and what is wrong."""

    seq: int
    kind: str  # edited | missing | broken_link | truncated | checkpoint_mismatch | bad_signature
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Result of a full chain check."""

    entries: int
    first_seq: int
    last_seq: int
    checkpoints: int
    signatures_checked: int
    problems: tuple[Problem, ...]
    problems_total: int

    @property
    def ok(self) -> bool:
        return self.problems_total == 0


def _us_to_dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _dt_to_us(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise LedgerError("instants must be timezone-aware")
    return int(dt.timestamp() * 1_000_000)


def _check_text(name: str, value: str, limit: int) -> None:
    if has_separator(value):
        raise LedgerError(f"{name} contains a control separator character")
    if len(value) > limit:
        raise LedgerError(f"{name} is longer than {limit} characters")


def _row_values(event: AccessEvent, seq: int, ts: int, prev: str) -> dict[str, Any]:
    if event.subject_count < 0:
        raise LedgerError("subject_count cannot be negative")
    if event.subject_count < len(set(event.subject_refs)):
        raise LedgerError("subject_count is smaller than the number of subject refs")
    for name, value, limit in (
        ("actor", event.actor, 128),
        ("resource", event.resource, 256),
        ("purpose", event.purpose, 128),
        ("location", event.location, 64),
        ("reason", event.reason, 2000),
    ):
        _check_text(name, value, limit)
    if not event.actor or not event.purpose:
        raise LedgerError("an access event needs an actor and a purpose")
    for item in (*event.fields, *event.subject_refs):
        _check_text("a field or subject ref", item, 256)
    row: dict[str, Any] = {
        "seq": seq,
        "ts_us": _dt_to_us(event.at) if event.at is not None else ts,
        "actor": event.actor,
        "action": Action(event.action).value,
        "resource": event.resource,
        "purpose": event.purpose,
        "subject_count": event.subject_count,
        "subject_refs": encode_list(event.subject_refs),
        "fields": encode_list(event.fields),
        "location": event.location,
        "reason": event.reason,
        "prev_hash": prev,
    }
    row["hash"] = entry_hash([row[c] for c in CANONICAL_COLUMNS])
    return row


def _copy_rows(conn: Any, rows: list[dict[str, Any]]) -> None:
    """Insert a batch with COPY on the transaction's own connection (several times faster)."""
    raw = conn.connection.driver_connection
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY ledger_access_log ({', '.join(_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in _COLUMNS])


def _to_entry(row: Any) -> LoggedEntry:
    import json

    return LoggedEntry(
        seq=row.seq,
        at=_us_to_dt(row.ts_us),
        actor=row.actor,
        action=row.action,
        resource=row.resource,
        purpose=row.purpose,
        subject_count=row.subject_count,
        subject_refs=tuple(json.loads(row.subject_refs)),
        fields=tuple(json.loads(row.fields)),
        location=row.location,
        reason=row.reason,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AccessLog:
    """The access log of one ledger database.

    Args:
        engine: from :func:`jikimi.ledger.db.open_engine`, already migrated.
        signer: signs a checkpoint every ``checkpoint_every`` entries; None disables them.
    """

    def __init__(
        self, engine: Engine, signer: Signer | None = None, checkpoint_every: int = 1000
    ) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be positive")
        self._engine = engine
        self._signer = signer
        self._every = checkpoint_every

    def append(self, event: AccessEvent) -> LoggedEntry:
        """Append one entry in its own transaction and return it as stored."""
        seqs = self.append_many([event])
        return self.entries(after=seqs[0] - 1, limit=1)[0]

    def append_many(self, events: Iterable[AccessEvent]) -> list[int]:
        """Append entries in one transaction (all or none); returns their sequence numbers."""
        batch = list(events)
        if not batch:
            return []
        with write_tx(self._engine) as conn:
            return self._append_in(conn, batch)

    def _lock_head(self, conn: Any) -> Any:
        stmt = select(_HEAD).where(_HEAD.c.chain == ACCESS_CHAIN)
        if not is_sqlite(self._engine):
            stmt = stmt.with_for_update()
        return conn.execute(stmt).one()

    def _append_in(self, conn: Any, batch: list[AccessEvent]) -> list[int]:
        ts = now_us()
        head = self._lock_head(conn)
        seq, prev = int(head.last_seq), str(head.last_hash)
        first = seq + 1
        rows = []
        for event in batch:
            seq += 1
            row = _row_values(event, seq, ts, prev)
            prev = row["hash"]
            rows.append(row)
        if len(rows) >= _COPY_MIN and self._engine.dialect.name == "postgresql":
            _copy_rows(conn, rows)
        else:
            conn.execute(insert(_LOG), rows)
        conn.execute(
            update(_HEAD).where(_HEAD.c.chain == ACCESS_CHAIN).values(last_seq=seq, last_hash=prev)
        )
        if self._signer is not None and seq // self._every > (first - 1) // self._every:
            self._write_checkpoint(conn, seq, prev, ts)
        return list(range(first, seq + 1))

    def checkpoint(self) -> int | None:
        """Sign the current head now (e.g. at the end of a day); returns its seq."""
        if self._signer is None:
            raise LedgerError("no checkpoint key is configured")
        with write_tx(self._engine) as conn:
            head = self._lock_head(conn)
            if head.last_seq == 0:
                return None
            exists = conn.execute(select(_CP.c.seq).where(_CP.c.seq == head.last_seq)).first()
            if exists is None:
                self._write_checkpoint(conn, int(head.last_seq), str(head.last_hash), now_us())
            return int(head.last_seq)

    def _write_checkpoint(self, conn: Any, seq: int, head_hash: str, ts: int) -> None:
        assert self._signer is not None
        sig = self._signer.sign(checkpoint_message(seq, head_hash, ts))
        conn.execute(
            insert(_CP).values(
                seq=seq, hash=head_hash, ts_us=ts, key_id=self._signer.key_id, signature=sig
            )
        )

    def entries(self, after: int = 0, limit: int = 100) -> list[LoggedEntry]:
        """Entries with ``seq > after`` in order, at most ``limit`` (keyset pagination)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_LOG).where(_LOG.c.seq > after).order_by(_LOG.c.seq).limit(limit)
            ).all()
        return [_to_entry(r) for r in rows]

    def head(self) -> tuple[int, str]:
        """The last sequence number and hash."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.chain == ACCESS_CHAIN)
            ).one()
        return int(row.last_seq), str(row.last_hash)

    def purge_expired(self, rule: RetentionRule, now: datetime | None = None) -> int:
        """Delete entries older than the retention period; the chain keeps verifying.

        Only a prefix of the chain is removed; the new base (seq and hash) is written to the
        head row and the purge itself is logged with ``through=<seq>``, so a purge that was
        not recorded is reported by :meth:`verify`.
        """
        now = now if now is not None else datetime.now(UTC)
        cutoff = _dt_to_us(rule.keep_since(now))
        with write_tx(self._engine) as conn:
            head = self._lock_head(conn)
            first_kept = conn.execute(
                select(_LOG.c.seq).where(_LOG.c.ts_us >= cutoff).order_by(_LOG.c.seq).limit(1)
            ).scalar()
            through = (int(first_kept) - 1) if first_kept is not None else int(head.last_seq)
            if through <= head.base_seq:
                return 0
            base_hash = conn.execute(select(_LOG.c.hash).where(_LOG.c.seq == through)).scalar_one()
            removed = conn.execute(
                delete(_LOG).where(_LOG.c.seq <= through, _LOG.c.seq > head.base_seq)
            ).rowcount
            conn.execute(
                update(_HEAD)
                .where(_HEAD.c.chain == ACCESS_CHAIN)
                .values(base_seq=through, base_hash=base_hash)
            )
            event = AccessEvent(
                actor="jikimi",
                action=Action.PURGE,
                resource="access_log",
                purpose="retention",
                reason=f"through={through}; {rule.reason}",
            )
            self._append_in(conn, [event])
        return int(removed)

    def verify(self, signer: Signer | None = None, workers: int = 1) -> VerifyReport:
        """Check every entry and checkpoint; ``signer`` (or the log's own key) checks signatures.

        Reports where the chain breaks: an entry whose content no longer matches its hash
        (edited), a gap in the numbering (deleted), an entry whose previous-hash does not
        match its predecessor (deleted, inserted or moved), a head or checkpoint that points
        past the stored entries (truncated), or a checkpoint whose hash or signature fails.
        """
        return verify_chain(self._engine, signer or self._signer, workers)


def _stream(engine: Engine, conn: Any, lo: int, hi: int) -> Iterator[Sequence[Any]]:
    """Rows with ``lo <= seq <= hi`` in order, straight from the driver (no ORM overhead)."""
    cols = ", ".join(_COLUMNS)
    where = f"WHERE seq >= {int(lo)} AND seq <= {int(hi)}"
    sql = f"SELECT {cols} FROM ledger_access_log {where} ORDER BY seq"
    raw = conn.connection.driver_connection
    if is_sqlite(engine):
        cur = raw.cursor()
        cur.execute(sql)
        while chunk := cur.fetchmany(20_000):
            yield from chunk
        cur.close()
    else:
        with raw.cursor(name="jikimi_verify") as cur:
            cur.itersize = 20_000
            cur.execute(sql)
            yield from cur


@dataclass(slots=True)
class _Scan:
    """What one pass over a range of entries found."""

    count: int = 0
    first_seq: int = 0
    last_seq: int = 0
    last_hash: str = ""
    purged_through: int = 0
    total: int = 0
    problems: list[Problem] = field(default_factory=list)

    def report(self, seq: int, kind: str, detail: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(seq, kind, detail))


def _scan(
    rows: Iterable[Sequence[Any]], expected: int, prev: str | None, cp_hashes: dict[int, str]
) -> _Scan:
    """Check hashes, numbering and links of consecutive entries starting at ``expected``.

    ``prev`` is the hash the first entry must link to (None: not known, skip that link).
    """
    out = _Scan(last_seq=expected - 1, last_hash=prev or "")
    sha = hashlib.sha256
    version = VERSION
    report = out.report
    count = 0
    for row in rows:
        s, ts, ac, an, rs, pu, sc, sr, fi, lo, why, pr, stored = row
        if count == 0:
            out.first_seq = s
        count += 1
        if s != expected:
            report(expected, "missing", f"entries {expected}..{s - 1} are missing (deleted)")
        if pr != prev and prev is not None:
            report(
                s,
                "broken_link",
                "previous-hash does not match the entry before it "
                "(an entry was deleted, inserted or moved here)",
            )
        body = f"{version}\x1e{s}\x1f{ts}\x1f{ac}\x1f{an}\x1f{rs}\x1f{pu}\x1f{sc}\x1f{sr}\x1f{fi}\x1f{lo}\x1f{why}\x1f{pr}"  # noqa: E501
        if sha(body.encode()).hexdigest() != stored:
            report(s, "edited", "content does not match its hash (entry edited)")
        if an == "purge" and why.startswith("through="):
            out.purged_through = int(why[8:].split(";", 1)[0])
        cp = cp_hashes.get(s)
        if cp is not None and cp != stored:
            report(
                s,
                "checkpoint_mismatch",
                "signed checkpoint disagrees with this entry (history rewritten)",
            )
        prev = stored
        expected = s + 1
    out.count = count
    out.last_seq = expected - 1
    out.last_hash = prev or ""
    return out


def _scan_range(
    url: str, lo: int, hi: int, prev: str | None, cp_hashes: dict[int, str], final: bool
) -> _Scan:
    """Worker: verify ``lo..hi`` in its own connection.

    ``prev`` is the hash the first entry links to; None means "read it from entry lo - 1".
    """
    from jikimi.ledger.db import open_engine

    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            before = prev
            if before is None:
                before = conn.execute(select(_LOG.c.hash).where(_LOG.c.seq == lo - 1)).scalar()
            result = _scan(_stream(engine, conn, lo, hi), lo, before, cp_hashes)
        if result.last_seq < hi and not final:  # a gap at the end (the last is "truncated")
            result.report(
                result.last_seq + 1,
                "missing",
                f"entries {result.last_seq + 1}..{hi} are missing (deleted)",
            )
        return result
    finally:
        engine.dispose()


def verify_chain(engine: Engine, signer: Signer | None = None, workers: int = 1) -> VerifyReport:
    """Verify the access-log chain stored behind ``engine`` (see :meth:`AccessLog.verify`).

    With ``workers > 1`` and a large chain, ranges are checked in parallel processes (each
    entry's hash and its link to the one before are independent checks); the findings are
    the same as a single pass, except that a link is not re-reported next to a gap.
    """
    with engine.connect() as conn:  # autobegin: one snapshot for head, checkpoints, entries
        head = conn.execute(select(_HEAD).where(_HEAD.c.chain == ACCESS_CHAIN)).one()
        cps = {
            int(r.seq): r for r in conn.execute(select(_CP).where(_CP.c.seq > head.base_seq)).all()
        }
        cp_hashes = {seq: str(cp.hash) for seq, cp in cps.items()}
        base, last = int(head.base_seq), int(head.last_seq)
        span = last - base
        top = max(last, _max_seq(conn))  # entries past the head are checked too
        if workers > 1 and span >= PARALLEL_MIN:
            scans = _parallel(engine, base, str(head.base_hash), top, cp_hashes, workers)
        else:
            scans = [
                _scan(
                    _stream(engine, conn, base + 1, top), base + 1, str(head.base_hash), cp_hashes
                )
            ]
    problems: list[Problem] = []
    total = 0
    for sc in scans:
        total += sc.total
        problems.extend(sc.problems)
    done = [sc for sc in scans if sc.count]
    count = sum(sc.count for sc in scans)
    first_seq = done[0].first_seq if done else 0
    last_seen = done[-1].last_seq if done else base
    last_hash = done[-1].last_hash if done else str(head.base_hash)
    purged_through = max((sc.purged_through for sc in scans), default=0)
    tail = _Scan()
    if last_seen != last or last_hash != head.last_hash:
        tail.report(
            last_seen + 1,
            "truncated",
            f"chain head says {last} entries; stored chain ends at {last_seen}",
        )
    if base > purged_through:
        tail.report(base, "missing", "entries were removed below the base without a recorded purge")
    signed = 0
    for seq, cp in sorted(cps.items()):
        if seq > last_seen:
            tail.report(seq, "truncated", "a signed checkpoint points past the end of the chain")
        if signer is not None:
            if cp.key_id != signer.key_id:
                tail.report(seq, "bad_signature", "checkpoint signed with an unknown key")
            elif not signer.verify(checkpoint_message(seq, cp.hash, cp.ts_us), cp.signature):
                tail.report(seq, "bad_signature", "checkpoint signature does not verify")
            else:
                signed += 1
    problems = sorted(problems + tail.problems, key=lambda p: p.seq)[:MAX_PROBLEMS]
    return VerifyReport(
        entries=count,
        first_seq=first_seq,
        last_seq=last_seen,
        checkpoints=len(cps),
        signatures_checked=signed,
        problems=tuple(problems),
        problems_total=total + tail.total,
    )


PARALLEL_MIN = 100_000


def _max_seq(conn: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(_LOG.c.seq), 0))).scalar_one())


def _parallel(
    engine: Engine, base: int, base_hash: str, last: int, cp_hashes: dict[int, str], workers: int
) -> list[_Scan]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    url = engine.url.render_as_string(hide_password=False)
    step = -(-(last - base) // workers)
    ranges = [(lo, min(lo + step - 1, last)) for lo in range(base + 1, last + 1, step)]
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(len(ranges), mp_context=ctx) as pool:
        futures = [
            # the first range links to the base, kept in the head row rather than an entry
            pool.submit(
                _scan_range,
                url,
                lo,
                hi,
                base_hash if lo == base + 1 else None,
                cp_hashes,
                hi == last,
            )
            for lo, hi in ranges
        ]
        return [f.result() for f in futures]
