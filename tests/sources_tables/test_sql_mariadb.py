"""An inventory of a real MariaDB database the test creates and drops.

Mixed column types, NULLs, odd identifiers, a 200k-row table generated server-side from
the Sequence engine, Korean and Chinese identifiers from ``jikimi.testing.values``, a
table the scanning user may not read, a broken view and a locked table: the unreadable
ones are reported and the rest completes. Sessions are read-only and time-limited.
"""

from __future__ import annotations

import os
import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from jikimi.inventory import InventoryConfig, inventory
from jikimi.sources import sql
from jikimi.sources.sql import SqlOptions, SqlSource, UnsafeSessionError, _reason
from jikimi.sources.tables import SampleSpec, SourceError
from jikimi.testing import lexicon, values
from jikimi.types import EntityId

mariadb = pytest.mark.mariadb

HOST, PORT = "127.0.0.1", 3306
BIG_ROWS = 200_000
POOL = 500  # distinct generated people the big table cycles through
_READABLE = ("people_pool", "customer", "staff", "cn_member", "orders", "empty_t")


@dataclass(frozen=True)
class Maria:
    db: str
    scanner: str  # a user with SELECT on every table but `salary`

    @property
    def root_url(self) -> str:
        return f"mysql+pymysql://root@{HOST}:{PORT}/{self.db}"

    @property
    def scanner_url(self) -> str:
        return f"mysql+pymysql://{self.scanner}@{HOST}:{PORT}/{self.db}"


def _admin() -> Any:
    """A root connection, or a skip that says why there is none."""
    if os.environ.get("JIKIMI_SQLITE_ONLY") == "1":
        pytest.skip("JIKIMI_SQLITE_ONLY=1: no MariaDB server")
    pymysql = pytest.importorskip("pymysql", reason="PyMySQL not installed: pip install pymysql")
    try:
        return pymysql.connect(
            host=HOST, port=PORT, user="root", charset="utf8mb4", autocommit=True
        )
    except pymysql.err.OperationalError as e:
        if e.args and e.args[0] == 2003:  # nothing listening: a machine without the server
            pytest.skip(f"MariaDB server not reachable at {HOST}:{PORT}: {e.args[1]}")
        raise  # a server that answers but refuses us is a failure, not a skip


def _run(conn: Any, *statements: str, rows: list[tuple[Any, ...]] | None = None) -> None:
    with conn.cursor() as cur:
        for stmt in statements:
            if rows is not None:
                cur.executemany(stmt, rows)
            else:
                cur.execute(stmt)  # no args: PyMySQL leaves a literal % alone


def _people(rng: random.Random) -> list[tuple[Any, ...]]:
    return [
        (
            i,
            values.kr_rrn(rng),
            values.phone_kr(rng),
            values.cn_resident_id(rng),
            values.phone_cn(rng),
            f"{lexicon.english_name(rng).latin.lower().replace(' ', '.')}{i}@example.com",
            lexicon.korean_name(rng).native,
        )
        for i in range(POOL)
    ]


_TABLES = [
    """CREATE TABLE people_pool (i INT PRIMARY KEY, rrn VARCHAR(20), kphone VARCHAR(20),
       cnid VARCHAR(20), cphone VARCHAR(20), email VARCHAR(80), kname VARCHAR(20))""",
    """CREATE TABLE customer (id BIGINT PRIMARY KEY, member_code CHAR(7), phone VARCHAR(20),
       email VARCHAR(80), score DECIMAL(8, 3) NULL, birth_date DATE, gender CHAR(1),
       created_at DATETIME)""",
    """CREATE TABLE staff (emp_no INT PRIMARY KEY, `주민번호` VARCHAR(20), `성명` VARCHAR(20),
       `휴대폰` VARCHAR(20), hired DATE NULL)""",
    """CREATE TABLE cn_member (member_id VARCHAR(12) PRIMARY KEY, `身份证号` VARCHAR(20),
       `手机号` VARCHAR(20) NULL, level TINYINT)""",
    """CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(10, 2),
       `rate%` DECIMAL(5, 2), `note:x` TEXT NULL, memo TEXT NULL, meta JSON, paid BOOLEAN,
       raw BLOB NULL, ts TIMESTAMP(6) NULL)""",
    "CREATE TABLE salary (emp_no INT, `계좌번호` VARCHAR(20))",
    "CREATE TABLE empty_t (id INT PRIMARY KEY, phone VARCHAR(20))",
    "CREATE TABLE gone (id INT)",
    "CREATE VIEW broken_v AS SELECT id FROM gone",
    "DROP TABLE gone",
    "CREATE VIEW slow_v AS SELECT SLEEP(5) AS s",
]

