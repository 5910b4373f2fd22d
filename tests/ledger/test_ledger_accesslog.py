"""The hash-chained access log: appends, tamper detection of each kind, retention, concurrency."""

from __future__ import annotations

import itertools
import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from jikimi.ledger.accesslog import AccessEvent, AccessLog, Action
from jikimi.ledger.db import open_engine
from jikimi.ledger.errors import LedgerError
from jikimi.ledger.retention import RetentionRule
from jikimi.ledger.signing import Ed25519Signer, HmacSigner

KEY = HmacSigner(b"k" * 32)


def _event(i: int, **kw: object) -> AccessEvent:
    base: dict[str, object] = {
        "actor": f"user{i % 3}",
        "action": Action.VIEW,
        "resource": "crm.customers",
        "purpose": "billing",
        "subject_count": 2,
        "subject_refs": (f"s{i}", f"s{i + 1}"),
        "fields": ("email", "phone"),
        "location": "10.0.0.1",
    }
    base.update(kw)
    return AccessEvent(**base)  # type: ignore[arg-type]


def _filled(engine: Engine, n: int = 20, every: int = 5) -> AccessLog:
    log = AccessLog(engine, KEY, checkpoint_every=every)
    for start in range(0, n, every):  # batches end on checkpoint boundaries
        log.append_many(_event(i) for i in range(start, min(n, start + every)))
    return log


def _sql(engine: Engine, sql: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql))


def test_append_links_entries_and_verifies(engine: Engine) -> None:
    log = AccessLog(engine, KEY, checkpoint_every=3)
    first = log.append(_event(0))
    assert first.seq == 1 and first.prev_hash == "0" * 64
    seqs = log.append_many(_event(i) for i in range(1, 7))
    assert seqs == [2, 3, 4, 5, 6, 7]
    entries = log.entries()
    assert [e.seq for e in entries] == list(range(1, 8))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[0].fields == ("email", "phone")
    assert entries[0].subject_refs == ("s0", "s1")
    report = log.verify()
    assert report.ok, report.problems
    assert report.entries == 7
    assert report.checkpoints == 1  # one signed checkpoint at the end of the batch (7)
    assert report.signatures_checked == 1
    assert log.head() == (7, entries[-1].hash)


def test_pagination_is_keyset(engine: Engine) -> None:
    log = _filled(engine, 12)
    page1 = log.entries(after=0, limit=5)
    page2 = log.entries(after=page1[-1].seq, limit=5)
    assert [e.seq for e in page2] == [6, 7, 8, 9, 10]


def test_edited_entry_is_found(engine: Engine) -> None:
    log = _filled(engine)
    _sql(engine, "UPDATE ledger_access_log SET purpose = 'marketing' WHERE seq = 7")
    report = log.verify()
    assert not report.ok
    assert [(p.seq, p.kind) for p in report.problems] == [(7, "edited")]


def test_edit_with_recomputed_hash_breaks_next_link(engine: Engine) -> None:
    from jikimi.ledger.canonical import CANONICAL_COLUMNS, entry_hash

    log = _filled(engine)
    with engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM ledger_access_log WHERE seq = 7")).mappings().one()
        values = dict(row)
        values["purpose"] = "marketing"
        new_hash = entry_hash([values[c] for c in CANONICAL_COLUMNS])
        conn.execute(
            text("UPDATE ledger_access_log SET purpose='marketing', hash=:h WHERE seq=7"),
            {"h": new_hash},
        )
    kinds = {(p.seq, p.kind) for p in log.verify().problems}
    assert (8, "broken_link") in kinds
    assert (7, "edited") not in kinds


def test_deleted_entry_is_found(engine: Engine) -> None:
    log = _filled(engine)
    _sql(engine, "DELETE FROM ledger_access_log WHERE seq = 9")
    problems = log.verify().problems
    assert (9, "missing") in {(p.seq, p.kind) for p in problems}
    assert (10, "broken_link") in {(p.seq, p.kind) for p in problems}


def test_deleted_tail_is_found(engine: Engine) -> None:
    log = _filled(engine)
    _sql(engine, "DELETE FROM ledger_access_log WHERE seq > 17")
    kinds = {p.kind for p in log.verify().problems}
    assert "truncated" in kinds


def test_deleted_tail_with_forged_head_is_caught_by_checkpoint(engine: Engine) -> None:
    log = _filled(engine, 20, every=5)
    with engine.begin() as conn:
        h = conn.execute(text("SELECT hash FROM ledger_access_log WHERE seq = 17")).scalar_one()
        conn.execute(text("DELETE FROM ledger_access_log WHERE seq > 17"))
        conn.execute(text("UPDATE ledger_chain_head SET last_seq = 17, last_hash = :h"), {"h": h})
    problems = log.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(20, "truncated")]


def test_reordered_entries_are_found(engine: Engine) -> None:
    log = _filled(engine)
    # swap the contents of entries 5 and 6, keeping their numbers
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_access_log SET seq = -5 WHERE seq = 5"))
        conn.execute(text("UPDATE ledger_access_log SET seq = 5 WHERE seq = 6"))
        conn.execute(text("UPDATE ledger_access_log SET seq = 6 WHERE seq = -5"))
    problems = {(p.seq, p.kind) for p in log.verify().problems}
    assert (5, "broken_link") in problems
    assert (5, "edited") in problems and (6, "edited") in problems


