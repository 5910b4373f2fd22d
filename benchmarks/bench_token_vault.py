"""What a token vault costs: tokens per second with and without a vault, and reveals.

    python benchmarks/bench_token_vault.py                  # 1M values, 1 thread and all cores
    python benchmarks/bench_token_vault.py --values 200000 --threads 1
    python benchmarks/bench_token_vault.py --csv         # also protect_file on a 1M-row CSV

For one column of N values (all distinct e-mail addresses, then 1M values with ~2,000
distinct Korean names) it prints values/s for: the one-way token, the vaulted token into
a fresh SQLite vault (hash + AES-SIV seal + INSERT OR IGNORE of each distinct value), the
same again into the now-full vault (every row already there), and revealing the tokens.
The vault file lives in a temporary directory (``--tmp`` to choose the disk). The machine
may be shared: repeat and take the best run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--values", type=int, default=1_000_000, help="values per column")
    ap.add_argument("--threads", type=int, default=0, help="run once with this many threads")
    ap.add_argument("--tmp", default=None, help="directory for the vault file")
    ap.add_argument("--csv", action="store_true", help="also protect_file a CSV of N rows")
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


def _columns(n: int) -> dict[str, list[str]]:
    surnames = "김이박최정강조윤장임"
    given = "민서준우지현수영하은도윤예진"
    names = [
        surnames[i % 10] + given[(i // 10) % 14] + given[(i // 140) % 14] for i in range(2_000)
    ]
    return {
        "distinct e-mails": [f"user{i}@example.com" for i in range(n)],
        "repeated names": [names[(i * 7919) % len(names)] for i in range(n)],
    }


def _timed(
    label: str, n: int, fn: Callable[..., Any], *args: Any, unit: str = "values", **kwargs: Any
) -> Any:
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    print(
        f"  {label:34} wall {dt:6.2f} s {n / dt:>12,.0f} {unit}/s  CPU {dc:6.2f} s "
        f"{n / dc:>12,.0f} {unit}/CPU-s",
        flush=True,
    )
    return out


def _run(args: argparse.Namespace) -> None:
    import polars as pl

    print(f"polars threads: {pl.thread_pool_size()}", flush=True)
    for label, values in _columns(args.values).items():
        print(f"{label}: {len(values):,} values, {len(set(values)):,} distinct", flush=True)
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            _column(values, Path(tmp) / "tokens.db")
    if args.csv:
        with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
            _csv(args.values, Path(tmp))


def _csv(n: int, tmp: Path) -> None:
    """End to end: a CSV with an id, a distinct e-mail and a repeated name per row."""
    import polars as pl

    from jikimi.keys import MemoryKeyStore
    from jikimi.protect import protect_file

    cols = _columns(n)
    src = tmp / "in.csv"
    pl.DataFrame(
        {"id": range(n), "mail": cols["distinct e-mails"], "name": cols["repeated names"]}
    ).write_csv(src)
    policy = {"columns": {"mail": "token", "name": "token"}}
    keys = MemoryKeyStore()
    print(f"CSV end to end, {n:,} rows, e-mail and name tokenised:", flush=True)
    _timed(
        "protect_file, no vault",
        n,
        protect_file,
        src,
        tmp / "a.csv",
        policy,
        keys=keys,
        unit="rows",
    )
    _timed(
        "protect_file + vault",
        n,
        lambda: protect_file(src, tmp / "b.csv", policy, keys=keys, vault=tmp / "t.db"),
        unit="rows",
    )
    assert (tmp / "a.csv").read_bytes() == (tmp / "b.csv").read_bytes()


def _column(values: list[str], path: Path) -> None:
    import polars as pl

    from jikimi.keys import MemoryKeyStore
    from jikimi.transform.base import FieldContext
    from jikimi.transform.token import Token, TokenConfig, VaultedToken
    from jikimi.transform.vault import SqliteTokenVault

    keys = MemoryKeyStore()
    ctx = FieldContext(entity="EMAIL")
    n = len(values)
    frame = pl.DataFrame({"v": values}).lazy()
    vault = SqliteTokenVault(path)
    plain = Token(TokenConfig(), keys)
    vaulted = VaultedToken(TokenConfig(), keys, vault)

    def protect(op: Token | VaultedToken) -> pl.DataFrame:
        return frame.select(op.protect_expr(pl.col("v"), ctx)).collect()

    def reveal(tokens: pl.DataFrame) -> pl.DataFrame:
        return tokens.lazy().select(vaulted.reveal_expr(pl.col("v"), ctx)).collect()

    one_way = _timed("token, no vault", n, protect, plain)
    first = _timed("token + vault (new rows)", n, protect, vaulted)
    _timed("token + vault (rows already there)", n, protect, vaulted)
    assert first.equals(one_way)
    back = _timed("reveal through the vault", n, reveal, first)
    assert back["v"].to_list() == values
    vault.close()
    print(f"  vault: {len(set(values)):,} rows, {path.stat().st_size / 1e6:,.1f} MB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