_FILL = [
    f"""INSERT INTO customer
        SELECT s.seq, CONCAT(LPAD(MOD(s.seq * 7919, 1000000), 6, '0'), 'A'), p.kphone,
               p.email, IF(MOD(s.seq, 10) = 0, NULL, MOD(s.seq, 97) / 7),
               DATE_ADD('1950-01-01', INTERVAL MOD(s.seq, 20000) DAY),
               IF(MOD(s.seq, 2) = 0, 'M', 'F'), NOW()
        FROM seq_1_to_{BIG_ROWS} s JOIN people_pool p ON p.i = MOD(s.seq, {POOL})""",
    """INSERT INTO staff SELECT i + 1, rrn, kname, kphone, IF(MOD(i, 4) = 0, NULL, '2020-03-01')
       FROM people_pool WHERE i < 60""",
    """INSERT INTO cn_member SELECT CONCAT('M', LPAD(i, 6, '0')), cnid,
       IF(MOD(i, 5) = 0, NULL, cphone), MOD(i, 3) FROM people_pool WHERE i < 80""",
    """INSERT INTO orders (amount, `rate%`, `note:x`, memo, meta, paid, raw, ts)
       SELECT s.seq * 1.5, MOD(s.seq, 50) / 4, 'ok',
              CASE MOD(s.seq, 3)
                WHEN 0 THEN CONCAT('고객 요청: 배송 전 ', p.kphone, ' 로 연락 바랍니다')
                WHEN 1 THEN NULL
                ELSE '포장 꼼꼼하게 부탁드립니다 감사합니다 좋은 하루' END,
              JSON_OBJECT('k', s.seq), MOD(s.seq, 2) = 0, X'FF00', NOW(6)
       FROM seq_1_to_3000 s JOIN people_pool p ON p.i = MOD(s.seq, 500)""",
    "INSERT INTO salary VALUES (1, '110-123-456789')",
]


@pytest.fixture(scope="module")
def maria() -> Iterator[Maria]:
    admin = _admin()
    tag = uuid.uuid4().hex[:10]
    m = Maria(db=f"jk_maria_{tag}", scanner=f"jk_scan_{tag}")
    try:
        _run(admin, f"CREATE DATABASE `{m.db}` CHARACTER SET utf8mb4", f"USE `{m.db}`", *_TABLES)
        _run(
            admin,
            "INSERT INTO people_pool VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows=_people(random.Random(7)),
        )
        _run(admin, *_FILL, "ANALYZE TABLE customer, staff, cn_member, orders")
        _run(admin, f"CREATE USER '{m.scanner}'@'%' IDENTIFIED BY ''")
        for table in (*_READABLE, "broken_v", "slow_v"):
            _run(admin, f"GRANT SELECT ON `{m.db}`.`{table}` TO '{m.scanner}'@'%'")
        # a write-only grant: the scanner sees the table but may not read it
        _run(admin, f"GRANT INSERT ON `{m.db}`.salary TO '{m.scanner}'@'%'")
        yield m
    finally:
        _run(admin, f"DROP DATABASE IF EXISTS `{m.db}`", f"DROP USER IF EXISTS '{m.scanner}'@'%'")
        admin.close()


