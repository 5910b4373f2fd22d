"""Scan throughput of jikimi (MB/s of UTF-8), a Presidio comparison, and hostile inputs.

    python benchmarks/bench_scan.py                 # 100 MB corpus, cached in ./bench-data/
    python benchmarks/bench_scan.py --quick         # 10 MB
    python benchmarks/bench_scan.py --size-mb 200 --workers 4 --json

Measures, on a mixed ko/zh/en corpus from jikimi.testing (about one piece of personal data
per 1.4 KiB): identifiers only (every entity but PERSON and ADDRESS) and the full set, on one
core and on all cores (processes over slices of the cached file, each with its own engine
from jikimi.scanner.engine_for); Presidio's AnalyzerEngine and jikimi on the same
English-dominant sample; and seconds per MB on adversarial inputs of 1-8 MB, which must stay
flat if scanning is linear.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jikimi.testing.corpus as corpus_mod
import jikimi.testing.lexicon as lexicon_mod
import jikimi.testing.values as values_mod
from jikimi.detect.engine import Engine
from jikimi.detect.phone import clear_cache
from jikimi.scanner import engine_for
from jikimi.testing.corpus import generate_docs, iter_filler, make_corpus
from jikimi.types import EntityId

MB = 1_000_000
IDENTIFIERS = frozenset(e for e in EntityId if e not in (EntityId.PERSON, EntityId.ADDRESS))
SELECTIONS: dict[str, frozenset[EntityId] | None] = {"identifiers": IDENTIFIERS, "full": None}


# -- corpus -----------------------------------------------------------------------------------


def _generator_version() -> str:
    """Changes whenever the generator's code does, so a stale cached corpus is rebuilt."""
    h = hashlib.sha256()
    for mod in (corpus_mod, lexicon_mod, values_mod):
        h.update(Path(str(mod.__file__)).read_bytes())
    return h.hexdigest()[:10]


def cached_corpus(size_mb: int, seed: int, cache_dir: Path) -> Path:
    path = cache_dir / f"corpus-{size_mb}mb-s{seed}-{_generator_version()}.txt"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    text = make_corpus(size_mb * MB, seed)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    print(f"built {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return path


def slices(path: Path, n: int) -> list[tuple[int, int]]:
    """``n``-ish byte ranges of the file, cut at blank lines so no value is split."""
    data = path.read_bytes()
    size = len(data)
    cuts = [0]
    for i in range(1, n):
        j = data.find(b"\n\n", i * size // n)
        if j == -1 or j <= cuts[-1]:
            continue
        cuts.append(j + 2)
    cuts.append(size)
    return list(itertools.pairwise(cuts))


# -- workers ----------------------------------------------------------------------------------

_ENGINE: Engine | None = None
_PATH: str = ""


def _init_worker(path: str, selection: frozenset[EntityId] | None) -> None:
    global _ENGINE, _PATH
    clear_cache()  # a forked worker must not inherit numbers validated by earlier runs
    _ENGINE = engine_for(selection)
    _PATH = path


def _scan_slice(rng: tuple[int, int]) -> tuple[int, int]:
    assert _ENGINE is not None
    with open(_PATH, "rb") as fh:
        fh.seek(rng[0])
        text = fh.read(rng[1] - rng[0]).decode("utf-8")
    return len(_ENGINE.scan(text)), rng[1] - rng[0]


def _ready(_: int) -> bool:
    return _ENGINE is not None


def run_parallel(path: Path, selection: frozenset[EntityId] | None, workers: int) -> dict[str, Any]:
    parts = slices(path, workers * 8)
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(workers, _init_worker, (str(path), selection)) as pool:
        assert all(pool.map(_ready, range(workers * 4)))  # engines compiled before the clock
        t0 = time.perf_counter()
        done = pool.map(_scan_slice, parts, chunksize=1)
        secs = time.perf_counter() - t0
    nbytes = sum(b for _, b in done)
    return {"seconds": secs, "bytes": nbytes, "findings": sum(f for f, _ in done),
            "mb_s": nbytes / MB / secs}  # fmt: skip


def run_single(text: str, nbytes: int, selection: frozenset[EntityId] | None) -> dict[str, Any]:
    eng = engine_for(selection)
    eng.scan("warm up 010-1234-5678")
    clear_cache()  # phone numbers validated by an earlier run would come from the cache
    t0 = time.perf_counter()
    found = eng.scan(text)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "bytes": nbytes, "findings": len(found), "mb_s": nbytes / MB / secs}


# -- Presidio -------------------------------------------------------------------------------


def english_sample(kb: int, seed: int) -> list[str]:
    """English-dominant pieces (English documents, some mixed ones, English filler)."""
    rng = random.Random(seed)
    docs = generate_docs(4000, seed, languages=("en", "en", "en", "mixed"))
    filler = iter_filler(rng, "en")
    out: list[str] = []
    size = 0
    i = 0
    while size < kb * 1024:
        piece = docs[i % len(docs)].text if rng.random() < 0.6 else next(filler)
        i += 1
        out.append(piece)
        size += len(piece.encode())
    return out


def run_presidio(pieces: list[str]) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    from eval_detect import presidio_engine

    engine = presidio_engine()
    for p in pieces[:5]:  # warm up (spaCy's first calls), as jikimi gets an untimed pass
        engine.analyze(p, language="en")
    nbytes = sum(len(p.encode()) for p in pieces)
    t0 = time.perf_counter()
    n = sum(len(engine.analyze(p, language="en")) for p in pieces)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "bytes": nbytes, "findings": n, "mb_s": nbytes / MB / secs}


