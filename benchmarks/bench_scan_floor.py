"""How fast a scan could be if jikimi's own engine cost nothing: the floor of its parts.

    python benchmarks/bench_scan_floor.py              # 10 MB of the bench_scan corpus
    python benchmarks/bench_scan_floor.py --size-mb 100 --repeat 5

Every identifier scan must run the Hyperscan database (all candidate shapes and context
words) and hand each candidate to its validator (python-stdnum checksums, phonenumbers).
This script times those two parts alone, on the corpus ``bench_scan.py`` uses and on
its English-dominant Presidio sample:

* the Hyperscan database through the ``hyperscan`` package with a callback that does
  nothing (the cheapest possible use of it from Python);
* every validator and refiner call the engine made during the scan, replayed on the same
  values in a tight loop (no engine around them);
* the whole scan, as ``bench_scan.py`` times it.

``bytes / (Hyperscan + validators)`` is the ceiling a scan can reach with a free engine;
the rest of the scan time is the engine (offsets, context, scores, overlap resolution).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import functools
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_scan import IDENTIFIERS, MB, cached_corpus, english_sample

from jikimi.detect.engine import Engine
from jikimi.detect.phone import clear_cache
from jikimi.detect.recognizer import Recognizer
from jikimi.detect.registry import select
from jikimi.types import EntityId

Calls = dict[tuple[str, str], list[tuple[Any, ...]]]


def _median(repeat: int, step: Callable[[], object]) -> float:
    """Median seconds of ``step``; each run validates phone numbers from cold."""
    got = []
    for _ in range(repeat):
        clear_cache()
        t = time.perf_counter()
        step()
        got.append(time.perf_counter() - t)
    return statistics.median(got)


def _replay(fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> None:
    for args in calls:
        fn(*args)


def _scan_all(db: Any, data: list[bytes], scratch: Any) -> None:
    def nothing(*_: object) -> None:
        return None

    for d in data:
        db.scan(d, match_event_handler=nothing, scratch=scratch)


def _recording(recognizers: Sequence[Recognizer], calls: Calls) -> list[Recognizer]:
    """Copies of the recognizers whose validate/refine also note their arguments."""

    def wrap(fn: Callable[..., Any], key: tuple[str, str]) -> Callable[..., Any]:
        def noted(*args: Any) -> Any:
            calls[key].append(args)
            return fn(*args)

        return noted

    out = []
    for r in recognizers:
        changes: dict[str, Any] = {}
        if r.validate is not None:
            changes["validate"] = wrap(r.validate, (r.name, "validate"))
        if r.refine is not None:
            changes["refine"] = wrap(r.refine, (r.name, "refine"))
        out.append(dataclasses.replace(r, **changes))
    return out


def floor(pieces: list[str], selection: frozenset[EntityId] | None, repeat: int) -> dict[str, Any]:
    """Seconds for the whole scan, Hyperscan alone and the validators alone."""
    recognizers = select(selection, None)
    engine = Engine(recognizers)
    data = [p.encode("utf-8") for p in pieces]
    nbytes = sum(len(d) for d in data)
    for p in pieces:  # warm: lazy tables, validator caches, as bench_scan does
        engine.scan(p)
    whole = _median(repeat, lambda: [engine.scan(p) for p in pieces])

    db, scratch = engine._db, engine._scratch  # the engine's own database, as compiled
    assert db is not None

    hs = _median(repeat, functools.partial(_scan_all, db, data, scratch))

    calls: Calls = collections.defaultdict(list)
    recorder = Engine(_recording(recognizers, calls))
    for p in pieces:
        recorder.scan(p)
    by_name = {r.name: r for r in recognizers}
    parts: dict[str, tuple[int, float]] = {}
    for (name, what), args in calls.items():
        fn = getattr(by_name[name], what)
        secs = _median(repeat, functools.partial(_replay, fn, args))
        parts[f"{name}.{what}"] = (len(args), secs)
    # Validators of identifiers come from python-stdnum and phonenumbers; refiners are
    # jikimi's own name/address code.
    checks = sum(s for k, (_, s) in parts.items() if k.endswith(".validate"))
    refine = sum(s for k, (_, s) in parts.items() if k.endswith(".refine"))
    return {
        "bytes": nbytes,
        "whole": whole,
        "hyperscan": hs,
        "validate": checks,
        "refine": refine,
        "calls": sum(n for n, _ in parts.values()),
        "parts": parts,
    }


def report(title: str, f: dict[str, Any], target: float | None) -> None:
    mb = f["bytes"] / MB
    print(f"\n{title}: {mb:.2f} MB, {f['calls']} validator/refiner calls")
    rows = [
        ("whole scan", f["whole"]),
        ("Hyperscan alone (no-op callback)", f["hyperscan"]),
        ("validators alone (replayed)", f["validate"]),
        ("refiners alone (replayed)", f["refine"]),
    ]
    for name, secs in rows:
        print(f"  {name:34s} {secs * 1e3:8.1f} ms  {mb / secs if secs else float('inf'):8.1f} MB/s")
    need = f["hyperscan"] + f["validate"]
    print(f"  ceiling, engine free (HS + validators):  {mb / need:8.1f} MB/s")
    print(f"  ceiling, engine free (HS + val + refine): {mb / (need + f['refine']):7.1f} MB/s")
    share = 1 - (need + f["refine"]) / f["whole"]
    print(f"  engine's own share of the scan:          {share:8.0%}")
    if target is not None:
        print(f"  target {target:.1f} MB/s = {f['bytes'] / target / MB * 1e3:.1f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--presidio-kb", type=int, default=200)
    ap.add_argument(
        "--presidio-mb-s",
        type=float,
        default=0.0166,
        help="Presidio's MB/s on the sample, as bench_scan.py prints it",
    )
    ap.add_argument("--cache", default="bench-data")
    args = ap.parse_args(argv)
    if args.size_mb <= 0 or args.repeat <= 0 or args.presidio_kb <= 0:
        ap.error("sizes and --repeat must be positive")
    path = cached_corpus(args.size_mb, args.seed, Path(args.cache))
    text = path.read_text(encoding="utf-8")
    report(
        f"identifiers, mixed corpus ({path.name})",
        floor([text], IDENTIFIERS, args.repeat),
        100.0,
    )
    sample = english_sample(args.presidio_kb, args.seed)
    report(
        "full entity set, English-dominant sample, one call per document",
        floor(sample, None, args.repeat),
        400 * args.presidio_mb_s,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
