"""Streaming access detectors: events per second, one core, and detection latency.

    python benchmarks/bench_watch.py            # 10M events
    python benchmarks/bench_watch.py --quick    # 1M events

Events come from the courier simulator (a month of ~300 accounts with the four attacks),
repeated with a time shift until the requested count; the figure is the watcher's own
throughput: time(generate + watch) - time(generate alone). A second figure reads a
JSONL log of 200k lines end to end (parse + map + watch).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from jikimi.testing.courier import courier_rules, simulate
from jikimi.watch import AccessEvent, Rule, Watcher, read_events


def stream(base: list[AccessEvent], total: int) -> Iterator[AccessEvent]:
    # Shift each repetition by whole weeks so that weekdays (and shifts) stay aligned.
    days = (base[-1].time - base[0].time).days + 1
    span = dt.timedelta(days=-(-days // 7) * 7)
    n = 0
    k = 0
    while True:
        shift = span * k
        for e in base:
            if n >= total:
                return
            yield e if k == 0 else dataclasses.replace(e, time=e.time + shift)
            n += 1
        k += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    total = 1_000_000 if args.quick else args.events
    month = simulate(days=30, seed=11)
    base = month.events
    t = time.process_time()
    for _ in stream(base, total):
        pass
    gen = time.process_time() - t
    watcher = Watcher(courier_rules())
    t = time.process_time()
    alerts = 0
    for e in stream(base, total):
        alerts += len(watcher.observe(e))
    both = time.process_time() - t
    rate = total / max(both - gen, 1e-9)
    print(f"events: {total:,}  accounts: {len(month.accounts)}  alerts: {alerts:,}")
    print(
        f"streaming detectors: {rate:,.0f} events/s (one core, CPU time; "
        f"generation {gen:.1f}s subtracted)"
    )

    # detection latency of the slow extraction (first month only)
    w = Watcher(courier_rules())
    attack = next(a for a in month.attacks if a.kind == "slow-extraction")
    for e in base:
        hit = [
            a
            for a in w.observe(e)
            if a.account == attack.account and a.rule in (Rule.VOLUME, Rule.DISTINCT_SUBJECTS)
        ]
        if hit and e.time >= attack.start:
            leaked = month.attacker_records_before("slow-extraction", e.time)
            print(
                f"slow 400,000-record extraction caught after {leaked:,} records "
                f"({e.time - attack.start} after it began), rule {hit[0].rule.value}"
            )
            break

    with tempfile.TemporaryDirectory() as d:
        log = Path(d) / "access.jsonl"
        with log.open("w", encoding="utf-8") as fh:
            for e in base[:200_000]:
                fh.write(
                    json.dumps(
                        {
                            "time": e.time.isoformat(),
                            "account": e.account,
                            "action": e.action.value,
                            "records": e.records,
                            "subject_ids": list(e.subject_ids),
                            "source": e.source,
                            "fields": sorted(e.fields),
                            "role": e.role,
                        }
                    )
                    + "\n"
                )
        t = time.process_time()
        w = Watcher(courier_rules())
        n = 0
        for e in read_events(log):
            w.observe(e)
            n += 1
        dt_ = time.process_time() - t
        print(f"JSONL end to end (parse + map + watch): {n / dt_:,.0f} events/s")


if __name__ == "__main__":
    main()
