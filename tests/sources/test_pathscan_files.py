"""scan_path and scan_stream_text over real encoded files, big files, errors and stdin."""

from __future__ import annotations

import builtins
import io
import sys
from pathlib import Path
from typing import Any

import pytest

from jikimi import pathscan
from jikimi.errors import UsageError
from jikimi.pathscan import FileResult, FileStatus, ScanSummary, scan_path, scan_stream_text
from jikimi.types import EntityId

RRN = "900101-1234568"
CNID = "11010519491231002X"
ENTS = ("KR_RRN", "CN_RESIDENT_ID")

KO_TEXT = f"고객 정보 파일\r\n이름: 홍길동\r\n주민등록번호 {RRN} 입니다. 연락 바랍니다.\r\n"
ZH_TEXT = f"客户信息\n姓名：张三\n身份证号码 {CNID} 的持有人，请核实。\n"
MIXED = f"한국어 안내 {RRN}\n中文 {CNID}\n"


def _scan(paths: Any, **kw: Any) -> list[FileResult]:
    kw.setdefault("entities", ENTS)
    return list(scan_path(paths, **kw))


def _decoded(path: Path, encoding: str) -> str:
    return path.read_bytes().decode(encoding)


def _check_offsets(result: FileResult, path: Path) -> str:
    assert result.encoding is not None
    text = _decoded(path, result.encoding)
    for lf in result.findings:
        f = lf.finding
        assert text[f.start : f.end] == f.text
        line_start = text.rfind("\n", 0, f.start) + 1
        assert lf.line == text.count("\n", 0, f.start) + 1
        assert lf.column == f.start - line_start + 1
    return text


@pytest.mark.parametrize(
    ("text", "codec", "reported", "entity", "value", "line", "column"),
    [
        (KO_TEXT, "cp949", "cp949", EntityId.KR_RRN, RRN, 3, 8),
        (KO_TEXT, "euc-kr", "cp949", EntityId.KR_RRN, RRN, 3, 8),
        (ZH_TEXT, "gb18030", "gb18030", EntityId.CN_RESIDENT_ID, CNID, 3, 7),
        (ZH_TEXT, "gbk", "gb18030", EntityId.CN_RESIDENT_ID, CNID, 3, 7),
        (KO_TEXT, "utf-16", "utf-16", EntityId.KR_RRN, RRN, 3, 8),
        (ZH_TEXT, "utf-16", "utf-16", EntityId.CN_RESIDENT_ID, CNID, 3, 7),
        (KO_TEXT, "utf-8-sig", "utf-8-sig", EntityId.KR_RRN, RRN, 3, 8),
        (ZH_TEXT, "utf-16-le", "utf-16-le", EntityId.CN_RESIDENT_ID, CNID, 3, 7),
    ],
)
def test_encoded_files_are_decoded_scanned_and_located(
    tmp_path: Path,
    text: str,
    codec: str,
    reported: str,
    entity: EntityId,
    value: str,
    line: int,
    column: int,
) -> None:
    path = tmp_path / f"doc.{codec}.txt"
    path.write_bytes(text.encode(codec))
    [res] = _scan(path)
    assert res.status is FileStatus.OK
    assert res.encoding == reported
    assert res.size_bytes == path.stat().st_size
    assert res.replacements == 0
    decoded = _check_offsets(res, path)
    assert decoded.lstrip("\ufeff") == text
    assert [(lf.finding.entity, lf.finding.text, lf.line, lf.column) for lf in res.findings] == [
        (entity, value, line, column)
    ]


