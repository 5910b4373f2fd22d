import polars as pl
import pytest

from jikimi.errors import UsageError
from jikimi.keys import MemoryKeyStore
from jikimi.protect import (
    RevealRequest,
    missing_columns,
    protect_file,
    protect_table,
    reveal_table,
    sink_file,
)
from jikimi.transform import DecryptionError, FpeDomainError, ListSink
from jikimi.transform.fpe import _kr_rrn

KEYS = MemoryKeyStore()
POLICY = {
    "profile": "kr-pipa",
    "columns": {
        "name": {"entity": "PERSON"},
        "phone": {"entity": "PHONE"},
        "rrn": {"operator": "fpe", "keep_first": 6, "check_digit": "kr-rrn"},
        "card": {"entity": "CREDIT_CARD"},
        "memo": {"scan": True},
        "age": {"operator": "generalize", "kind": "age", "width": 10},
    },
}


def _rrn(body12):
    d = body12 + _kr_rrn(body12)
    return d[:6] + "-" + d[6:]


def frame():
    return pl.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["홍길동", "김철", None],
            "phone": ["010-1234-5678", "02-312-3456", "010-1111-2222"],
            "rrn": [_rrn("900101123456"), _rrn("851231234567"), _rrn("000229412345")],
            "card": ["4111-1111-1111-1111", None, "5500-0000-0000-0004"],
            "memo": ["연락처 010-9999-8888", "없음", None],
            "age": [33, 47, 90],
        }
    )


def test_protect_table_and_reveal_round_trip():
    df = frame()
    out = protect_table(df, POLICY, keys=KEYS)
    assert out["id"].to_list() == [1, 2, 3]
    assert out["name"].to_list() == ["홍*동", "김*", None]
    assert out["phone"].to_list() == ["010-****-5678", "02-***-3456", "010-****-2222"]
    assert out["age"].to_list() == ["30-39", "40-49", "90-99"]
    assert "010-9999-8888" not in (out["memo"][0] or "")
    assert all(a[:7] == b[:7] and a != b for a, b in zip(out["rrn"], df["rrn"], strict=True))
    assert out["card"][1] is None and out["card"][0].startswith("enc.siv.")
    sink = ListSink()
    back = reveal_table(
        out,
        POLICY,
        keys=KEYS,
        sink=sink,
        request=RevealRequest("analyst", "fraud case 12", "t.csv"),
    )
    assert back["rrn"].to_list() == df["rrn"].to_list()
    assert back["card"].to_list() == df["card"].to_list()
    assert back["phone"].to_list() == out["phone"].to_list()  # masks stay masked
    assert [(e.field, e.operator, e.count) for e in sink.events] == [
        ("rrn", "fpe", 3),
        ("card", "encrypt", 2),
    ]
    assert all(e.purpose == "fraud case 12" and e.source == "t.csv" for e in sink.events)


def test_lazy_frames_stay_lazy():
    out = protect_table(frame().lazy(), POLICY, keys=KEYS)
    assert isinstance(out, pl.LazyFrame)
    assert out.collect().equals(protect_table(frame(), POLICY, keys=KEYS))


def test_reveal_only_named_columns_and_refuse_irreversible():
    out = protect_table(frame(), POLICY, keys=KEYS)
    sink = ListSink()
    back = reveal_table(
        out, POLICY, keys=KEYS, sink=sink, request=RevealRequest("a", "b"), columns=["card"]
    )
    assert back["rrn"].to_list() == out["rrn"].to_list() and len(sink.events) == 1
    with pytest.raises(UsageError, match="irreversible"):
        reveal_table(
            out, POLICY, keys=KEYS, sink=sink, request=RevealRequest("a", "b"), columns=["phone"]
        )


def test_reveal_with_wrong_key_fails_and_records_nothing():
    out = protect_table(frame(), POLICY, keys=KEYS)
    sink = ListSink()
    with pytest.raises(DecryptionError):
        reveal_table(
            out,
            POLICY,
            keys=MemoryKeyStore(),
            sink=sink,
            request=RevealRequest("a", "b"),
            columns=["card"],
        )
    assert sink.events == []


def test_date_shift_needs_its_subject_column():
    pol = {"columns": {"d": {"operator": "date_shift", "subject_column": "patient"}}}
    with pytest.raises(UsageError, match="needs column 'patient'"):
        protect_table(pl.DataFrame({"d": ["2020-01-01"]}), pol, keys=KEYS)


def test_missing_columns_reported():
    assert missing_columns(pl.DataFrame({"phone": ["1"]}), POLICY) == [
        "name",
        "rrn",
        "card",
        "memo",
        "age",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_protect_file_formats(tmp_path, suffix):
    src = tmp_path / f"in{suffix}"
    dst = tmp_path / f"out{suffix}"
    df = frame().with_columns(pl.col("age").cast(pl.String))
    sink_file(df, src, suffix.lstrip(".").replace("jsonl", "jsonl"))
    missing = protect_file(src, dst, POLICY, keys=KEYS)
    assert missing == []
    got = {".csv": pl.read_csv, ".jsonl": pl.read_ndjson, ".parquet": pl.read_parquet}[suffix](
        dst, **({"infer_schema": False} if suffix == ".csv" else {})
    )
    assert got["phone"].to_list() == ["010-****-5678", "02-***-3456", "010-****-2222"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_csv_keeps_leading_zeros(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("zip,phone\n01234,010-1234-5678\n", encoding="utf-8")
    protect_file(src, dst, {"columns": {"phone": "redact"}})
    assert dst.read_text(encoding="utf-8").splitlines()[1] == '01234,""'  # empty string, not null


def test_fpe_domain_error_leaves_no_output(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("code\n1234567\n12345\n", encoding="utf-8")
    with pytest.raises(FpeDomainError) as info:
        protect_file(src, dst, {"columns": {"code": "fpe"}}, keys=KEYS)
    assert "12345" not in str(info.value) and "code" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_same_input_and_output_refused(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(UsageError):
        protect_file(src, src, {"columns": {"a": "redact"}})
