"""SQL databases through any SQLAlchemy URL: list tables, estimate rows, sample columns.

Discovery must be safe to point at production: every connection is read-only where the
database can enforce it (PostgreSQL ``default_transaction_read_only``, SQLite
``mode=ro``, MySQL/MariaDB ``TRANSACTION READ ONLY``, without which a MySQL session is
refused), every statement has a timeout, and a table is never read in full unless the
caller asks. A MySQL URL names one database, and only that one is listed. Samples are drawn with
``TABLESAMPLE SYSTEM ... REPEATABLE (seed)`` on PostgreSQL (block sampling, so a sample
of a billion-row table reads a few hundred pages), with random key ranges on an integer
key elsewhere, and from the first rows only when a table offers neither (the sample
then says so). Small PostgreSQL tables (up to ten times the sample size, by the
planner's estimate) use ``BERNOULLI``, which reads all their pages: a few hundred at
most. Row counts are the planner's estimates (``pg_class.reltuples``, ``sqlite_stat1``,
``information_schema.tables``), never ``count(*)``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from jikimi.sources.tables import Reservoir, SampleSpec, SourceError, TableSample, cell_text

_PG_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_MYSQL_SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
KEYED_CHUNKS = 20
KEYED_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class SqlOptions:
    """Which schemas to list and how long any one statement may run."""

    schemas: tuple[str, ...] | None = None
    include_views: bool = False
    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class TableRef:
    schema: str | None
    name: str
    columns: tuple[tuple[str, str], ...]
    key: str | None = None  # single integer key used for keyed sampling
    is_view: bool = False
    error: str | None = None  # why its definition could not be read (e.g. a broken view)

    @property
    def qualified(self) -> str:
        return self.name if self.schema is None else f"{self.schema}.{self.name}"


def safe_url(url: str | URL) -> str:
    """The URL as it may appear in reports and messages: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "<invalid database URL>"


def is_database_url(text: str) -> bool:
    return "://" in text and not text.startswith(("file://", "http://", "https://"))


def _engine_url(url: str) -> URL:
    try:
        u = make_url(url)
    except exc.ArgumentError:
        raise SourceError(f"not a database URL: {safe_url(url)}") from None
    if u.drivername in ("postgresql", "postgres") and importlib.util.find_spec("psycopg2") is None:
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() == "sqlite":
        db = u.database or ""
        if db in ("", ":memory:") or db.startswith("file:"):
            return u
        if not Path(db).is_file():
            raise SourceError(f"{safe_url(u)}: no such SQLite file")
        q = dict(u.query)
        q.update({"mode": "ro", "uri": "true"})
        return u.set(database=f"file:{Path(db).resolve()}", query=q)
    return u


def _error_text(orig: BaseException) -> str:
    """The server's message; MySQL drivers carry it as ``args == (code, message)``."""
    args: tuple[Any, ...] = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1]
    return str(orig)


def _reason(e: BaseException) -> str:
    """A one-line, value-free reason for a database error."""
    orig = getattr(e, "orig", None) or e
    name = type(orig).__name__
    text = (_error_text(orig).strip().splitlines() or [name])[0]
    low = text.lower()
    if (
        "permission denied" in low
        or name == "InsufficientPrivilege"
        or "command denied" in low
        or ("access denied" in low and "to database" in low)  # MySQL 1044: no grant on the db
    ):
        return "permission denied"
    if (
        name == "QueryCanceled"
        or "statement timeout" in low
        or "interrupted" in low
        or "max_execution_time" in low
        or "lock timeout" in low
        or "lock wait timeout" in low
        or name == "LockNotAvailable"
    ):
        return "statement timed out"
    if "connection refused" in low:
        return "connection refused"
    if "timeout expired" in low or "timed out" in low:
        return "connection timed out"
    if "password authentication failed" in low or "access denied" in low:
        return "authentication failed"
    if "does not exist" in low or "unable to open database" in low:
        return text[:160]
    return f"{name}: {text[:160]}"


