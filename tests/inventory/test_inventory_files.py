"""The API over files, the saved inventory, its diff, and the HTML/CSV reports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from jikimi.errors import UsageError
from jikimi.inventory import (
    Inventory,
    InventoryConfig,
    classify_table,
    diff,
    inventory,
    load,
    report_csv,
    report_html,
    save,
)
from jikimi.inventory.inventory import InventoryFileError
from jikimi.sources.tables import ReadOptions, SampleSpec
from jikimi.types import EntityId

RRN = "900101-1234568"


def _customers(n: int = 60) -> dict[str, list[str]]:
    return {
        "주민번호": [RRN, "850615-2345674", "030301-3456781"] * (n // 3),
        "email": [f"user{i}@example.com" for i in range(n)],
        "<script>alert(1)</script>": ["x"] * n,
        "=cmd|' /C calc'!A0": ["1"] * n,
    }


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    pl.DataFrame(_customers()).write_csv(tmp_path / "customers.csv")
    (tmp_path / "notes.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "memo": f"연락처 010-1234-{i:04d} 로 전화 주세요 감사합니다"
                    + (f" 본인확인 주민번호 {RRN}" if i % 3 == 0 else "")
                }
            )
            for i in range(30)
        ),
        encoding="utf-8",
    )
    (tmp_path / "garbage.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    con = sqlite3.connect(tmp_path / "app.db")
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, phone TEXT)")
    con.executemany("INSERT INTO t(phone) VALUES (?)", [("010-2222-3333",)] * 20)
    con.commit()
    con.close()
    return tmp_path


def test_classify_table_takes_frames_tables_dicts_and_paths(sources: Path) -> None:
    frame = pl.DataFrame(_customers())
    for data in (frame, frame.lazy(), frame.to_arrow(), _customers(), sources / "customers.csv"):
        t = classify_table(data, sample=30)
        assert t.column("주민번호").entity is EntityId.KR_RRN
        assert t.column("email").entity is EntityId.EMAIL
        assert t.rows_sampled == 30 and t.rows_total == 60
    with pytest.raises(UsageError, match="not int"):
        classify_table(42)


def test_inventory_of_files_and_sqlite_completes_despite_bad_files(sources: Path) -> None:
    seen: list[Inventory] = []
    calls: list[tuple[str, str, int, int]] = []
    inv = inventory(
        [sources, f"sqlite:///{sources / 'app.db'}", sources / "missing.parquet"],
        config=InventoryConfig(sample=SampleSpec(size=50), country="CN"),
        progress=lambda *a: calls.append(a),
        sinks=[seen.append],
    )
    assert seen == [inv]
    assert (f"sqlite:///{sources / 'app.db'}", "t", 0, 1) in calls
    assert calls[-1][2:] == (1, 1)
    by_uri = {Path(s.uri).name if "://" not in s.uri else "db": s for s in inv.sources}
    assert set(by_uri) == {"customers.csv", "notes.jsonl", "garbage.csv", "db", "missing.parquet"}
    assert "binary" in (by_uri["garbage.csv"].error or "")
    assert "no such file" in (by_uri["missing.parquet"].error or "")
    memo = by_uri["notes.jsonl"].tables[0].column("memo")
    assert memo.free_text and dict(memo.text_entities)[EntityId.PHONE] == 30
    assert dict(memo.text_entities)[EntityId.KR_RRN] == 10
    assert by_uri["db"].tables[0].column("phone").entity is EntityId.PHONE
    assert all(s.country == "CN" for s in inv.sources)


def test_saved_inventory_is_versioned_and_diffed(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "inv.json"
    first = save(inventory(sources / "customers.csv"), out)
    assert first.revision == 1 and first.changes == ()
    assert load(out) == first

    df = (
        pl.DataFrame(_customers())
        .drop("email")
        .with_columns(pl.Series("phone", ["010-1234-5678"] * 60), pl.Series("주민번호", ["-"] * 60))
    )
    df.write_csv(sources / "customers.csv")
    second = save(inventory([sources / "customers.csv", sources / "notes.jsonl"]), out)
    assert second.revision == 2
    changes = {(c.kind, c.column): c.detail for c in second.changes}
    assert ("removed", "email") in changes
    assert changes[("added", "phone")] == "PHONE"
    assert "entity: KR_RRN -> None" in changes[("changed", "주민번호")]
    assert ("added", None) in changes  # the new notes table
    assert load(out).revision == 2 and not list(tmp_path.glob(".inv.json.*"))


def test_unreadable_sources_are_not_reported_as_removed(sources: Path) -> None:
    before = inventory(sources / "customers.csv")
    (sources / "customers.csv").write_bytes(b"\x00" * 100)
    after = inventory(sources / "customers.csv")
    assert after.sources[0].error and diff(before, after) == ()


def test_bad_inventory_files(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(InventoryFileError, match="not JSON"):
        load(tmp_path / "x.json")
    (tmp_path / "y.json").write_text('{"format": "other"}')
    with pytest.raises(InventoryFileError, match="not a jikimi inventory"):
        load(tmp_path / "y.json")
    with pytest.raises(InventoryFileError, match="no such"):
        load(tmp_path / "z.json")


def test_html_report_is_self_contained_escaped_and_flags_first(sources: Path) -> None:
    inv = inventory([sources, f"sqlite:///{sources / 'app.db'}"])
    page = report_html.render(inv)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert (
        "<script" not in page
        and "src=" not in page
        and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    flagged = page.index("Unique identifiers readable in the clear")
    first_table = page.index("<h2>", flagged + 10)
    section = page[flagged:first_table]
    assert "주민번호" in section and "memo" in section  # a column and a free-text column
    assert page.index("주민번호") < page.index("Overview")
    assert "binary" in page  # the unreadable file is listed under problems
    for value in (RRN, "010-2222-3333", "user1@example.com"):
        assert value not in page


def test_csv_report_one_row_per_column_no_values_no_formulas(sources: Path) -> None:
    inv = inventory(sources)
    text = report_csv.render(inv)
    rows = list(csv.DictReader(io.StringIO(text)))
    cols = [r for r in rows if r["source"].endswith("customers.csv")]
    assert [r["column"] for r in cols] == [
        "주민번호",
        "email",
        "<script>alert(1)</script>",
        "'=cmd|' /C calc'!A0",
    ]
    rrn = cols[0]
    assert rrn["entity"] == "KR_RRN" and rrn["unprotected_unique_id"] == "True"
    assert "resident registration number" in rrn["pipa"] and rrn["pipl"].startswith("sensitive")
    assert any(r["error"] for r in rows if r["source"].endswith("garbage.csv"))
    assert RRN not in text


def test_inventory_json_has_sensitivity_and_categories(sources: Path, tmp_path: Path) -> None:
    save(inventory(sources / "customers.csv"), tmp_path / "i.json")
    data = json.loads((tmp_path / "i.json").read_text(encoding="utf-8"))
    assert data["format"] == "jikimi.inventory" and data["format_version"] == 1
    col = data["sources"][0]["tables"][0]["columns"][0]
    assert col["category"] == "unique_identifier"
    assert col["sensitivity"]["pipa"].startswith("resident registration number")
    assert RRN not in (tmp_path / "i.json").read_text(encoding="utf-8")


def test_arrow_record_batches_and_empty_tables() -> None:
    batch = pa.record_batch({"phone": ["010-1234-5678"] * 5})
    assert classify_table(batch).column("phone").entity is EntityId.PHONE
    empty = classify_table(pa.table({"email": pa.array([], pa.string())}))
    assert empty.rows_total == 0 and empty.column("email").entity is None


def test_a_file_in_the_wrong_encoding_is_reported_and_the_rest_completes(tmp_path: Path) -> None:
    (tmp_path / "kr.csv").write_bytes("성명,전화\n김민수,010-1234-5678\n".encode("cp949"))
    (tmp_path / "ok.csv").write_text("email\nkim@example.com\n", encoding="utf-8")
    cfg = InventoryConfig(read=ReadOptions(encoding="utf-8"))
    kr, ok = inventory([tmp_path / "kr.csv", tmp_path / "ok.csv"], config=cfg).sources
    assert kr.error is not None and "not valid utf-8" in kr.error and "010" not in kr.error
    assert ok.error is None and ok.tables[0].column("email").entity is EntityId.EMAIL