@pytest.fixture()
def locked_orders(maria: Maria) -> Iterator[None]:
    """Another session holds a write lock on `orders` (a running migration)."""
    conn = _admin()
    _run(conn, f"LOCK TABLES `{maria.db}`.orders WRITE")
    try:
        yield
    finally:
        _run(conn, "UNLOCK TABLES")
        conn.close()


def _handler_reads(conn: sa.Connection) -> int:
    """Rows this session has stepped over, by index or by table scan."""
    rows = conn.exec_driver_sql("SHOW SESSION STATUS LIKE 'Handler_read_%%'").all()
    reads = {str(k): int(v) for k, v in rows}
    return reads["Handler_read_rnd_next"] + reads["Handler_read_next"]


@mariadb
def test_inventory_lists_and_classifies_every_table(maria: Maria) -> None:
    cfg = InventoryConfig(
        sample=SampleSpec(size=300, seed=1),
        sql=SqlOptions(timeout_s=10.0, include_views=False),
        country="KR",
    )
    [src] = inventory(maria.root_url, config=cfg).sources
    assert src.error is None and src.kind == "mysql" and src.host == HOST
    assert src.path == maria.db and "root@" in src.uri
    tables = {t.name.removeprefix(f"{maria.db}."): t for t in src.tables}
    assert set(tables) == {
        "people_pool",
        "customer",
        "staff",
        "cn_member",
        "orders",
        "salary",
        "empty_t",
    }, "only the database the URL names is listed"
    assert all(t.error is None for t in tables.values()), [t.error for t in tables.values()]

    big = tables["customer"]
    assert big.sample_method == "keyed" and big.rows_sampled == 300 and not big.rows_exact
    assert big.rows_total is not None and 150_000 < big.rows_total < 250_000
    cols = {c.name: c for c in big.columns}
    assert [c.name for c in big.columns] == [
        "id",
        "member_code",
        "phone",
        "email",
        "score",
        "birth_date",
        "gender",
        "created_at",
    ]
    assert cols["phone"].entity is EntityId.PHONE
    assert cols["email"].entity is EntityId.EMAIL
    assert cols["member_code"].entity is None and cols["id"].entity is None
    assert cols["birth_date"].entity is EntityId.DATE_OF_BIRTH
    assert cols["gender"].quasi_identifier is not None
    assert cols["score"].nulls_sampled > 0 and cols["score"].entity is None
    assert cols["score"].dtype.startswith("DECIMAL") and cols["created_at"].dtype == "DATETIME"

    staff = {c.name: c for c in tables["staff"].columns}
    assert staff["주민번호"].entity is EntityId.KR_RRN and staff["주민번호"].unprotected_unique_id
    assert staff["성명"].entity is EntityId.PERSON
    assert staff["휴대폰"].entity is EntityId.PHONE
    assert staff["hired"].nulls_sampled == 15 and staff["hired"].entity is None
    assert tables["staff"].rows_exact and tables["staff"].rows_total == 60

    cn = tables["cn_member"]
    assert cn.sample_method == "all rows" and cn.rows_total == 80  # string key: no keyed path
    cn_cols = {c.name: c for c in cn.columns}
    assert cn_cols["身份证号"].entity is EntityId.CN_RESIDENT_ID
    assert cn_cols["手机号"].entity is EntityId.PHONE and cn_cols["手机号"].nulls_sampled == 16
    assert cn_cols["member_id"].entity is None

    orders = {c.name: c for c in tables["orders"].columns}
    assert set(orders) >= {"rate%", "note:x", "meta", "raw"}
    assert orders["rate%"].values_sampled == 300 and orders["rate%"].entity is None
    assert orders["memo"].free_text and dict(orders["memo"].text_entities).get(EntityId.PHONE)
    assert orders["meta"].entity is None and orders["raw"].values_sampled == 0  # not UTF-8
    assert tables["empty_t"].rows_total == 0 and tables["empty_t"].rows_sampled == 0


