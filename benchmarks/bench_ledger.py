"""Ledger benchmark: access-log appends/s (SQLite, PostgreSQL), verification entries/s, and
consent checks/s through the HTTP API on loopback with p50/p99 latency.

    python benchmarks/bench_ledger.py                 # everything (PostgreSQL if reachable)
    python benchmarks/bench_ledger.py --entries 200000 --seconds 10 --connections 16

Figures on a shared machine are noisy; run it twice and keep the better run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jikimi.ledger import AccessEvent, AccessLog, Action, HmacSigner, Ledger
from jikimi.ledger.db import open_engine, upgrade
from jikimi.ledger.testing import postgres_available, temporary_postgres

SIGNER = HmacSigner(b"b" * 32)


def _event(i: int) -> AccessEvent:
    return AccessEvent(
        actor=f"app{i % 7}",
        action=Action.VIEW,
        resource="crm.customers",
        purpose="billing",
        subject_count=3,
        subject_refs=(f"s{i}", f"s{i + 1}", f"s{i + 2}"),
        fields=("name", "email", "phone"),
        location="10.1.2.3",
    )


def bench_appends(url: str, label: str, entries: int, batch: int, singles: int) -> None:
    engine = open_engine(url)
    upgrade(engine)
    log = AccessLog(engine, SIGNER, checkpoint_every=1000)
    t = time.perf_counter()
    for i in range(singles):
        log.append_many([_event(i)])
    single_rate = singles / (time.perf_counter() - t)
    t = time.perf_counter()
    done = 0
    while done < entries:
        n = min(batch, entries - done)
        log.append_many(_event(done + j) for j in range(n))
        done += n
    batch_rate = entries / (time.perf_counter() - t)
    print(f"{label:10s} append (1 per transaction) : {single_rate:10,.0f} entries/s ({singles})")
    print(f"{label:10s} append_many (batch {batch:>5}): {batch_rate:10,.0f} entries/s ({entries})")
    for workers in (1, 2):
        best, best_cpu = 0.0, 0.0
        for _ in range(2):
            t, c = time.perf_counter(), time.process_time()
            report = log.verify(workers=workers)
            best = max(best, report.entries / (time.perf_counter() - t))
            best_cpu = max(best_cpu, report.entries / max(time.process_time() - c, 1e-9))
            assert report.ok, report.problems[:3]
        cpu = f", {best_cpu:,.0f} per CPU-second" if workers == 1 else ""
        name = f"verify ({workers} process{'es' if workers > 1 else ''})"
        print(
            f"{label:10s} {name:28s}: {best:10,.0f} entries/s "
            f"({report.entries} entries, {report.signatures_checked} signatures{cpu})"
        )
    engine.dispose()


# -- consent checks through the API -----------------------------------------------------
def _serve(db: str, port: int) -> None:
    import uvicorn

    from jikimi.server import create_app

    ledger = Ledger.open(db, migrate=False)
    uvicorn.run(
        create_app(ledger),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop="auto",
        http="auto",
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(
    port: int, token: str, seconds: float, connections: int, subjects: int, max_requests: int
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    sent = 0

    async def worker(w: int) -> None:
        nonlocal errors, sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = w
        while time.perf_counter() < stop_at and sent < max_requests:
            sent += 1
            s = i % subjects
            i += connections
            req = (
                f"GET /v1/consents/check?subject_id=u{s}&purpose=newsletter"
                f"&category=contact.email HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"X-API-Key: {token}\r\n\r\n"
            ).encode()
            t = time.perf_counter()
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - t)
            if not head.startswith(b"HTTP/1.1 200") or b'"allowed"' not in body:
                errors += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(connections)))
    elapsed = time.perf_counter() - t0
    return int(len(latencies) / elapsed), latencies, errors


def bench_api(tmp: Path, seconds: float, connections: int, subjects: int) -> None:
    db = str(tmp / "api.db")
    ledger = Ledger.open(db)
    token = ledger.keys.create("application", "bench").token
    for s in range(subjects):
        if s % 2 == 0:
            ledger.consent.grant(f"u{s}", "newsletter", "contact", "v1")
    ledger.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", db, str(port)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        asyncio.run(_load(port, token, 1.0, connections, subjects, 2_000))  # warm-up
        cpu0 = _cpu_seconds(proc.pid)
        rate, lat, errors = asyncio.run(
            _load(port, token, seconds, connections, subjects, 2_000_000)
        )
        server_cpu = _cpu_seconds(proc.pid) - cpu0
    finally:
        proc.terminate()
        proc.wait(10)
    lat.sort()
    p50 = statistics.median(lat) * 1000
    p99 = lat[int(len(lat) * 0.99) - 1] * 1000
    print(
        f"API consent check: {rate:,.0f} req/s over {len(lat)} requests, "
        f"{connections} connections, p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}"
    )
    if server_cpu > 0:
        print(
            f"API server CPU per request: {server_cpu / len(lat) * 1000:.2f} ms "
            f"(=> {len(lat) / server_cpu:,.0f} req/s per fully available core)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--skip-log", action="store_true", help="only the API benchmark")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve[0], int(args.serve[1]))
        return
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(shared with other jobs: figures are noisy)"
    )
    tmp = Path(tempfile.mkdtemp(prefix="jikimi-bench-"))
    try:
        if not args.skip_log:
            sqlite_url = f"sqlite:///{tmp / 'log.db'}"
            bench_appends(sqlite_url, "SQLite", args.entries, args.batch, args.singles)
            if postgres_available():
                with temporary_postgres(migrate=False) as url:
                    bench_appends(url, "PostgreSQL", args.entries, args.batch, args.singles)
            else:
                print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
        if not args.skip_api:
            bench_api(tmp, args.seconds, args.connections, args.subjects)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
