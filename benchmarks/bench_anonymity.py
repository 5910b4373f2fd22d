"""Benchmark of the k-anonymity / l-diversity lattice search.

Adult (ARX's variant, shared/data/adult) with all nine attributes as quasi-identifiers
(eight, with occupation sensitive, for l-diversity), suppression limits 0 % and 2 %; then a
generated table of 3,000,000 rows with over a million distinct quasi-identifier
combinations. Prints wall and CPU seconds, chosen levels, suppressed records, ARX's Loss
metric and jikimi's other utility figures, and lattice nodes evaluated.

    POLARS_MAX_THREADS=1 python benchmarks/bench_anonymity.py            # one core
    python benchmarks/bench_anonymity.py --verify                         # + exhaustive check
    python benchmarks/bench_anonymity.py --skip-large
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import polars as pl

from jikimi.anonymity import (
    AnonymizationConfig,
    DistinctLDiversity,
    KAnonymity,
    date_hierarchy,
    flat_hierarchy,
    grouping_hierarchy,
    interval_hierarchy,
    load_hierarchies,
    postcode_hierarchy,
)
from jikimi.anonymity.api import anonymize_with
from jikimi.anonymity.encoding import EncodedTable
from jikimi.anonymity.lattice.search import search
from jikimi.anonymity.metrics import Objective

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult"
if not ADULT.is_dir():
    ADULT = Path("/work/shared/data/adult")


def run(name: str, frame: pl.DataFrame, config: AnonymizationConfig, verify: bool) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = anonymize_with(frame, config, measure=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    levels = ",".join(str(level) for level in result.levels.values())
    u = result.utility
    print(
        f"{name:<26} wall {wall:6.3f}s cpu {cpu:6.3f}s  search {result.search.seconds:6.3f}s  "
        f"levels [{levels}]  suppressed {u.suppressed:5d}  ARX-loss {u.arx_loss:.6f}  "
        f"precision {u.precision:.4f}  NUE {u.non_uniform_entropy_normalized:.4f}  "
        f"C_avg {u.normalized_average_class_size:.2f}  "
        f"nodes {result.search.evaluated}/{result.search.lattice_size}",
        flush=True,
    )
    if verify:
        table = EncodedTable(frame, config)
        brute = search(table, Objective(table, config.metric), "exhaustive")
        verdict = "same" if abs(brute.loss - result.search.loss) < 1e-9 else "DIFFERENT"
        print(f"{'':<26} exhaustive optimum {brute.loss:.6f} ({verdict}) in {brute.seconds:.1f}s")


def adult(verify: bool) -> None:
    frame = pl.read_csv(ADULT / "adult.csv", separator=";", infer_schema=False)
    hierarchies = load_hierarchies(ADULT, frame.columns)
    every = tuple(frame.columns)
    eight = tuple(c for c in every if c != "occupation")
    print(f"Adult: {frame.height} rows; lattice 12,960 nodes (9 QIs), 4,320 (8 QIs)")
    for limit in (0.0, 0.02):
        tag = f"{limit:.0%}"
        run(
            f"k=5 supp {tag}",
            frame,
            AnonymizationConfig(every, hierarchies, (KAnonymity(5),), limit),
            verify,
        )
        run(
            f"k=5 l=3(occupation) {tag}",
            frame,
            AnonymizationConfig(
                eight, hierarchies, (KAnonymity(5), DistinctLDiversity("occupation", 3)), limit
            ),
            verify,
        )
        run(
            f"k=10 supp {tag}",
            frame,
            AnonymizationConfig(every, hierarchies, (KAnonymity(10),), limit),
            verify,
        )
        run(
            f"k=50 supp {tag}",
            frame,
            AnonymizationConfig(every, hierarchies, (KAnonymity(50),), limit),
            verify,
        )


def generated(rows: int) -> pl.DataFrame:
    """Deterministic synthetic people: skewed age, postcode, education, marital status, visit."""
    index = pl.int_range(0, rows, eager=True, dtype=pl.UInt64)
    educations = [f"edu{i:02d}" for i in range(16)]
    marital = [f"m{i}" for i in range(7)]

    def draw(seed: int, modulus: int) -> pl.Series:
        return (index.hash(seed) % modulus).cast(pl.Int64)

    age = ((draw(1, 90) + draw(2, 90)) // 2 + draw(3, 10)).alias("age")
    start = pl.Series([0]).cast(pl.Date)  # 1970-01-01
    visit = (start.cast(pl.Int64).gather([0] * rows) + 18000 + draw(8, 1461)).cast(pl.Date)
    visit = visit.dt.strftime("%Y-%m-%d").alias("visit")
    postcode = (draw(4, 4000) * 23 + 1000).cast(pl.String).str.zfill(5).alias("zip")
    return pl.DataFrame(
        [
            age,
            pl.Series("sex", ["F", "M"]).gather(draw(5, 2)),
            postcode,
            pl.Series("education", educations).gather(draw(6, 16)),
            pl.Series("marital", marital).gather(draw(7, 7)),
            visit,
        ]
    )


def large(rows: int) -> None:
    started = time.perf_counter()
    frame = generated(rows)
    distinct = frame.n_unique()
    print(
        f"\nGenerated table: {frame.height:,} rows, {distinct:,} distinct QI combinations "
        f"(built in {time.perf_counter() - started:.1f}s)"
    )
    hierarchies = {
        "age": interval_hierarchy(
            "age", frame.get_column("age").unique().to_list(), (5, 10, 20, 40)
        ),
        "sex": flat_hierarchy("sex", ["F", "M"]),
        "zip": postcode_hierarchy("zip", frame.get_column("zip").unique().to_list()),
        "education": grouping_hierarchy(
            "education",
            frame.get_column("education").unique().to_list(),
            [
                {f"edu{i:02d}": f"band{i // 4}" for i in range(16)},
                {f"band{i}": f"level{i // 2}" for i in range(4)},
            ],
        ),
        "marital": grouping_hierarchy(
            "marital",
            frame.get_column("marital").unique().to_list(),
            [{f"m{i}": f"g{i % 2}" for i in range(7)}],
        ),
    }
    hierarchies["visit"] = date_hierarchy("visit", frame.get_column("visit").unique().to_list())
    qis = ("age", "sex", "zip", "education", "marital", "visit")
    for limit in (0.02, 0.0):
        config = AnonymizationConfig(qis, hierarchies, (KAnonymity(5),), limit)
        run(f"3M k=5 supp {limit:.0%}", frame, config, verify=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--verify", action="store_true", help="also run the exhaustive search on Adult"
    )
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--rows", type=int, default=3_000_000)
    args = parser.parse_args()
    threads = os.environ.get("POLARS_MAX_THREADS", "unset")
    print(f"POLARS_MAX_THREADS={threads}, load average {os.getloadavg()}")
    adult(args.verify)
    if not args.skip_large:
        large(args.rows)


if __name__ == "__main__":
    main()