@mariadb
def test_scanner_without_grants_and_refused_server_are_reported(
    maria: Maria, locked_orders: None
) -> None:
    cfg = InventoryConfig(
        sample=SampleSpec(size=100, seed=2), sql=SqlOptions(timeout_s=1.0, include_views=True)
    )
    refused = f"mysql+pymysql://root@{HOST}:1/{maria.db}"
    src, down = inventory([maria.scanner_url, refused], config=cfg).sources
    assert down.error is not None and "connection refused" in down.error
    assert down.tables == () and down.kind == "mysql"
    assert src.error is None
    tables = {t.name.removeprefix(f"{maria.db}."): t for t in src.tables}
    assert set(tables) == {
        "people_pool",
        "customer",
        "staff",
        "cn_member",
        "orders",
        "salary",
        "empty_t",
        "broken_v",
        "slow_v",
    }
    errors = {n: t.error for n, t in tables.items() if t.error is not None}
    assert set(errors) == {"salary", "broken_v", "slow_v", "orders"}, errors
    assert "permission denied" in errors["salary"]
    assert "timed out" in errors["orders"] and "timed out" in errors["slow_v"]
    assert "references invalid table" in errors["broken_v"]
    assert tables["customer"].rows_sampled == 100
    staff = {c.name: c for c in tables["staff"].columns}
    assert staff["주민번호"].entity is EntityId.KR_RRN


@mariadb
def test_database_without_grants_is_permission_denied(maria: Maria) -> None:
    with pytest.raises(SourceError, match="permission denied"):
        SqlSource(f"mysql+pymysql://{maria.scanner}@{HOST}:{PORT}/mysql").connect()


@mariadb
def test_refused_connection_names_the_cause(maria: Maria) -> None:
    with pytest.raises(SourceError, match=r"cannot connect to .*:1/x: connection refused"):
        SqlSource(f"mysql+pymysql://root@{HOST}:1/x", SqlOptions(connect_timeout_s=2)).connect()


@mariadb
def test_sample_reads_a_few_hundred_rows_not_the_table(maria: Maria) -> None:
    with SqlSource(maria.root_url) as src:
        ref = next(r for r in src.tables() if r.name == "customer")
        assert ref.key == "id" and ref.schema == maria.db
        with src.engine.connect() as conn:
            session = conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar_one()
            before = _handler_reads(conn)
        smp = src.sample(ref, SampleSpec(size=500, seed=3))
        with src.engine.connect() as conn:  # the pool hands back the sampling session
            assert conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar_one() == session
            sampled = _handler_reads(conn) - before
        assert smp.method == "keyed" and smp.rows_read == 500 and not smp.rows_exact
        assert len(set(smp.values["id"])) == 500
        ids = sorted(int(v) for v in smp.values["id"] if v is not None)
        assert ids[-1] - ids[0] > BIG_ROWS // 2, "random key ranges spread over the table"
        assert sampled < 20_000, f"{sampled} rows stepped over for a 500-row sample"

        again = src.sample(ref, SampleSpec(size=500, seed=3))
        assert again.values == smp.values, "the same seed draws the same sample"

        full = src.sample(ref, SampleSpec(size=500, seed=3, full_scan=True))
        with src.engine.connect() as conn:
            scanned = _handler_reads(conn) - before
        assert full.method == "full scan" and full.rows_exact and full.rows_total == BIG_ROWS
        assert full.rows_sampled == 500 and scanned >= BIG_ROWS


@mariadb
def test_sessions_are_read_only(maria: Maria) -> None:
    with SqlSource(maria.root_url) as src:
        for stmt in (
            "INSERT INTO staff (emp_no) VALUES (999)",
            "DELETE FROM staff",
            "UPDATE salary SET emp_no = 2",
            "CREATE TABLE intruder (id INT)",
            "DROP TABLE empty_t",
        ):
            with src.engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as err:
                conn.exec_driver_sql(stmt)
            assert "READ ONLY" in str(err.value.orig), stmt
        with src.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM staff").scalar_one() == 60
    admin = _admin()
    try:
        with admin.cursor() as cur:
            cur.execute(f"SHOW TABLES FROM `{maria.db}` LIKE 'intruder'")
            assert cur.fetchall() == ()
    finally:
        admin.close()


