"""An inventory of a real PostgreSQL database the test creates and drops.

Several schemas, mixed column types, NULLs, a 1M-row table (generated server-side), a
table the scanning role may not read, and a table locked by another session: the
unreadable ones are reported, the rest completes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from jikimi.inventory import InventoryConfig, inventory
from jikimi.sources.sql import SqlOptions, SqlSource
from jikimi.sources.tables import SampleSpec
from jikimi.types import EntityId

pytestmark = pytest.mark.postgres

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

_SETUP = r"""
CREATE SCHEMA crm; CREATE SCHEMA sales; CREATE SCHEMA hr;
CREATE UNLOGGED TABLE crm.customer AS
SELECT g AS id,
       lpad(((g * 7919) % 1000000)::text, 6, '0') || 'A' AS member_code,
       '010-' || lpad((1000 + g % 9000)::text, 4, '0') || '-'
           || lpad((g * 31 % 10000)::text, 4, '0') AS phone,
       'user' || g || '@example.com' AS email,
       CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 97)::numeric / 7 END AS score,
       (DATE '1950-01-01' + (g % 20000)::int) AS birth_date,
       CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END AS gender,
       now() AS created_at
FROM generate_series(1::bigint, 1000000) g;
CREATE TABLE sales.orders (id serial PRIMARY KEY, order_no bigint, amount numeric(10,2),
                           memo text, tags text[], meta jsonb, paid boolean);
INSERT INTO sales.orders (order_no, amount, memo, tags, meta, paid)
SELECT 1000000000000 + g, g * 1.5,
       CASE WHEN g % 3 = 0
            THEN '고객 요청: 배송 전 010-5555-' || lpad(g::text, 4, '0') || ' 로 연락 바랍니다'
            WHEN g % 3 = 1 THEN NULL ELSE '포장 꼼꼼하게 부탁드립니다 감사합니다 좋은 하루' END,
       ARRAY['a', 'b'], jsonb_build_object('k', g), g % 2 = 0
FROM generate_series(1, 3000) g;
CREATE TABLE hr.staff (emp_no int PRIMARY KEY, "주민번호" text, "성명" text);
INSERT INTO hr.staff VALUES (1, '900101-1234568', '김민수'), (2, '850615-2345674', '이영희'),
                            (3, '030301-3456781', '박지훈');