def test_value_straddling_the_chunk_boundary_is_found_once(tmp_path: Path) -> None:
    # Korean filler in UTF-8 makes byte and character boundaries differ: place one value
    # across the 1 MiB *byte* boundary (decoder chunks) and one across the 1 Mi *character*
    # boundary (engine windows), in a file of more than 2 MiB.
    filler_line = "가나다라 마바사 아자차카 타파하 hello world 12345\n"
    line_bytes = len(filler_line.encode())
    mib = 1 << 20
    n = (mib - 7) // line_bytes
    head = filler_line * n + "x" * (mib - 7 - n * line_bytes)
    head += f" {RRN} \n"  # the RRN's bytes straddle byte 1 MiB
    assert len(head.encode()) == mib + len(RRN) - 4
    k = (mib - 9 - len(head)) // len(filler_line)
    middle = filler_line * k
    middle += "y" * (mib - 9 - len(head) - len(middle))
    body = head + middle + f" {CNID} \n"  # the CN id straddles character 1 Mi
    tail = filler_line * ((mib + 8192) // line_bytes)
    text_so_far = body + tail + f"끝 {RRN}\n"
    assert len(text_so_far.encode()) > 2 * mib
    path = tmp_path / "big.txt"
    path.write_bytes(text_so_far.encode())

    [res] = _scan(path)
    assert res.status is FileStatus.OK and res.encoding == "utf-8"
    _check_offsets(res, path)
    got = [(lf.finding.entity, lf.finding.start) for lf in res.findings]
    assert got == [
        (EntityId.KR_RRN, text_so_far.index(RRN)),
        (EntityId.CN_RESIDENT_ID, mib - 8),
        (EntityId.KR_RRN, text_so_far.rindex(RRN)),
    ]
    rrn_byte = text_so_far.encode().index(RRN.encode())
    assert rrn_byte < mib < rrn_byte + len(RRN)


def test_many_chunks_keep_line_numbers_right(tmp_path: Path) -> None:
    lines = [f"줄 {i} 내용 없음" for i in range(120_000)]
    for i in (5, 50_000, 99_999, 119_999):
        lines[i] = f"줄 {i} 주민 {RRN}"
    text = "\n".join(lines)
    path = tmp_path / "lines.txt"
    path.write_text(text, encoding="cp949")
    [res] = _scan(path)
    assert res.encoding == "cp949"
    _check_offsets(res, path)
    assert [lf.line for lf in res.findings] == [6, 50_001, 100_000, 120_000]


def test_binary_files_are_skipped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + RRN.encode() + bytes(256))
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4 + RRN.encode())
    (tmp_path / "ok.txt").write_text(f"rrn {RRN}\n")
    results = _scan(tmp_path)
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["img.png"].status is FileStatus.BINARY
    assert by_name["blob.bin"].status is FileStatus.BINARY
    assert by_name["img.png"].findings == ()
    assert len(by_name["ok.txt"].findings) == 1
    summary = ScanSummary.of(results)
    assert (summary.files_scanned, summary.files_binary, summary.files_error) == (1, 2, 0)
    assert summary.findings_by_entity == {EntityId.KR_RRN: 1}
    assert summary.bytes_scanned == (tmp_path / "ok.txt").stat().st_size
    assert summary.files_total == 3 and summary.findings_total == 1


def test_unreadable_file_is_reported_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name} {RRN}\n")
    real_open = builtins.open

    def deny(file: Any, *args: Any, **kw: Any) -> Any:
        if str(file).endswith("b.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kw)

    monkeypatch.setattr(builtins, "open", deny)
    results = _scan(tmp_path, workers=1)
    assert [Path(r.path).name for r in results] == ["a.txt", "b.txt", "c.txt"]
    assert [r.status for r in results] == [FileStatus.OK, FileStatus.ERROR, FileStatus.OK]
    assert results[1].error == "permission denied"
    assert RRN not in repr(results[1]) and RRN not in (results[1].error or "")
    assert ScanSummary.of(results).files_error == 1


def test_a_file_that_vanishes_mid_scan_is_an_error(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name} {RRN}\n")
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            (tmp_path / "b.txt").unlink()

    results = list(scan_path(tmp_path, entities=ENTS, workers=1, progress=progress))
    assert [r.status for r in results] == [FileStatus.OK, FileStatus.ERROR, FileStatus.OK]
    assert results[1].error == "no such file or directory"
    assert seen == sorted(seen)


def test_missing_path_is_an_error_result(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(RRN)
    results = _scan([tmp_path / "missing.txt", tmp_path / "a.txt"])
    assert [r.status for r in results] == [FileStatus.ERROR, FileStatus.OK]
    assert results[0].path.endswith("missing.txt")


def test_include_and_exclude_select_files(tmp_path: Path) -> None:
    for rel in ("logs/a.log", "logs/b.txt", "build/c.log", "d.log"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"{RRN}\n")
    results = _scan(tmp_path, include=["*.log"], exclude=["build/**"])
    assert sorted(Path(r.path).relative_to(tmp_path).as_posix() for r in results) == [
        "d.log",
        "logs/a.log",
    ]


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"{i} {RRN}\n" * 100)
    calls: list[tuple[int, int]] = []
    list(scan_path(tmp_path, entities=ENTS, workers=1, progress=lambda d, t: calls.append((d, t))))
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)


