"""SQLite through the SQL source: read-only, keyed sampling, estimates, timeouts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from jikimi.sources.sql import SqlOptions, SqlSource, is_database_url, safe_url
from jikimi.sources.tables import SampleSpec, SourceError


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, phone TEXT, note TEXT);
        CREATE TABLE code(code TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID;
        CREATE TABLE "odd:name"("a:b" TEXT);
        CREATE VIEW v_customer AS SELECT name, phone FROM customer;
        """
    )
    con.executemany(
        "INSERT INTO customer(id, name, phone, note) VALUES (?, ?, ?, ?)",
        [
            (i * 3, "김민수", f"010-1234-{i % 10000:04d}", None if i % 2 else "x")
            for i in range(1, 20_001)
        ],
    )
    con.executemany("INSERT INTO code VALUES (?, ?)", [(f"C{i}", "label") for i in range(50)])
    con.execute("INSERT INTO \"odd:name\" VALUES ('v')")
    con.commit()
    con.close()
    return path


def test_lists_tables_columns_and_integer_keys(db: Path) -> None:
    with SqlSource(f"sqlite:///{db}") as src:
        refs = {r.name: r for r in src.tables()}
        assert set(refs) == {"customer", "code", "odd:name"}
        assert refs["customer"].key == "id"
        assert refs["code"].key is None
        assert [c for c, _ in refs["customer"].columns] == ["id", "name", "phone", "note"]
    with SqlSource(f"sqlite:///{db}", SqlOptions(include_views=True)) as src:
        views = [r for r in src.tables() if r.is_view]
        assert [v.name for v in views] == ["v_customer"]


def test_keyed_sample_is_seeded_and_spread_over_the_key_range(db: Path) -> None:
    with SqlSource(f"sqlite:///{db}") as src:
        ref = next(r for r in src.tables() if r.name == "customer")
        a = src.sample(ref, SampleSpec(size=200, seed=1))
        b = src.sample(ref, SampleSpec(size=200, seed=1))
        c = src.sample(ref, SampleSpec(size=200, seed=2))
    assert a.method == "keyed" and a.rows_sampled == 200
    assert a.values["id"] == b.values["id"] and a.values["id"] != c.values["id"]
    ids = sorted(int(v) for v in a.values["id"] if v is not None)
    assert ids[0] < 20_000 and ids[-1] > 40_000
    assert a.rows_total is not None and 50_000 < a.rows_total < 70_000  # key-range estimate
    assert not a.rows_exact
    assert a.values["note"].count(None) > 0


def test_sqlite_stat1_estimate_after_analyze(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("CREATE INDEX ix_phone ON customer(phone)")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    with SqlSource(f"sqlite:///{db}") as src:
        ref = next(r for r in src.tables() if r.name == "customer")
        assert src.sample(ref, SampleSpec(size=10)).rows_total == 20_000


def test_small_and_keyless_tables(db: Path) -> None:
    with SqlSource(f"sqlite:///{db}") as src:
        refs = {r.name: r for r in src.tables()}
        small = src.sample(refs["code"], SampleSpec(size=100))
        assert small.method == "all rows" and small.rows_exact and small.rows_total == 50
        head = src.sample(refs["code"], SampleSpec(size=10))
        assert head.method == "head" and head.issues and "first rows" in head.issues[0]
        odd = src.sample(refs["odd:name"], SampleSpec(size=10))
        assert odd.values == {"a:b": ["v"]}


def test_full_scan_when_asked_gives_exact_counts(db: Path) -> None:
    with SqlSource(f"sqlite:///{db}") as src:
        ref = next(r for r in src.tables() if r.name == "customer")
        s = src.sample(ref, SampleSpec(size=50, seed=4, full_scan=True))
    assert s.method == "full scan" and s.rows_exact and s.rows_total == 20_000
    assert s.rows_read == 20_000 and s.rows_sampled == 50


def test_connections_are_read_only(db: Path) -> None:
    with (
        SqlSource(f"sqlite:///{db}") as src,
        src.engine.connect() as conn,
        pytest.raises(exc.OperationalError, match="readonly"),
    ):
        conn.execute(sa.text("DELETE FROM customer"))
    assert sqlite3.connect(db).execute("SELECT count(*) FROM customer").fetchone() == (20_000,)


def test_statement_timeout_interrupts_long_queries(db: Path) -> None:
    slow = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000) "
        "SELECT count(*) FROM n"
    )
    with (
        SqlSource(f"sqlite:///{db}", SqlOptions(timeout_s=0.05)) as src,
        src.engine.connect() as c,
        pytest.raises(exc.OperationalError, match="interrupted"),
    ):
        c.execute(sa.text(slow))


def test_missing_database_and_bad_urls(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such SQLite file"):
        SqlSource(f"sqlite:///{tmp_path / 'nope.db'}")
    with pytest.raises(SourceError, match="no driver"):
        SqlSource("nosuchdb://u@h/x").connect()
    assert safe_url("postgresql://u:s3cret@h/db") == "postgresql://u:***@h/db"
    assert is_database_url("sqlite:///a.db") and not is_database_url("data/a.csv")
    assert not is_database_url("https://example.com/a.csv")