CREATE TABLE hr.salary (emp_no int, "계좌번호" text);
INSERT INTO hr.salary VALUES (1, '110-123-456789');
CREATE TABLE sales.locked (id int PRIMARY KEY, email text);
INSERT INTO sales.locked VALUES (1, 'a@example.com');
CREATE TABLE sales.empty (id int PRIMARY KEY, phone text);
ANALYZE;
"""


@pytest.fixture(scope="module")
def pg() -> Iterator[dict[str, str]]:
    name = f"jk_inv_{uuid.uuid4().hex[:10]}"
    role = f"jk_scan_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        c.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    owner = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        with owner.begin() as c:
            c.exec_driver_sql(_SETUP.replace("%", "%%"))
            for schema in ("crm", "sales", "hr"):
                c.exec_driver_sql(f'GRANT USAGE ON SCHEMA {schema} TO "{role}"')
                c.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO "{role}"')
            c.exec_driver_sql(f'REVOKE SELECT ON hr.salary FROM "{role}"')
        yield {
            "owner": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "scanner": f"postgresql://{role}@127.0.0.1:5432/{name}",
            "name": name,
        }
    finally:
        owner.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture()
def lock_table(pg: dict[str, str]) -> Iterator[None]:
    """Another session holds an exclusive lock on sales.locked (a running migration)."""
    eng = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg['name']}")
    conn = eng.connect()
    tx = conn.begin()
    conn.exec_driver_sql("LOCK TABLE sales.locked IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        tx.rollback()
        conn.close()
        eng.dispose()


def test_inventory_of_a_database_reports_bad_tables_and_completes(
    pg: dict[str, str], lock_table: None
) -> None:
    cfg = InventoryConfig(
        sample=SampleSpec(size=500, seed=1), sql=SqlOptions(timeout_s=1.0), country="KR"
    )
    inv = inventory([pg["scanner"], "postgresql://postgres@127.0.0.1:1/none"], config=cfg)
    src, refused = inv.sources
    assert refused.error is not None and "connection refused" in refused.error
    assert src.error is None and src.country == "KR" and src.host == "127.0.0.1"
    tables = {t.name: t for t in src.tables}
    assert set(tables) == {
        "crm.customer",
        "sales.orders",
        "sales.locked",
        "sales.empty",
        "hr.staff",
        "hr.salary",
    }

    salary, locked = tables["hr.salary"], tables["sales.locked"]
    assert salary.error is not None and "permission denied" in salary.error
    assert locked.error is not None and "timed out" in locked.error

    big = tables["crm.customer"]
    assert big.error is None and big.sample_method == "tablesample system"
    assert big.rows_sampled == 500 and not big.rows_exact
    assert big.rows_total is not None and 900_000 < big.rows_total < 1_100_000
    cols = {c.name: c for c in big.columns}
    assert cols["phone"].entity is EntityId.PHONE
    assert cols["email"].entity is EntityId.EMAIL
    assert cols["member_code"].entity is None and cols["id"].entity is None
    assert cols["birth_date"].entity is EntityId.DATE_OF_BIRTH
    assert cols["gender"].quasi_identifier is not None
    assert cols["score"].nulls_sampled > 0 and cols["score"].entity is None
    assert cols["created_at"].dtype.startswith("TIMESTAMP")

    orders = {c.name: c for c in tables["sales.orders"].columns}
    assert orders["memo"].free_text and dict(orders["memo"].text_entities).get(EntityId.PHONE)
    assert orders["order_no"].entity is None and orders["meta"].entity is None
    assert tables["sales.orders"].sample_method == "tablesample bernoulli"

    staff = {c.name: c for c in tables["hr.staff"].columns}
    assert staff["주민번호"].entity is EntityId.KR_RRN and staff["주민번호"].unprotected_unique_id
    assert staff["성명"].entity is EntityId.PERSON
    assert tables["hr.staff"].rows_exact and tables["hr.staff"].rows_total == 3
    assert tables["sales.empty"].rows_total == 0


def test_schema_filter_full_scan_and_read_only(pg: dict[str, str]) -> None:
    with SqlSource(pg["owner"], SqlOptions(schemas=("hr",))) as src:
        refs = src.tables()
        assert {r.qualified for r in refs} == {"hr.staff", "hr.salary"}
        staff = next(r for r in refs if r.name == "staff")
        full = src.sample(staff, SampleSpec(size=2, full_scan=True))
        assert full.rows_exact and full.rows_total == 3 and full.rows_sampled == 2
        with src.engine.connect() as conn, pytest.raises(sa.exc.InternalError, match="read-only"):
            conn.execute(sa.text("DELETE FROM hr.staff"))


def test_sampling_is_repeatable_with_the_same_seed(pg: dict[str, str]) -> None:
    with SqlSource(pg["owner"], SqlOptions(schemas=("crm",))) as src:
        [ref] = src.tables()
        a = src.sample(ref, SampleSpec(size=200, seed=9)).values["id"]
        b = src.sample(ref, SampleSpec(size=200, seed=9)).values["id"]
        c = src.sample(ref, SampleSpec(size=200, seed=10)).values["id"]
    assert a == b and a != c


def test_statement_timeout_does_not_stop_other_tables(pg: dict[str, str]) -> None:
    """A lock taken while the inventory runs only costs the locked table."""
    eng = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg['name']}")
    ready = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with eng.connect() as conn, conn.begin():
            conn.exec_driver_sql("LOCK TABLE hr.staff IN ACCESS EXCLUSIVE MODE")
            ready.set()
            done.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        ready.wait(10)
        cfg = InventoryConfig(
            sample=SampleSpec(size=50), sql=SqlOptions(schemas=("hr", "sales"), timeout_s=0.5)
        )
        inv = inventory(pg["owner"], config=cfg)
    finally:
        done.set()
        t.join()
        eng.dispose()
    tables = {t.name: t for t in inv.sources[0].tables}
    assert tables["hr.staff"].error is not None and "timed out" in tables["hr.staff"].error
    assert tables["sales.orders"].error is None and tables["hr.salary"].error is None