def _corpus(root: Path) -> None:
    docs = {
        "ko/a.txt": (KO_TEXT, "cp949"),
        "ko/b.txt": (KO_TEXT * 3, "utf-8"),
        "zh/a.txt": (ZH_TEXT, "gb18030"),
        "zh/b.txt": (ZH_TEXT, "utf-16"),
        "mixed.txt": (MIXED * 50, "utf-8"),
        "empty.txt": ("", "utf-8"),
    }
    for i in range(30):
        docs[f"bulk/{i:02d}.txt"] = (f"line {i}\n" + MIXED * (i % 4), "utf-8")
    for rel, (text, codec) in docs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode(codec))
    (root / "bin.dat").write_bytes(bytes(range(256)) * 8)


def _comparable(results: list[FileResult]) -> list[tuple[Any, ...]]:
    return [
        (
            r.path,
            r.status,
            r.encoding,
            r.size_bytes,
            [
                (lf.finding.entity, lf.finding.start, lf.finding.end, lf.line, lf.column)
                for lf in r.findings
            ],
        )
        for r in results
    ]


def test_parallel_results_equal_sequential_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path)
    monkeypatch.setattr(pathscan, "_PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pathscan, "_BATCH_FILES", 4)  # several batches per worker
    sequential = _scan(tmp_path, workers=1)
    calls: list[tuple[int, int]] = []
    parallel = _scan(tmp_path, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert _comparable(parallel) == _comparable(sequential)
    assert len(sequential) == 37
    assert sum(len(r.findings) for r in sequential) > 100
    assert calls[-1][0] == calls[-1][1]


def test_a_parallel_scan_stopped_early_releases_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path)
    monkeypatch.setattr(pathscan, "_PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pathscan, "_BATCH_FILES", 2)
    it = scan_path(tmp_path, entities=ENTS, workers=2)
    first = next(it)
    it.close()
    assert first.path.endswith("bin.dat")
    again = _scan(tmp_path, workers=2)  # a new pool works after the abandoned one
    assert len(again) == 37


def test_stdin_binary_stream_is_detected_and_scanned() -> None:
    res = scan_stream_text(io.BytesIO(KO_TEXT.encode("cp949")), entities=ENTS)
    assert res.path == "-" and res.status is FileStatus.OK and res.encoding == "cp949"
    [lf] = res.findings
    assert (lf.finding.text, lf.line, lf.column) == (RRN, 3, 8)
    assert res.size_bytes == len(KO_TEXT.encode("cp949"))


def test_stdin_text_stream_and_binary_data() -> None:
    res = scan_stream_text(io.StringIO(ZH_TEXT), entities=ENTS)
    assert [lf.finding.text for lf in res.findings] == [CNID]
    binary = scan_stream_text(io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(100)))
    assert binary.status is FileStatus.BINARY


def test_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = io.TextIOWrapper(io.BytesIO(ZH_TEXT.encode("gb18030")))
    monkeypatch.setattr(sys, "stdin", fake)
    (tmp_path / "a.txt").write_text(RRN)
    results = _scan(["-", tmp_path / "a.txt"])
    assert [r.path for r in results] == ["-", str(tmp_path / "a.txt")]
    assert results[0].encoding == "gb18030"
    assert [lf.finding.text for lf in results[0].findings] == [CNID]


def test_dash_reads_a_text_only_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KO_TEXT))
    [res] = _scan("-")
    assert [(lf.finding.text, lf.line) for lf in res.findings] == [(RRN, 3)]


def test_bad_arguments_raise_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        scan_path(tmp_path, entities=["NOT_AN_ENTITY"])
    with pytest.raises(UsageError):
        scan_path(tmp_path, languages=["xx"])
    with pytest.raises(UsageError):
        scan_path(tmp_path, workers=0)


def test_results_repr_never_shows_values(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{RRN}\n")
    [res] = _scan(tmp_path)
    assert res.findings and RRN not in repr(res)


def test_batches_keep_every_worker_busy() -> None:
    from jikimi.pathscan import _BATCH_BYTES, _MIN_BATCH_BYTES, _batches, _Job

    jobs = [_Job(i, f"f{i}", 100_000) for i in range(16)]  # 1.6 MB: 2 workers, 4+ each
    batches = _batches(jobs, 2)
    assert len(batches) >= 8
    assert [j for b in batches for j in b] == jobs  # walk order kept, nothing lost
    big = [_Job(i, f"g{i}", 1 << 20) for i in range(64)]  # 64 MiB: capped batch size
    assert all(sum(j.size for j in b) <= _BATCH_BYTES for b in _batches(big, 2))
    tiny = [_Job(i, f"t{i}", 100) for i in range(50)]  # never split below the floor
    assert len(_batches(tiny, 2)) == 1 and _MIN_BATCH_BYTES > 50 * 100
