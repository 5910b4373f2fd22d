"""File scanning: encoding-detection accuracy on short samples and scan_path throughput.

    python benchmarks/bench_files.py [--mb 64] [--workers 1 2]

Detection is compared with charset-normalizer (a widely used detector; [bench] extra) on
short Korean and
Chinese snippets built from the word lists jikimi ships, because short fields (a name, an
address line) are where CP949 and GB18030 are hardest to tell apart. Throughput is
measured on a generated tree of UTF-8, CP949 and GB18030 files with sparse personal data.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from charset_normalizer import from_bytes

from jikimi.pathscan import ScanSummary, scan_path
from jikimi.scanner import engine_for
from jikimi.sources.text import detect_encoding

DATA = Path(__file__).resolve().parents[1] / "src" / "jikimi" / "detect" / "data"


def _words(name: str, lo: int, hi: int) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [
        w
        for line in text.splitlines()
        if not line.startswith("#")
        for w in line.split()
        if all(lo <= ord(c) <= hi for c in w)
    ]


def bench_detection(rng: random.Random) -> None:
    ko = _words("ko_stopwords.txt", 0xAC00, 0xD7A3) + _words(
        "ko_given_syllables.txt", 0xAC00, 0xD7A3
    )
    zh = [w for f in ("cn_cities.txt", "cn_districts.txt") for w in _words(f, 0x4E00, 0x9FFF)]
    print("detection accuracy (decoded text equals the original), 300 samples each")
    print(f"{'sample':<22}{'jikimi':>8}{'charset-normalizer':>20}")
    for label, pool, codec in (
        ("Korean / cp949", ko, "cp949"),
        ("Chinese / gb18030", zh, "gb18030"),
    ):
        for n in (1, 2, 4, 8):
            ours = theirs = 0
            for _ in range(300):
                s = " ".join(rng.choice(pool) for _ in range(n)) + " 900101-1234568"
                b = s.encode(codec)
                got = detect_encoding(b, complete=True)
                ours += got is not None and b.decode(got, "replace") == s
                best = from_bytes(b).best()
                theirs += best is not None and b.decode(best.encoding, "replace") == s
            print(f"{label + f' x{n} words':<22}{ours / 300:>8.3f}{theirs / 300:>20.3f}")
    head = ("고객 홍길동 로그인 성공 주소 서울특별시 강남구\n" * 4000).encode("cp949")[:65536]
    t = time.perf_counter()
    for _ in range(50):
        detect_encoding(head)
    ours_ms = (time.perf_counter() - t) / 50 * 1000
    t = time.perf_counter()
    for _ in range(10):
        from_bytes(head).best()
    theirs_ms = (time.perf_counter() - t) / 10 * 1000
    print(f"64 KiB CP949 head: jikimi {ours_ms:.1f} ms, charset-normalizer {theirs_ms:.1f} ms")


def make_tree(root: Path, total_mb: int, rng: random.Random) -> int:
    filler_ko = "오늘 회의 자료를 공유합니다. 일정은 다음 주로 변경되었습니다. "
    filler_zh = "今天的会议资料已经共享，日程改到下周。"
    filler_en = "The quarterly report was shared with the team for review. "
    pii = [" 주민등록번호 900101-1234568 ", " 身份证 11010519491231002X ", " a.kim@example.com "]
    size = 0
    i = 0
    while size < total_mb << 20:
        kind = i % 3
        codec = ("utf-8", "cp949", "gb18030")[kind]
        filler = (filler_ko, filler_ko, filler_zh)[kind] + filler_en
        lines = []
        for _ in range(rng.randrange(200, 4000)):
            line = filler
            if rng.random() < 0.02:
                line += pii[kind if kind < 2 else 1] if codec != "cp949" else pii[0]
            lines.append(line)
        data = "\n".join(lines).encode(codec)
        p = root / f"d{i % 10}" / f"f{i:05d}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(data)
        size += len(data)
        i += 1
    return size


def bench_throughput(total_mb: int, workers: list[int], rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = make_tree(root, total_mb, rng)
        files = sum(1 for _ in root.rglob("*.txt"))
        print(f"\nscan_path over {files} files, {size / 1e6:.1f} MB (all entities)")
        t = time.perf_counter()
        engine_for(None, None)
        print(f"engine compile in this process: {time.perf_counter() - t:.2f} s")
        for w in workers:
            t = time.perf_counter()
            summary = ScanSummary.of(scan_path(root, workers=w))
            dt = time.perf_counter() - t
            print(
                f"workers={w}: {dt:.2f} s, {size / 1e6 / dt:.1f} MB/s, "
                f"{summary.findings_total} findings, {summary.files_scanned} files"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=64)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--skip-detection", action="store_true")
    args = ap.parse_args()
    rng = random.Random(7)
    if not args.skip_detection:
        bench_detection(rng)
    bench_throughput(args.mb, args.workers, rng)


if __name__ == "__main__":
    main()