class SqlSource:
    """One database: opened read-only, listed, sampled table by table."""

    def __init__(self, url: str, options: SqlOptions | None = None) -> None:
        self.options = options or SqlOptions()
        self.display_url = safe_url(url)
        self._url = _engine_url(url)
        self.dialect = self._url.get_backend_name()
        self.host = self._url.host
        self.database = self._url.database
        self._engine: Engine | None = None

    # -- connection ----------------------------------------------------------------------

    def _make_engine(self) -> Engine:
        timeout_ms = max(int(self.options.timeout_s * 1000), 1)
        connect_args: dict[str, Any] = {}
        if self.dialect == "postgresql":
            connect_args = {
                "connect_timeout": max(int(self.options.connect_timeout_s), 1),
                "options": (
                    f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms}"
                    f" -c lock_timeout={timeout_ms} -c idle_in_transaction_session_timeout"
                    f"={max(timeout_ms, 60_000)}"
                ),
                "application_name": "jikimi-inventory",
            }
        elif self.dialect == "mysql":
            connect_args = {"connect_timeout": max(int(self.options.connect_timeout_s), 1)}
            if self._url.get_driver_name() in ("pymysql", "mysqldb"):
                # a backstop for a server that stops answering: the statement timeout
                # is enforced by the server, which then cannot enforce it
                connect_args["read_timeout"] = max(int(self.options.timeout_s) + 10, 1)
        elif self.dialect == "sqlite":
            connect_args = {"timeout": self.options.timeout_s}
        engine = sa.create_engine(self._url, connect_args=connect_args, pool_pre_ping=False)
        if self.dialect == "sqlite":
            _install_sqlite_timeout(engine, self.options.timeout_s)
        elif self.dialect == "mysql":
            _install_mysql_guards(engine, timeout_ms)
        return engine

    def connect(self) -> None:
        """Open the database or raise :class:`SourceError` saying why not."""
        if self._engine is not None:
            return
        try:
            engine = self._make_engine()
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except exc.NoSuchModuleError as e:
            raise SourceError(f"{self.display_url}: no driver installed ({e})") from None
        except UnsafeSessionError as e:
            raise SourceError(f"{self.display_url}: {e}") from None
        except (exc.DBAPIError, exc.SQLAlchemyError) as e:
            raise SourceError(f"cannot connect to {self.display_url}: {_reason(e)}") from None
        self._engine = engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> SqlSource:
        self.connect()
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        self.connect()
        assert self._engine is not None
        return self._engine

    # -- listing -------------------------------------------------------------------------

    def schemas(self) -> list[str | None]:
        if self.dialect == "sqlite":
            return [None]
        if self.options.schemas is not None:
            return list(self.options.schemas)
        if self.dialect == "mysql" and self.database:
            return [self.database]  # a MySQL "schema" is a database: the URL names one
        names = sa.inspect(self.engine).get_schema_names()
        system = _PG_SYSTEM_SCHEMAS if self.dialect == "postgresql" else _MYSQL_SYSTEM_SCHEMAS
        return [s for s in names if s not in system and not s.startswith("pg_")]

    def tables(self) -> list[TableRef]:
        """Every table (and view, if asked) in the chosen schemas, with columns and key."""
        try:
            insp = sa.inspect(self.engine)
            out: list[TableRef] = []
            for schema in self.schemas():
                names = [(n, False) for n in insp.get_table_names(schema=schema)]
                if self.options.include_views:
                    names += [(n, True) for n in insp.get_view_names(schema=schema)]
                for name, is_view in sorted(names):
                    try:
                        cols = insp.get_columns(name, schema=schema)
                    except (exc.DBAPIError, exc.SQLAlchemyError) as e:
                        # one unreadable definition (a view over a dropped table, a
                        # table without grants) costs that table, not the listing
                        plain, why = self._columns_without_reflection(name, schema)
                        why = None if plain else why or _reason(e)
                        out.append(TableRef(schema, name, plain, None, is_view, why))
                        continue
                    key = None if is_view else _integer_key(insp, name, schema, cols, self.dialect)
                    out.append(
                        TableRef(
                            schema,
                            name,
                            tuple((c["name"], str(c["type"])) for c in cols),
                            key,
                            is_view,
                        )
                    )
            return out
        except (exc.DBAPIError, exc.SQLAlchemyError) as e:
            raise SourceError(f"{self.display_url}: cannot list tables: {_reason(e)}") from None

    def _columns_without_reflection(
        self, name: str, schema: str | None
    ) -> tuple[tuple[tuple[str, str], ...], str | None]:
        """Columns when reflection is refused, or the real reason the table is unreadable.

        SQLAlchemy reflects MySQL tables with ``SHOW CREATE TABLE``, which needs the
        ``SHOW VIEW`` privilege for a view: a user who may SELECT from a view would see it
        reported unreadable. ``information_schema.columns`` lists what the user may read;
        failing that, an empty ``SELECT`` names the columns or the server's objection (a
        view over a dropped table says so).
        """
        ref = TableRef(schema, name, ())
        try:
            with self.engine.connect() as conn:
                if self.dialect == "mysql" and schema is not None:
                    rows = conn.execute(
                        sa.text(
                            "SELECT column_name, column_type FROM information_schema.columns "
                            "WHERE table_schema = :s AND table_name = :t "
                            "ORDER BY ordinal_position"
                        ),
                        {"s": schema, "t": name},
                    ).all()
                    if rows:
                        return tuple((str(c), str(t).upper()) for c, t in rows), None
                keys = conn.execute(sa.text(f"{self._select(ref)} LIMIT 0")).keys()
                conn.rollback()
                return tuple((str(k), "") for k in keys), None
        except (exc.DBAPIError, exc.SQLAlchemyError) as e:
            return (), _reason(e)

    # -- estimates -----------------------------------------------------------------------

    def estimate_rows(self, conn: Connection, ref: TableRef) -> int | None:
        try:
            if self.dialect == "postgresql":
                row = conn.execute(
                    sa.text(
                        "SELECT c.reltuples::bigint, c.relpages, c.relkind FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = :s AND c.relname = :t"
                    ),
                    {"s": ref.schema or "public", "t": ref.name},
                ).first()
                if row is None or row[2] not in ("r", "p", "m"):
                    return None
                if row[0] >= 0 and not (row[0] == 0 and row[1] > 0):
                    return int(row[0])
                return None  # never analysed
            if self.dialect == "sqlite":
                try:
                    row = conn.execute(
                        sa.text(
                            "SELECT stat FROM sqlite_stat1 WHERE tbl = :t ORDER BY idx IS NULL DESC"
                            " LIMIT 1"
                        ),
                        {"t": ref.name},
                    ).first()
                    if row is not None and row[0]:
                        return int(str(row[0]).split()[0])
                except exc.OperationalError:
                    pass  # never analysed: no sqlite_stat1
                if ref.key is not None:
                    lo, hi = self._key_range(conn, ref)
                    return 0 if lo is None or hi is None else hi - lo + 1
                return None
            if self.dialect == "mysql":
                row = conn.execute(
                    sa.text(
                        "SELECT table_rows FROM information_schema.tables "
                        "WHERE table_schema = :s AND table_name = :t"
                    ),
                    {"s": ref.schema, "t": ref.name},
                ).first()
                return None if row is None or row[0] is None else int(row[0])
        except exc.DBAPIError:
            conn.rollback()
        return None

    # -- sampling ------------------------------------------------------------------------

    def _ident(self, name: str, *, schema: bool = False) -> str:
        """A quoted identifier as the server reads it.

        Preparers of ``format``-style drivers (PyMySQL, psycopg) double every ``%``, and
        ``sa.text`` doubles them again: undo the first, or a column named ``rate%``
        reaches the server as ``rate%%``.
        """
        q = self.engine.dialect.identifier_preparer
        quoted = q.quote_schema(name) if schema else q.quote(name)
        if "%" in name and quoted.count("%") == 2 * name.count("%"):
            quoted = quoted.replace("%%", "%")
        return quoted

    def _quote(self, name: str) -> str:
        """A quoted identifier safe inside ``sa.text`` (a colon would start a bind name)."""
        return self._ident(name).replace(":", "\\:")

    def _from(self, ref: TableRef, *, raw: bool = False) -> str:
        name = self._ident(ref.name)
        full = name if ref.schema is None else f"{self._ident(ref.schema, schema=True)}.{name}"
        return full if raw else full.replace(":", "\\:")

    def _select(self, ref: TableRef, key: str | None = None) -> str:
        cols = ", ".join(self._quote(c) for c, _ in ref.columns) or "*"
        if key is not None:
            cols = f"{self._quote(key)} AS jikimi_key__, {cols}"
        return f"SELECT {cols} FROM {self._from(ref)}"

    def _key_range(
        self, conn: Connection, ref: TableRef, key: str | None = None
    ) -> tuple[int | None, int | None]:
        k = self._quote(key or ref.key or "rowid")
        row = conn.execute(sa.text(f"SELECT min({k}), max({k}) FROM {self._from(ref)}")).first()
        if row is None or row[0] is None:
            return None, None
        return int(row[0]), int(row[1])

    def sample(self, ref: TableRef, spec: SampleSpec | None = None) -> TableSample:
        """A seeded sample of ``spec.size`` rows; raises SourceError naming the table."""
        spec = spec or SampleSpec()
        if ref.error is not None:
            raise SourceError(f"{self.display_url} {ref.qualified}: {ref.error}")
        try:
            with self.engine.connect() as conn:
                estimate = None if ref.is_view else self.estimate_rows(conn, ref)
                total: int | None
                if spec.full_scan:
                    rows, read = self._full(conn, ref, spec)
                    method, total, exact = "full scan", read, True
                else:
                    rows, method = self._sampled(conn, ref, spec, estimate)
                    read, total, exact = len(rows), estimate, False
                    if method == "all rows":
                        total, exact = len(rows), True
                    elif total is not None and total < len(rows):
                        total = len(rows)
                conn.rollback()
        except (exc.DBAPIError, exc.SQLAlchemyError) as e:
            raise SourceError(f"{self.display_url} {ref.qualified}: {_reason(e)}") from None
        names = [c for c, _ in ref.columns]
        values = {c: [r[i] for r in rows] for i, c in enumerate(names)}
        issues = []
        if method == "head":
            issues.append("no integer key: the first rows were sampled, not random ones")
        return TableSample(
            source=self.display_url,
            table=ref.qualified,
            columns=names,
            dtypes=dict(ref.columns),
            values=values,
            rows_read=read,
            rows_total=total,
            rows_exact=exact,
            method=method,
            issues=issues,
        )

    def _fetch(
        self, conn: Connection, sql: str, params: dict[str, Any] | None = None
    ) -> list[list[str | None]]:
        result = conn.execute(sa.text(sql), params or {})
        return [[cell_text(v) for v in row] for row in result]

    def _sampled(
        self, conn: Connection, ref: TableRef, spec: SampleSpec, estimate: int | None
    ) -> tuple[list[list[str | None]], str]:
        n = spec.size
        if self.dialect == "postgresql" and not ref.is_view:
            return self._pg_tablesample(conn, ref, spec, estimate)
        key = ref.key or ("rowid" if self.dialect == "sqlite" and not ref.is_view else None)
        if key is not None:
            try:
                return self._keyed(conn, ref, key, spec)
            except exc.OperationalError:
                conn.rollback()  # e.g. a WITHOUT ROWID table: fall back to the first rows
        rows = self._fetch(conn, f"{self._select(ref)} LIMIT {int(n)}")
        return rows, ("all rows" if len(rows) < n else "head")

    def _pg_tablesample(
        self, conn: Connection, ref: TableRef, spec: SampleSpec, estimate: int | None
    ) -> tuple[list[list[str | None]], str]:
        n = spec.size
        seed = int(spec.seed) & 0x7FFFFFFF
        if estimate is None:
            pages = conn.execute(
                sa.text(
                    "SELECT pg_relation_size(CAST(:rel AS regclass)) / "
                    "current_setting('block_size')::int"
                ),
                {"rel": self._from(ref, raw=True)},
            ).scalar_one()
            estimate = int(pages) * 50 if pages else 0
        if estimate <= 0:
            rows = self._fetch(conn, f"{self._select(ref)} LIMIT {int(n)}")
            return rows, "all rows" if len(rows) < n else "head"
        if estimate <= 10 * n:
            pct = min(100.0, 100.0 * 1.5 * n / estimate)
            method = "BERNOULLI"
        else:
            pct = min(100.0, 100.0 * 3 * n / estimate)
            method = "SYSTEM"
        while True:
            rows = self._fetch(
                conn,
                f"{self._select(ref)} TABLESAMPLE {method} ({pct:.6f}) "
                f"REPEATABLE ({seed}) LIMIT {int(n)}",
            )
            if len(rows) >= n or pct >= 100.0:
                break
            if method == "SYSTEM" and pct * 4 >= 20.0:
                method, pct = "BERNOULLI", min(100.0, pct * 4)  # few, clumped blocks: go row-wise
            else:
                pct = min(100.0, pct * 4)
        if pct >= 100.0 and len(rows) < n:
            return rows, "all rows"
        return rows, f"tablesample {method.lower()}"

    def _keyed(
        self, conn: Connection, ref: TableRef, key: str, spec: SampleSpec
    ) -> tuple[list[list[str | None]], str]:
        """Random key ranges: KEYED_CHUNKS index seeks, each reading a short run of rows."""
        k = self._quote(key)
        lo, hi = self._key_range(conn, ref, key)
        n = spec.size
        if lo is None or hi is None:
            return [], "all rows"
        rng = np.random.default_rng(spec.seed)
        if hi - lo + 1 <= 2 * n:  # at most 2n rows: read them all, keep a random n
            rows = self._fetch(conn, self._select(ref))
            if len(rows) <= n:
                return rows, "all rows"
            keep = sorted(rng.choice(len(rows), size=n, replace=False).tolist())
            return [rows[i] for i in keep], "keyed"
        per = max(1, math.ceil(n / KEYED_CHUNKS))
        seen: dict[int, list[str | None]] = {}
        sel = self._select(ref, key)
        for _ in range(KEYED_ROUNDS):  # later rounds make up for runs cut short by gaps
            for s in sorted(int(x) for x in rng.integers(lo, hi + 1, KEYED_CHUNKS)):
                part = conn.execute(
                    sa.text(f"{sel} WHERE {k} >= :s ORDER BY {k} LIMIT {per}"), {"s": s}
                )
                for r in part:
                    seen.setdefault(int(r[0]), [cell_text(v) for v in r[1:]])
            if len(seen) >= n:
                break
        rows = [seen[key] for key in sorted(seen)][:n]
        return rows, "keyed"

    def _full(
        self, conn: Connection, ref: TableRef, spec: SampleSpec
    ) -> tuple[list[list[str | None]], int]:
        res = Reservoir(spec)
        names = [c for c, _ in ref.columns]
        result = conn.execution_options(stream_results=True, yield_per=10_000).execute(
            sa.text(self._select(ref))
        )
        for part in result.partitions(10_000):
            res.add_rows(
                [dict(zip(names, r, strict=True)) for r in part], {c: t for c, t in ref.columns}
            )
        sample = res.sample(self.display_url, ref.qualified, "full scan", [])
        rows = [[sample.values[c][i] for c in names] for i in range(sample.rows_sampled)]
        return rows, res.rows_read