def test_inserted_entry_is_found(engine: Engine) -> None:
    from jikimi.ledger.canonical import CANONICAL_COLUMNS, entry_hash

    log = _filled(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_access_log SET seq = seq + 1000 WHERE seq > 10"))
        conn.execute(text("UPDATE ledger_access_log SET seq = seq - 999 WHERE seq > 1000"))
        row = conn.execute(text("SELECT * FROM ledger_access_log WHERE seq = 10")).mappings().one()
        forged = dict(row)
        forged.update(seq=11, actor="intruder", prev_hash=row["hash"])
        forged["hash"] = entry_hash([forged[c] for c in CANONICAL_COLUMNS])  # a careful forger
        cols = ", ".join(forged)
        conn.execute(
            text(
                f"INSERT INTO ledger_access_log ({cols}) "
                f"VALUES ({', '.join(':' + c for c in forged)})"
            ),
            forged,
        )
    problems = {(p.seq, p.kind) for p in log.verify().problems}
    assert (11, "edited") not in problems  # the forged row is self-consistent ...
    assert (12, "broken_link") in problems  # ... but the next genuine entry no longer links
    assert (12, "edited") in problems  # and renumbered entries no longer match their hashes


def test_rewritten_history_fails_signed_checkpoint(engine: Engine) -> None:
    from jikimi.ledger.canonical import CANONICAL_COLUMNS, entry_hash

    log = _filled(engine, 10, every=5)
    # Recompute the whole chain from entry 3 on, as an attacker with write access could.
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM ledger_access_log ORDER BY seq")).mappings().all()
        prev = rows[1]["hash"]
        for r in rows[2:]:
            v = dict(r)
            v["prev_hash"] = prev
            if v["seq"] == 3:
                v["purpose"] = "marketing"
            v["hash"] = entry_hash([v[c] for c in CANONICAL_COLUMNS])
            conn.execute(
                text(
                    "UPDATE ledger_access_log SET purpose=:purpose, prev_hash=:prev_hash, "
                    "hash=:hash WHERE seq=:seq"
                ),
                v,
            )
            prev = v["hash"]
        conn.execute(text("UPDATE ledger_chain_head SET last_hash = :h"), {"h": prev})
        # and also forge the checkpoint hashes: the signatures then fail
        conn.execute(text("UPDATE ledger_checkpoint SET hash = :h WHERE seq = 10"), {"h": prev})
    problems = {(p.seq, p.kind) for p in log.verify().problems}
    assert (5, "checkpoint_mismatch") in problems
    assert (10, "bad_signature") in problems


def test_wrong_key_is_reported(engine: Engine) -> None:
    log = _filled(engine, 10, every=5)
    report = log.verify(HmacSigner(b"x" * 32))
    assert {p.kind for p in report.problems} == {"bad_signature"}


def test_ed25519_checkpoints_verify_with_public_key_only(sqlite_engine: Engine) -> None:
    signer = Ed25519Signer.generate()
    log = AccessLog(sqlite_engine, signer, checkpoint_every=4)
    log.append_many(_event(i) for i in range(8))
    assert log.checkpoint() == 8
    public_only = Ed25519Signer(public=signer._public)
    report = AccessLog(sqlite_engine).verify(public_only)
    assert report.ok and report.signatures_checked == 1  # one checkpoint at 8
    assert "key" not in repr(signer).lower().replace("key_id", "")


def test_signers_refuse_short_keys_and_pickling() -> None:
    import pickle

    with pytest.raises(LedgerError):
        HmacSigner(b"short")
    with pytest.raises(TypeError):
        pickle.dumps(KEY)
    assert "kkkk" not in repr(KEY)


@pytest.mark.parametrize(
    "bad",
    [
        {"actor": ""},
        {"subject_count": -1},
        {"subject_count": 1},  # two refs but count 1
        {"purpose": "a\x1fb"},
        {"fields": ("ok", "bad\x1e")},
        {"at": datetime(2025, 1, 1)},  # naive
    ],
)
def test_bad_events_are_rejected_and_nothing_written(
    sqlite_engine: Engine, bad: dict[str, object]
) -> None:
    log = AccessLog(sqlite_engine)
    log.append(_event(0))
    with pytest.raises(LedgerError):
        log.append_many([_event(1), _event(2, **bad)])
    assert log.head()[0] == 1
    assert log.verify().ok


def test_retention_rule_years() -> None:
    assert RetentionRule().years == 1
    assert RetentionRule(subjects=49_999).years == 1
    assert RetentionRule(subjects=50_000).years == 2
    assert RetentionRule(unique_ids=True).years == 2
    assert RetentionRule(sensitive=True).years == 2
    assert RetentionRule(telecom_carrier=True).years == 2
    assert "2 years" in RetentionRule(sensitive=True).reason
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert RetentionRule().keep_since(leap) == datetime(2027, 2, 28, tzinfo=UTC)


def test_purge_keeps_chain_valid_and_honours_two_years(engine: Engine) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    log = AccessLog(engine, KEY, checkpoint_every=100)
    old = [_event(i, at=now - timedelta(days=800 - i)) for i in range(5)]  # > 2 years
    mid = [_event(i, at=now - timedelta(days=500)) for i in range(3)]  # 1-2 years
    new = [_event(i, at=now - timedelta(days=10)) for i in range(2)]
    log.append_many(old + mid + new)
    assert log.purge_expired(RetentionRule(sensitive=True), now) == 5
    assert log.verify().ok
    assert log.purge_expired(RetentionRule(), now) == 3
    report = log.verify()
    assert report.ok, report.problems
    assert report.first_seq == 9 and report.last_seq == 12  # 2 kept + 2 purge records
    assert log.entries()[-1].action == "purge"


def test_unrecorded_purge_is_found(engine: Engine) -> None:
    log = _filled(engine, 10, every=100)
    with engine.begin() as conn:
        h = conn.execute(text("SELECT hash FROM ledger_access_log WHERE seq = 4")).scalar_one()
        conn.execute(text("DELETE FROM ledger_access_log WHERE seq <= 4"))
        conn.execute(text("UPDATE ledger_chain_head SET base_seq = 4, base_hash = :h"), {"h": h})
    assert [(p.seq, p.kind) for p in log.verify().problems] == [(4, "missing")]


def _worker(url: str, tag: int, n: int) -> None:
    engine = open_engine(url)
    log = AccessLog(engine, KEY, checkpoint_every=7)
    for i in range(n):
        if i % 4 == 0:
            log.append_many([_event(i, actor=f"p{tag}"), _event(i + 1, actor=f"p{tag}")])
        else:
            log.append(_event(i, actor=f"p{tag}"))
    engine.dispose()


def test_concurrent_appends_from_processes_form_one_chain(db_url: str) -> None:
    ctx = multiprocessing.get_context("fork")  # children build their own engines
    procs = [ctx.Process(target=_worker, args=(db_url, t, 20)) for t in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    engine = open_engine(db_url)
    log = AccessLog(engine, KEY)
    report = log.verify()
    engine.dispose()
    assert report.ok, report.problems
    assert report.entries == 4 * (20 + 5)  # 15 single + 5 pairs per process
    assert report.signatures_checked >= 10


def test_large_batch_round_trips(engine: Engine) -> None:
    """Batches of 64+ go through COPY on PostgreSQL; content and chain must be identical."""
    log = AccessLog(engine, KEY, checkpoint_every=50)
    events = [
        _event(i, reason=f"ticket {i}; 한글 ok", fields=("a,b", 'q"uote')) for i in range(150)
    ]
    assert log.append_many(events) == list(range(1, 151))
    got = log.entries(limit=200)
    assert [e.reason for e in got] == [f"ticket {i}; 한글 ok" for i in range(150)]
    assert got[5].fields == ("a,b", 'q"uote') and got[5].subject_refs == ("s5", "s6")
    report = log.verify()
    assert report.ok and report.entries == 150 and report.signatures_checked == 1


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (None, set()),
        ("UPDATE ledger_access_log SET purpose = 'x' WHERE seq = 9", {(9, "edited")}),
        ("DELETE FROM ledger_access_log WHERE seq = 9", {(9, "missing"), (10, "broken_link")}),
        ("DELETE FROM ledger_access_log WHERE seq = 14", {(14, "missing")}),  # range edge
        ("DELETE FROM ledger_access_log WHERE seq = 20", {(20, "truncated")}),
    ],
)
def test_parallel_verify_finds_the_same(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tamper: str | None,
    expected: set[tuple[int, str]],
) -> None:
    import jikimi.ledger.accesslog as accesslog

    log = _filled(engine, 20, every=5)
    if tamper:
        _sql(engine, tamper)
    monkeypatch.setattr(accesslog, "PARALLEL_MIN", 10)
    parallel = log.verify(workers=3)  # ranges 1-7, 8-14, 15-20
    sequential = log.verify()
    assert {(p.seq, p.kind) for p in parallel.problems} >= expected
    assert {(p.seq, p.kind) for p in parallel.problems} <= {
        (p.seq, p.kind) for p in sequential.problems
    }
    assert parallel.ok is sequential.ok is (not expected)
    assert parallel.entries == sequential.entries
    assert parallel.signatures_checked == sequential.signatures_checked


def test_parallel_verify_after_purge(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jikimi.ledger.accesslog as accesslog

    now = datetime(2026, 6, 1, tzinfo=UTC)
    log = AccessLog(sqlite_engine, KEY)
    log.append_many([_event(i, at=now - timedelta(days=900)) for i in range(10)])
    log.append_many([_event(i) for i in range(20)])
    log.purge_expired(RetentionRule(), now)
    monkeypatch.setattr(accesslog, "PARALLEL_MIN", 5)
    report = log.verify(workers=2)
    assert report.ok, report.problems
    assert report.first_seq == 11 and report.entries == 21
