"""Backup/restore throughput against raw AES-256-GCM, and the time to erase one subject.

Run:  python benchmarks/bench_backup.py [--mb 200] [--subjects 1000000]

Prints MB/s for raw AES-GCM (same chunk size, same process), backup create, verify and
restore of ``--mb`` MB of random files to a local target, and the time to erase one
subject from a SQLite subject key table holding ``--subjects`` keys.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jikimi.backup import Archives, LocalTarget, MemoryTarget
from jikimi.backup.archive import DEFAULT_CHUNK
from jikimi.keys import MemoryKeyStore
from jikimi.shred import MemorySubjectKeyStore, Shredder, SqliteSubjectKeyStore, WrappedSubjectKey


def raw_aes_gcm(total: int, chunk: int = DEFAULT_CHUNK) -> float:
    aead = AESGCM(AESGCM.generate_key(256))
    data = os.urandom(chunk)
    n = max(1, total // chunk)
    start = time.perf_counter()
    for _ in range(n):
        aead.encrypt(secrets.token_bytes(12), data, b"aad")
    return n * chunk / (time.perf_counter() - start) / 1e6


def bench_archive(mb: int, work: Path) -> dict[str, float]:
    src = work / "data"
    src.mkdir()
    per = 50 * 1024 * 1024
    remaining = mb * 1024 * 1024
    i = 0
    while remaining > 0:
        size = min(per, remaining)
        (src / f"part-{i}.bin").write_bytes(os.urandom(size))
        remaining -= size
        i += 1
    total = mb * 1024 * 1024
    t = time.perf_counter()
    plain = work / "plain-write"  # the disk's own speed: same bytes, 4 MiB files, fsync
    plain.mkdir()
    block = os.urandom(DEFAULT_CHUNK)
    for n in range(total // DEFAULT_CHUNK):
        with open(plain / f"c{n}", "wb") as fh:
            fh.write(block)
            fh.flush()
            os.fsync(fh.fileno())
    copy = total / (time.perf_counter() - t) / 1e6
    shutil.rmtree(plain)
    archives = Archives(MemoryKeyStore(), MemorySubjectKeyStore())
    target = LocalTarget("local", work / "target", "KR")
    mem = MemoryTarget("memory", "KR")
    t = time.perf_counter()
    mid = archives.create(src, [mem])
    create_mem = total / (time.perf_counter() - t) / 1e6
    t = time.perf_counter()
    archives.verify(mid, [mem])
    verify_mem = total / (time.perf_counter() - t) / 1e6
    del mem
    t = time.perf_counter()
    aid = archives.create(src, [target])
    create = total / (time.perf_counter() - t) / 1e6
    t = time.perf_counter()
    archives.verify(aid, [target])
    verify = total / (time.perf_counter() - t) / 1e6
    t = time.perf_counter()
    archives.restore(aid, [target], work / "restored")
    restore = total / (time.perf_counter() - t) / 1e6
    return {
        "create, memory target": create_mem,
        "verify, memory target": verify_mem,
        "disk write (no crypto)": copy,
        "backup create": create,
        "backup verify": verify,
        "backup restore": restore,
    }


def bench_erase(subjects: int, work: Path) -> tuple[float, float, float]:
    keys = MemoryKeyStore()
    store = SqliteSubjectKeyStore(work / "subjects.db")
    shredder = Shredder(keys, store)
    t = time.perf_counter()
    # Populate in batches with real wrapped keys (one AES-GCM wrap per subject).
    batch = 50_000
    wrap = AESGCM(keys.primary().derive("bench/wrap"))
    master = keys.primary().key_id
    for lo in range(0, subjects, batch):
        rows = []
        for n in range(lo, min(subjects, lo + batch)):
            nonce = secrets.token_bytes(12)
            rows.append(
                WrappedSubjectKey(
                    secrets.token_hex(8),
                    f"user-{n}",
                    master,
                    nonce + wrap.encrypt(nonce, secrets.token_bytes(32), None),
                    "2026-01-01T00:00:00+00:00",
                )
            )
        store.add(rows)
    populate = time.perf_counter() - t
    target = f"user-{subjects // 2}"
    shredder.ensure_keys([f"probe-{i}" for i in range(20)])
    times = []
    for i in range(20):
        subject = f"probe-{i}"
        shredder.encrypt(subject, b"row")
        t = time.perf_counter()
        shredder.erase_subject(subject, actor="bench")
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    store.delete_subject(target)
    raw_delete = time.perf_counter() - t
    return populate, statistics.median(times), raw_delete


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--subjects", type=int, default=1_000_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jikimi-bench-backup-"))
    try:
        raw = raw_aes_gcm(args.mb * 1024 * 1024)
        print(f"raw AES-256-GCM, 4 MiB chunks, in memory {raw:8.0f} MB/s")
        for name, rate in bench_archive(args.mb, work).items():
            print(f"{name:<23} {args.mb} MB {rate:8.0f} MB/s  ({rate / raw:5.1%} of raw AES-GCM)")
        populate, erase, raw_delete = bench_erase(args.subjects, work)
        print(f"subject keys populated: {args.subjects:,} in {populate:.1f} s")
        print(
            f"erase one subject among {args.subjects:,} (with certificate + proof): "
            f"{erase * 1000:.2f} ms median of 20"
        )
        print(f"bare key-row delete among {args.subjects:,}: {raw_delete * 1000:.2f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