def _integer_key(
    insp: Any, name: str, schema: str | None, cols: Sequence[Any], dialect: str
) -> str | None:
    try:
        pk = insp.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
    except (exc.DBAPIError, NotImplementedError):
        return None
    if len(pk) != 1:
        return None
    for c in cols:
        if c["name"] == pk[0]:
            try:
                if c["type"].python_type is int:
                    return str(pk[0])
            except NotImplementedError:
                return None
    return None


def _install_sqlite_timeout(engine: Engine, timeout_s: float) -> None:
    """SQLite has no statement timeout: a progress handler aborts statements past it."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        state = record.info.setdefault("jikimi_deadline", [math.inf])
        dbapi_conn.set_progress_handler(lambda: int(time.monotonic() > state[0]), 10_000)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(
        conn: Any, cursor: Any, statement: Any, params: Any, context: Any, executemany: Any
    ) -> None:
        state = conn.info.setdefault("jikimi_deadline", [math.inf])
        state[0] = time.monotonic() + timeout_s


class UnsafeSessionError(SourceError):
    """A MySQL session that could not be made read-only or given a statement timeout."""


def guard_mysql_session(cursor: Any, timeout_ms: int) -> None:
    """Make a MySQL/MariaDB session read-only with statement and lock timeouts, or refuse.

    MySQL calls the statement timeout ``max_execution_time`` (ms, SELECT only), MariaDB
    ``max_statement_time`` (s); each server rejects the other's, so both are tried and
    one must succeed. Metadata locks (``LOCK TABLES``, a running ``ALTER``) wait up to
    ``lock_wait_timeout``, a year by default. A server that takes neither read-only nor a
    timeout gets no session: discovery must never be the thing that writes or hangs.
    """
    try:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
    except Exception:
        raise UnsafeSessionError("the server refused a read-only session") from None
    timeouts = 0
    for stmt in (
        f"SET SESSION max_execution_time = {timeout_ms}",  # MySQL
        f"SET SESSION max_statement_time = {timeout_ms / 1000}",  # MariaDB
    ):
        try:
            cursor.execute(stmt)
            timeouts += 1
        except Exception:
            continue  # the other server's variable
    if timeouts == 0:
        raise UnsafeSessionError("the server accepts no statement timeout")
    with contextlib.suppress(Exception):  # very old servers: the statement timeout covers it
        cursor.execute(f"SET SESSION lock_wait_timeout = {max(math.ceil(timeout_ms / 1000), 1)}")


def _install_mysql_guards(engine: Engine, timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            guard_mysql_session(cur, timeout_ms)
        finally:
            cur.close()


def iter_samples(
    source: SqlSource, spec: SampleSpec
) -> Iterator[tuple[TableRef, TableSample | SourceError]]:
    """Each table's sample, or the error that stopped it; one bad table never stops the rest."""
    for ref in source.tables():
        try:
            yield ref, source.sample(ref, spec)
        except SourceError as e:
            yield ref, e
