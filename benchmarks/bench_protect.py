"""Throughput of jikimi's protection operators and of protecting a table end to end.

    python benchmarks/bench_protect.py                 # 1 thread and all cores, 1M values
    python benchmarks/bench_protect.py --values 2000000 --rows 10000000 --csv
    python benchmarks/bench_protect.py --threads 1     # one run in this process

Prints values/s per operator (one column of N values through the operator's Polars
expression), rows/s for a table with four personal columns (name, phone, e-mail, RRN)
protected in memory, and optionally the wall time of `protect_file` on a generated CSV.
Polars' thread pool is fixed per process, so each thread count runs in a child process.
The machine may be shared: repeat and take the best run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--values", type=int, default=1_000_000, help="values per operator")
    ap.add_argument("--fpe-values", type=int, default=20_000, help="values for FPE (slow)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the table benchmark")
    ap.add_argument("--csv", action="store_true", help="also protect a generated CSV file")
    ap.add_argument("--threads", type=int, default=0, help="run once with this many threads")
    ap.add_argument("--only", default="", help="comma-separated operator labels to run")
    ap.add_argument("--tmp", default=None, help="directory for the generated CSV")
    return ap.parse_args(argv)


def main(argv: list[str]) -> None:
    args = _args(argv)
    if args.threads:
        os.environ["POLARS_MAX_THREADS"] = str(args.threads)
        _run(args)
        return
    for n in sorted({1, os.cpu_count() or 1}):
        print(f"\n=== {n} thread(s) ===", flush=True)
        subprocess.run([sys.executable, __file__, *argv, "--threads", str(n)], check=True)


def _data(n: int, seed: int = 7):
    import polars as pl

    rng = pl.int_range(0, n, eager=True)
    surnames = list("김이박최정강조윤장임")
    given = list("민서준우지현수영하은도윤예진")
    df = pl.DataFrame({"i": rng}).with_columns(
        name=pl.concat_str(
            [
                pl.col("i").hash(seed).mod(len(surnames)).replace_strict(range(10), surnames),
                pl.col("i").hash(seed + 1).mod(len(given)).replace_strict(range(14), given),
                pl.col("i").hash(seed + 2).mod(len(given)).replace_strict(range(14), given),
            ]
        ),
        phone=pl.concat_str(
            [
                pl.lit("010-"),
                (pl.col("i").hash(seed + 3) % 10_000).cast(pl.String).str.zfill(4),
                pl.lit("-"),
                (pl.col("i").hash(seed + 4) % 10_000).cast(pl.String).str.zfill(4),
            ]
        ),
        email=pl.concat_str([pl.lit("user"), pl.col("i").cast(pl.String), pl.lit("@example.com")]),
        rrn=pl.concat_str(
            [
                (pl.col("i").hash(seed + 5) % 1_000_000).cast(pl.String).str.zfill(6),
                pl.lit("-"),
                (pl.col("i").hash(seed + 6) % 10_000_000).cast(pl.String).str.zfill(7),
            ]
        ),
        birth=pl.concat_str(
            [
                (1950 + pl.col("i").hash(seed + 7) % 60).cast(pl.String),
                pl.lit("-01-15"),
            ]
        ),
    )
    return df.rename({"i": "id"})


def _run(args: argparse.Namespace) -> None:
    import polars as pl

    from jikimi.keys import MemoryKeyStore
    from jikimi.protect import protect_file, protect_table
    from jikimi.transform.base import FieldContext
    from jikimi.transform.encrypt import Encrypt, EncryptConfig
    from jikimi.transform.fpe import Fpe, FpeConfig
    from jikimi.transform.generalize import Generalize, GeneralizeConfig
    from jikimi.transform.hashing import Hash, HashConfig
    from jikimi.transform.mask import Mask, MaskConfig
    from jikimi.transform.token import Token, TokenConfig

    print(f"polars threads: {pl.thread_pool_size()}", flush=True)
    keys = MemoryKeyStore()
    big = _data(max(args.values, args.rows))
    col = {
        "name": big["name"][: args.values],
        "phone": big["phone"][: args.values],
        "email": big["email"][: args.values],
        "rrn": big["rrn"][: args.values],
        "birth": big["birth"][: args.values],
    }
    cases = [
        ("mask kr-phone", Mask(MaskConfig(preset="kr-phone")), "phone", args.values),
        ("mask kr-name", Mask(MaskConfig(preset="kr-name")), "name", args.values),
        ("mask kr-rrn", Mask(MaskConfig(preset="kr-rrn")), "rrn", args.values),
        ("mask kr-email", Mask(MaskConfig(preset="kr-email")), "email", args.values),
        (
            "mask cn-waybill-phone",
            Mask(MaskConfig(preset="cn-waybill-phone")),
            "phone",
            args.values,
        ),
        ("generalize date→year", Generalize(GeneralizeConfig(kind="date")), "birth", args.values),
        ("token (unique values)", Token(TokenConfig(), keys), "email", args.values),
        ("token (repeated names)", Token(TokenConfig(), keys), "name", args.values),
        ("hash salted", Hash(HashConfig(salt="s")), "email", args.values),
        ("encrypt AES-SIV", Encrypt(EncryptConfig(), keys), "email", args.values),
        ("encrypt AES-GCM", Encrypt(EncryptConfig(mode="randomized"), keys), "email", args.values),
        ("fpe FF3-1 (unique)", Fpe(FpeConfig(), keys), "phone", args.fpe_values),
    ]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    print(
        f"{'operator':28} {'values':>10} {'wall s':>8} {'CPU s':>8} {'values/s':>12}"
        f" {'values/CPU-s':>13}"
    )
    for label, op, field, n in cases:
        if only and label not in only:
            continue
        frame = pl.DataFrame({"v": col[field][:n]})
        expr = op.protect_expr(pl.col("v"), FieldContext(entity=field.upper()))
        t, c = time.perf_counter(), time.process_time()
        frame.select(expr)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(
            f"{label:28} {n:>10,} {dt:>8.2f} {dc:>8.2f} {n / dt:>12,.0f} {n / dc:>13,.0f}",
            flush=True,
        )

    policy = {
        "columns": {
            "name": {"operator": "mask", "preset": "kr-name"},
            "phone": {"operator": "mask", "preset": "kr-phone"},
            "email": {"operator": "token"},
            "rrn": {"operator": "mask", "preset": "kr-rrn"},
        }
    }
    table = big.head(args.rows).drop("birth")
    policy_enc = {"columns": {**policy["columns"], "rrn": {"operator": "encrypt"}}}
    print()
    for label, pol in (
        ("mask name/phone/rrn + token e-mail", policy),
        ("same with AES-SIV rrn", policy_enc),
    ):
        t, c = time.perf_counter(), time.process_time()
        protect_table(table, pol, keys=keys)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(
            f"table, 4 personal columns ({label}): {args.rows:,} rows, wall {dt:.2f} s = "
            f"{args.rows / dt:,.0f} rows/s; CPU {dc:.2f} s = {args.rows / dc:,.0f} rows/CPU-s",
            flush=True,
        )

    if args.csv:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            src, dst = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
            table.write_csv(src)
            size = src.stat().st_size
            t, c = time.perf_counter(), time.process_time()
            protect_file(src, dst, policy, keys=keys)
            dt, dc = time.perf_counter() - t, time.process_time() - c
            print(
                f"CSV end to end: {args.rows:,} rows, {size / 1e6:,.0f} MB, wall {dt:.2f} s = "
                f"{args.rows / dt:,.0f} rows/s ({size / 1e6 / dt:,.1f} MB/s); CPU {dc:.2f} s",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