def run_datafog(pieces: list[str]) -> dict[str, Any]:
    """DataFog's default regex engine, one call per document like the others."""
    import datafog

    datafog.scan("warm up 010-1234-5678")
    nbytes = sum(len(p.encode()) for p in pieces)
    t0 = time.perf_counter()
    n = sum(len(datafog.scan(p).entities) for p in pieces)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "bytes": nbytes, "findings": n, "mb_s": nbytes / MB / secs}


def run_jikimi_pieces(pieces: list[str]) -> dict[str, Any]:
    """One untimed pass first (lazy dictionaries, regex caches), then the median of three:
    the sample takes jikimi ~0.1 s, where a cold cache would be most of the figure."""
    eng = engine_for(None)
    n = sum(len(eng.scan(p)) for p in pieces)
    nbytes = sum(len(p.encode()) for p in pieces)
    runs = []
    for _ in range(3):
        clear_cache()  # each timed pass validates its phone numbers from cold
        t0 = time.perf_counter()
        for p in pieces:
            eng.scan(p)
        runs.append(time.perf_counter() - t0)
    secs = statistics.median(runs)
    return {"seconds": secs, "bytes": nbytes, "findings": n, "mb_s": nbytes / MB / secs}


# -- hostile inputs ---------------------------------------------------------------------------

HOSTILE = {
    "1*n": "1",
    "'1-'*n": "1-",
    "'a@'*n": "a@",
    "'1.'*n": "1.",
    "'가'*n": "가",
    "mixed": "1-a@1.가 0x:ff:",
}