@mariadb
def test_statement_timeout_is_enforced_and_reported(maria: Maria) -> None:
    with SqlSource(maria.root_url, SqlOptions(timeout_s=1.0, include_views=True)) as src:
        with src.engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as err:
            conn.exec_driver_sql("SELECT SLEEP(5)").all()
        assert _reason(err.value) == "statement timed out"
        slow = next(r for r in src.tables() if r.name == "slow_v")
        with pytest.raises(SourceError, match=r"slow_v: statement timed out"):
            src.sample(slow, SampleSpec(size=10))
        staff = next(r for r in src.tables() if r.name == "staff")
        assert src.sample(staff, SampleSpec(size=10)).rows_read == 10, "the pool still works"


@mariadb
def test_a_lock_taken_during_the_run_costs_only_the_locked_table(maria: Maria) -> None:
    ready, done = threading.Event(), threading.Event()

    def hold() -> None:
        conn = _admin()
        try:
            _run(conn, f"LOCK TABLES `{maria.db}`.staff WRITE")
            ready.set()
            done.wait(10)
            _run(conn, "UNLOCK TABLES")
        finally:
            conn.close()

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert ready.wait(10)
        cfg = InventoryConfig(sample=SampleSpec(size=50), sql=SqlOptions(timeout_s=0.5))
        inv = inventory(maria.root_url, config=cfg)
    finally:
        done.set()
        t.join()
    tables = {t.name.removeprefix(f"{maria.db}."): t for t in inv.sources[0].tables}
    assert tables["staff"].error is not None and "timed out" in tables["staff"].error
    assert all(t.error is None for n, t in tables.items() if n != "staff")


@mariadb
def test_a_session_that_cannot_be_made_safe_is_refused(
    maria: Maria, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(cursor: Any, timeout_ms: int) -> None:
        raise UnsafeSessionError("the server refused a read-only session")

    monkeypatch.setattr(sql, "guard_mysql_session", refuse)
    with pytest.raises(SourceError, match=r":3306/jk_maria_\w+: the server refused a read-only"):
        SqlSource(maria.root_url).connect()


class _FakeCursor:
    """Accepts only the statements that start with one of ``accepts``."""

    def __init__(self, *accepts: str) -> None:
        self.accepts = accepts
        self.ran: list[str] = []

    def execute(self, stmt: str) -> None:
        if not stmt.startswith(self.accepts):
            raise RuntimeError(f"unknown statement {stmt}")
        self.ran.append(stmt)


def test_guard_sets_the_timeout_each_server_understands() -> None:
    maria_cur = _FakeCursor(
        "SET SESSION TRANSACTION", "SET SESSION max_statement_time", "SET SESSION lock"
    )
    sql.guard_mysql_session(maria_cur, 1500)
    assert maria_cur.ran == [
        "SET SESSION TRANSACTION READ ONLY",
        "SET SESSION max_statement_time = 1.5",
        "SET SESSION lock_wait_timeout = 2",
    ]
    mysql_cur = _FakeCursor("SET SESSION TRANSACTION", "SET SESSION max_execution_time")
    sql.guard_mysql_session(mysql_cur, 1500)
    assert mysql_cur.ran == [
        "SET SESSION TRANSACTION READ ONLY",
        "SET SESSION max_execution_time = 1500",
    ]


def test_guard_refuses_a_writable_or_unbounded_session() -> None:
    with pytest.raises(UnsafeSessionError, match="read-only"):
        sql.guard_mysql_session(_FakeCursor("SET SESSION max_"), 1000)
    with pytest.raises(UnsafeSessionError, match="no statement timeout"):
        sql.guard_mysql_session(_FakeCursor("SET SESSION TRANSACTION"), 1000)
