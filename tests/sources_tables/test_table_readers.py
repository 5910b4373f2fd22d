"""Table files in every supported format and encoding, sampled in batches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jikimi.sources import tables
from jikimi.sources.tables import (
    ReadOptions,
    SampleSpec,
    SourceError,
    flatten,
    iter_json_records,
    sample_file,
)

HEADER = ["주민번호", "姓名", "phone", "amount"]
ROWS = [
    [f"900101-12345{i % 10}8", f"张{'伟芳娜'[i % 3]}", f"010-1234-{i:04d}", str(i * 10)]
    for i in range(300)
]


def _write_csv(path: Path, encoding: str, delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "gb18030", "utf-16"])
def test_csv_in_each_encoding_reads_headers_and_values(tmp_path: Path, encoding: str) -> None:
    if encoding == "cp949":  # CP949 has no 张: use a Korean name column instead
        rows = [[r[0], "김민수", r[2], r[3]] for r in ROWS]
        path = tmp_path / "t.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh)
            w.writerow([*HEADER[:1], "성명", *HEADER[2:]])
            w.writerows(rows)
        name_col, expect_name = "성명", "김민수"
    else:
        path = _write_csv(tmp_path / "t.csv", encoding)
        name_col, expect_name = "姓名", None
    [s] = sample_file(path, SampleSpec(size=50, seed=3))
    assert s.columns[0] == "주민번호"
    assert name_col in s.columns
    assert s.rows_read == 300 and s.rows_exact and s.rows_total == 300
    assert s.rows_sampled == 50
    assert all(v is not None and v.startswith("900101-") for v in s.values["주민번호"])
    if expect_name:
        assert set(s.values[name_col]) == {expect_name}
    else:
        assert {v[0] for v in s.values[name_col] if v} == {"张"}


def test_tsv_and_sniffed_semicolon_delimiters(tmp_path: Path) -> None:
    [t] = sample_file(_write_csv(tmp_path / "t.tsv", "utf-8", "\t"), SampleSpec(size=10))
    [s] = sample_file(_write_csv(tmp_path / "s.csv", "utf-8", ";"), SampleSpec(size=10))
    assert t.columns == HEADER and s.columns == HEADER


def test_sample_is_seeded_uniform_and_bounded(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "utf-8")
    a = sample_file(path, SampleSpec(size=40, seed=1))[0].values["amount"]
    b = sample_file(path, SampleSpec(size=40, seed=1))[0].values["amount"]
    c = sample_file(path, SampleSpec(size=40, seed=2))[0].values["amount"]
    assert a == b and a != c and len(a) == 40 and len(set(a)) == 40
    nums = sorted(int(v) // 10 for v in a if v is not None)
    assert nums[0] < 100 and nums[-1] > 200  # drawn from the whole file, not its head


def test_csv_streams_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "CSV_BLOCK_BYTES", 1024)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "email"])
        w.writerows([i, f"user{i}@example.com"] for i in range(20_000))
    [s] = sample_file(path, SampleSpec(size=100, seed=5), ReadOptions(threads=False))
    assert s.rows_read == 20_000 and s.rows_sampled == 100
    ids = [int(v) for v in s.values["id"] if v is not None]
    assert max(ids) > 10_000  # later blocks were sampled too


def test_malformed_csv_line_is_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,x@example.com\n2,y@example.com,EXTRA,FIELDS\n3,z@example.com\n")
    [s] = sample_file(path, SampleSpec(size=10), ReadOptions(threads=False))
    assert s.rows_read == 2
    assert len(s.issues) == 1 and "1 malformed CSV row" in s.issues[0]
    assert "EXTRA" not in s.issues[0] and "y@example.com" not in s.issues[0]


def test_wrong_declared_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "kr.csv"
    path.write_bytes("이름,전화\n김민수,010-1234-5678\n".encode("cp949"))
    with pytest.raises(SourceError) as err:
        sample_file(path, SampleSpec(size=5), ReadOptions(encoding="utf-8"))
    msg = str(err.value)
    assert "kr.csv" in msg and "utf-8" in msg and "010-1234" not in msg


def test_unknown_encoding_and_binary_and_missing_files(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", "utf-8")
    with pytest.raises(SourceError, match="unknown encoding"):
        sample_file(path, options=ReadOptions(encoding="klingon"))
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(SourceError, match="binary"):
        sample_file(binary)
    with pytest.raises(SourceError, match="no such file"):
        sample_file(tmp_path / "missing.csv")
    with pytest.raises(SourceError, match="not a table file"):
        sample_file(_write_csv(tmp_path / "t.docx", "utf-8"))


def test_flatten_nested_records_to_dotted_paths() -> None:
    rec = {
        "user": {"name": "김민수", "contact": {"phone": "010"}},
        "tags": ["a", "b"],
        "orders": [{"id": 1}, {"id": 2}],
        "empty": {},
    }
    assert flatten(rec) == {
        "user.name": "김민수",
        "user.contact.phone": "010",
        "tags[]": ["a", "b"],
        "orders[].id": [1, 2],
        "empty": None,
    }


def test_json_array_and_jsonl_with_nesting(tmp_path: Path) -> None:
    recs = [
        {"user": {"email": f"u{i}@example.com", "phones": ["010-1", "010-2"]}, "n": i}
        for i in range(500)
    ]
    (tmp_path / "a.json").write_text(json.dumps(recs, ensure_ascii=False))
    (tmp_path / "a.jsonl").write_text(
        "\n".join(json.dumps(r) for r in recs) + "\n{broken\n", encoding="utf-8"
    )
    [arr] = sample_file(tmp_path / "a.json", SampleSpec(size=20))
    [lines] = sample_file(tmp_path / "a.jsonl", SampleSpec(size=20), ReadOptions(batch_rows=64))
    for s in (arr, lines):
        assert set(s.columns) == {"user.email", "user.phones[]", "n"}
        assert s.rows_read == 500
        assert all(v == "010-1 | 010-2" for v in s.values["user.phones[]"])
    assert lines.issues and "line 501" in lines.issues[0]
    assert arr.issues == []


def test_malformed_json_document_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[{"a": 1}, {"a": ')
    with pytest.raises(SourceError, match="malformed JSON"):
        sample_file(tmp_path / "bad.json")


def test_json_records_stream_across_any_chunking() -> None:
    doc = json.dumps([{"a": i, "b": [1.5, {"c": "x"}]} for i in range(200)] + [12345, "s"])
    for size in (1, 3, 7, 64, 10_000):
        got = list(iter_json_records(doc[i : i + size] for i in range(0, len(doc), size)))
        assert len(got) == 202 and got[-2] == 12345 and got[-1] == "s"
    assert list(iter_json_records(['{"a":', " 1}"])) == [{"a": 1}]
    assert list(iter_json_records([" "])) == []


def test_parquet_struct_columns_flattened(tmp_path: Path) -> None:
    df = pl.DataFrame(
        {
            "customer": [{"name": "王芳", "contact": {"mobile": "13812345678"}}] * 1000,
            "score": [1.0] * 1000,
            "phone_as_float": [13812345678.0] * 1000,
        }
    )
    df.write_parquet(tmp_path / "p.parquet", row_group_size=100)
    [s] = sample_file(tmp_path / "p.parquet", SampleSpec(size=30))
    assert set(s.columns) == {"customer.name", "customer.contact.mobile", "score", "phone_as_float"}
    assert s.rows_read == 1000 and s.rows_sampled == 30
    assert set(s.values["phone_as_float"]) == {"13812345678"}
    assert set(s.values["score"]) == {"1"}


def test_parquet_list_columns_become_joined_text(tmp_path: Path) -> None:
    t = pa.table({"emails": [["a@example.com", "b@example.com"], None]})
    pq.write_table(t, tmp_path / "l.parquet")
    [s] = sample_file(tmp_path / "l.parquet")
    assert set(s.values["emails"]) == {None, "a@example.com | b@example.com"}


def test_excel_every_sheet_is_a_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "고객"
    ws.append(["성명", "휴대폰", None])
    for i in range(50):
        ws.append(["김민수", f"010-2222-{i:04d}", i])
    ws2 = wb.create_sheet("empty")
    ws2.append(["only", "header"])
    wb.create_sheet("blank")
    wb.save(tmp_path / "w.xlsx")
    samples = sample_file(tmp_path / "w.xlsx", SampleSpec(size=10))
    assert [s.table for s in samples] == ["w/고객", "w/empty"]
    first = samples[0]
    assert first.columns == ["성명", "휴대폰", "column_3"]
    assert first.rows_read == 50 and first.rows_sampled == 10
    assert first.dtypes["column_3"] == "int"
    assert samples[1].rows_read == 0 and samples[1].columns == ["only", "header"]


def test_damaged_workbook_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match=r"x\.xlsx: not a readable \.xlsx"):
        sample_file(tmp_path / "x.xlsx")


def test_reservoir_is_unbiased_across_batches() -> None:
    """Bottom-k over many small batches: the sample is spread like the data."""
    res = tables.Reservoir(SampleSpec(size=2000, seed=11))
    for start in range(0, 200_000, 1000):
        res.add_arrow(pa.table({"i": list(range(start, start + 1000))}))
    s = res.sample("mem", "t", "reservoir", [])
    ids = [int(v) for v in s.values["i"] if v is not None]
    assert len(set(ids)) == 2000 and s.rows_read == 200_000
    mean = sum(ids) / len(ids)
    assert abs(mean - 100_000) < 3_000  # sd of the mean is about 1,300
    quarters = [sum(1 for i in ids if q * 50_000 <= i < (q + 1) * 50_000) for q in range(4)]
    assert all(420 < n < 580 for n in quarters), quarters