def run_hostile(sizes_mb: Sequence[int]) -> dict[str, dict[int, float]]:
    eng = engine_for(None)
    eng.scan("warm up")
    out: dict[str, dict[int, float]] = {}
    for name, unit in HOSTILE.items():
        out[name] = {}
        for mb in sizes_mb:
            text = unit * (mb * MB // len(unit.encode()))
            t0 = time.perf_counter()
            eng.scan(text)
            out[name][mb] = (time.perf_counter() - t0) / mb
    return out


# -- main -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "load_avg_1m": round(load[0], 2)}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--size-mb", type=int, default=100, help="corpus size in MB (default 100)")
    ap.add_argument("--quick", action="store_true", help="a 10 MB corpus, 1-4 MB hostile inputs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cache-dir", type=Path, default=Path("bench-data"))
    ap.add_argument("--presidio-kb", type=int, default=200, help="Presidio sample size (KB)")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--no-hostile", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    size_mb = 10 if args.quick else args.size_mb
    if size_mb <= 0 or args.workers <= 0 or args.presidio_kb <= 0:
        print("error: sizes and --workers must be positive", file=sys.stderr)
        return 2
    hostile_sizes = (1, 2, 4) if args.quick else (1, 2, 4, 8)

    out: dict[str, Any] = {"machine": machine(), "corpus_mb": size_mb, "workers": args.workers}
    path = cached_corpus(size_mb, args.seed, args.cache_dir)
    text = path.read_text(encoding="utf-8")
    nbytes = path.stat().st_size
    out["throughput"] = {}
    for name, sel in SELECTIONS.items():
        out["throughput"][name] = {
            "1 core": run_single(text, nbytes, sel),
            f"{args.workers} cores": run_parallel(path, sel, args.workers),
        }
    del text
    if not args.no_presidio:
        pieces = english_sample(args.presidio_kb, args.seed)
        ours = run_jikimi_pieces(pieces)
        joined = "\n\n".join(pieces)
        ours_joined = run_single(joined, len(joined.encode()), None)
        try:
            peer = run_presidio(pieces)
        except (ImportError, OSError) as exc:
            print(
                f"note: Presidio not available ({exc}); pip install jikimi[bench]", file=sys.stderr
            )
        else:
            out["presidio"] = {
                "jikimi": ours,
                "jikimi_joined": ours_joined,
                "presidio": peer,
                "ratio": ours["mb_s"] / peer["mb_s"],
            }
        with contextlib.suppress(ImportError):
            out["datafog"] = run_datafog(pieces)
    if not args.no_hostile:
        out["hostile_s_per_mb"] = run_hostile(hostile_sizes)

    if args.json:
        json.dump(out, sys.stdout, indent=1, default=str)
        print()
        return 0
    m = out["machine"]
    print(f"machine: {m['cpus']} x {m['cpu']}, Python {m['python']}, load {m['load_avg_1m']}")
    print(f"corpus: {nbytes / MB:.1f} MB mixed ko/zh/en ({path})")
    print(f"{'selection':<13}{'cores':<10}{'MB/s':>9}{'seconds':>9}{'findings':>11}")
    for name, rows in out["throughput"].items():
        for cores, r in rows.items():
            print(f"{name:<13}{cores:<10}{r['mb_s']:>9.2f}{r['seconds']:>9.2f}{r['findings']:>11}")
    if "presidio" in out:
        p = out["presidio"]
        n = p["jikimi"]["bytes"] / 1024
        print(f"\nEnglish-dominant sample {n:.0f} KiB, full entity set, one call per document:")
        print(f"  jikimi   {p['jikimi']['mb_s']:>8.3f} MB/s  ({p['jikimi']['findings']} findings)")
        print(
            f"  presidio {p['presidio']['mb_s']:>8.3f} MB/s  ({p['presidio']['findings']} results)"
        )
        print(f"  ratio jikimi/presidio = {p['ratio']:.1f}x")
        if "datafog" in out:
            d = out["datafog"]
            print(f"  datafog  {d['mb_s']:>8.3f} MB/s  ({d['findings']} results, regex engine)")
        j = p["jikimi_joined"]
        print(f"  (jikimi on the sample as one text: {j['mb_s']:.3f} MB/s)")
    if "hostile_s_per_mb" in out:
        print("\nhostile inputs, seconds per MB (flat = linear):")
        print(f"{'input':<10}" + "".join(f"{f'{s} MB':>9}" for s in hostile_sizes))
        for name, row in out["hostile_s_per_mb"].items():
            print(f"{name:<10}" + "".join(f"{row[s]:>9.3f}" for s in hostile_sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
