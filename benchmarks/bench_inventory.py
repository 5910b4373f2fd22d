"""Inventory throughput: a 10M-row, 12-column table as CSV and Parquet; a 50-table database.

What is measured, honestly:

* Files: ``sample_file`` + ``classify_sample`` end to end, best of two runs. Every row
  is *read* (the bottom-k reservoir needs one full pass for a uniform sample); only
  ``--sample`` rows are *classified*. rows/s below is rows read per second of wall time, on one core
  (Arrow single-threaded) and on all cores (Arrow's thread pool).
* PostgreSQL: wall time of ``inventory()`` over a database of 50 tables (20k rows and
  8 columns each, ANALYZEd), sampling with TABLESAMPLE.

Usage::

    python benchmarks/bench_inventory.py                 # 10M rows (~1.3 GB CSV)
    python benchmarks/bench_inventory.py --rows 1000000  # quicker
    python benchmarks/bench_inventory.py --skip-files     # PostgreSQL only
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl
import pyarrow as pa

from jikimi.inventory import InventoryConfig, classify_table, inventory
from jikimi.inventory.classify import classify_sample
from jikimi.scanner import engine_for
from jikimi.sources.tables import ReadOptions, SampleSpec, sample_file

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def make_table(rows: int) -> pl.DataFrame:
    """12 columns: 6 with personal data, 6 without, built vectorised."""
    g = pl.int_range(0, rows, eager=True, dtype=pl.Int64)
    df = pl.DataFrame({"g": g})
    return df.select(
        pl.col("g").alias("id"),
        (pl.lit("010-") + ((pl.col("g") * 7) % 9000 + 1000).cast(pl.String) + pl.lit("-")
         + ((pl.col("g") * 31) % 9000 + 1000).cast(pl.String)).alias("phone"),
        (pl.lit("user") + pl.col("g").cast(pl.String) + pl.lit("@example.com")).alias("email"),
        (pl.lit("13") + (pl.col("g") % 10).cast(pl.String)
         + ((pl.col("g") * 7919) % 90_000_000 + 10_000_000).cast(pl.String)).alias("mobile_cn"),
        pl.when(pl.col("g") % 2 == 0).then(pl.lit("M")).otherwise(pl.lit("F")).alias("gender"),
        ((pl.col("g") % 70) + 18).alias("age"),
        pl.format("10.{}.{}.{}", (pl.col("g") // 65536) % 256, (pl.col("g") // 256) % 256,
                  pl.col("g") % 256).alias("client_ip"),
        (pl.col("g") * 1_000_003 % 10**13).alias("order_no"),
        ((pl.col("g") % 100_000) / 100).alias("amount"),
        pl.lit("2025-01-01 12:00:00").alias("created_at"),
        pl.format("SKU-{}", pl.col("g") % 50_000).alias("sku"),
        pl.when(pl.col("g") % 3 == 0).then(pl.lit("paid")).otherwise(pl.lit("shipped"))
        .alias("status"),
    )  # fmt: skip


def bench_file(path: Path, rows: int, sample: int, threads: bool) -> tuple[float, int]:
    if not threads:
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
    else:
        pa.set_cpu_count(os.cpu_count() or 1)
        pa.set_io_thread_count(max(os.cpu_count() or 1, 8))
    t = time.perf_counter()
    [smp] = sample_file(path, SampleSpec(size=sample, seed=1), ReadOptions(threads=threads))
    result = classify_sample(smp)
    elapsed = time.perf_counter() - t
    assert smp.rows_read == rows, (smp.rows_read, rows)
    found = sum(1 for c in result.columns if c.is_personal)
    return elapsed, found


def bench_postgres(tables: int, rows: int, sample: int) -> float:
    import sqlalchemy as sa

    name = f"jk_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    owner = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        with owner.begin() as c:
            for s in ("app", "crm"):
                c.exec_driver_sql(f"CREATE SCHEMA {s}")
            for i in range(tables):
                schema = "app" if i % 2 else "crm"
                c.exec_driver_sql(
                    f"CREATE TABLE {schema}.t{i:02d} AS SELECT g AS id, "
                    "'010-' || (1000 + g %% 9000) || '-' || (1000 + g * 7 %% 9000) AS phone, "
                    "'u' || g || '@example.com' AS email, g * 1.5 AS amount, "
                    "now() AS created_at, 'note ' || g AS note, "
                    "CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END AS gender, "
                    "md5(g::text) AS token "
                    f"FROM generate_series(1, {rows}) g"
                )
            c.exec_driver_sql("ANALYZE")
        cfg = InventoryConfig(sample=SampleSpec(size=sample, seed=1))
        t = time.perf_counter()
        inv = inventory(f"postgresql://postgres@127.0.0.1:5432/{name}", config=cfg)
        elapsed = time.perf_counter() - t
        assert len(inv.sources[0].tables) == tables and inv.sources[0].error is None
        return elapsed
    finally:
        owner.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--dir", type=Path, default=None, help="where to write the test files")
    ap.add_argument("--skip-files", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--pg-tables", type=int, default=50)
    ap.add_argument("--pg-rows", type=int, default=20_000)
    args = ap.parse_args()
    engine_for()  # compile the scan engine and load phone metadata before timing
    classify_table({"phone": ["010-1234-5678", "13812345678"], "email": ["a@example.com"] * 2})
    print(f"cores: {os.cpu_count()}  (shared machine: figures are noisy)")
    if not args.skip_files:
        with tempfile.TemporaryDirectory(dir=args.dir) as d:
            df = make_table(args.rows)
            csv_path, pq_path = Path(d) / "t.csv", Path(d) / "t.parquet"
            df.write_csv(csv_path)
            df.write_parquet(pq_path, row_group_size=1_000_000)
            del df
            for path in (csv_path, pq_path):
                size = path.stat().st_size / 1e6
                for threads in (False, True):
                    runs = [bench_file(path, args.rows, args.sample, threads) for _ in range(2)]
                    elapsed, found = min(runs)
                    print(
                        f"{path.suffix[1:]:8s} {'all cores' if threads else 'one core':9s} "
                        f"{args.rows:,} rows read, {args.sample} classified, {size:,.0f} MB: "
                        f"{elapsed:6.2f} s = {args.rows / elapsed:12,.0f} rows/s read "
                        f"({size / elapsed:6.1f} MB/s); personal columns found: {found}/12"
                    )
    if not args.skip_postgres:
        elapsed = bench_postgres(args.pg_tables, args.pg_rows, args.sample)
        print(
            f"postgres {args.pg_tables} tables x {args.pg_rows:,} rows x 8 columns, "
            f"sample {args.sample}: inventory in {elapsed:.2f} s "
            f"({elapsed / args.pg_tables * 1000:.0f} ms/table)"
        )


if __name__ == "__main__":
    main()
