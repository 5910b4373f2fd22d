"""Baseline files: salted HMACs only, strict parsing, atomic saving."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from jikimi.baseline import Baseline, normalize
from jikimi.errors import BaselineError
from jikimi.types import EntityId

RRN = "900101-1234568"


def test_fingerprint_is_hmac_of_entity_nul_normalized_value() -> None:
    b = Baseline(b"s" * 32)
    expected = hmac.new(b"s" * 32, b"KR_RRN\x009001011234568", hashlib.sha256).hexdigest()
    assert b.fingerprint(EntityId.KR_RRN, RRN) == expected


def test_normalization() -> None:
    assert normalize(EntityId.KR_RRN, "900101 - 1234568") == "9001011234568"
    assert (
        normalize(EntityId.KR_RRN, "９００１０１－１２３４５６８") == "9001011234568"
    )  # fullwidth
    assert normalize(EntityId.PHONE, "010.1234.5678") == "01012345678"
    assert normalize(EntityId.CN_RESIDENT_ID, "11010519491231002x") == "11010519491231002x"
    assert normalize(EntityId.EMAIL, " Kim@Example.COM ") == "kim@example.com"
    assert normalize(EntityId.PERSON, "Hong   Gildong") == "hong gildong"


def test_salt_makes_fingerprints_differ() -> None:
    a, b = Baseline.new(), Baseline.new()
    assert a.fingerprint(EntityId.KR_RRN, RRN) != b.fingerprint(EntityId.KR_RRN, RRN)


def test_contains_matches_path_entity_and_value() -> None:
    b = Baseline.new()
    b.add("a.txt", EntityId.KR_RRN, RRN)
    b.add("a.txt", EntityId.KR_RRN, "9001011234568")  # same finding, other formatting
    assert len(b) == 1
    assert b.contains("a.txt", EntityId.KR_RRN, RRN)
    assert not b.contains("b.txt", EntityId.KR_RRN, RRN)
    assert not b.contains("a.txt", EntityId.KR_FRN, RRN)
    assert not b.contains("a.txt", EntityId.KR_RRN, "850615-2345674")


def test_save_load_round_trip_without_values(tmp_path: Path) -> None:
    b = Baseline.new(tool_version="0.1.0")
    b.add("data/x.txt", EntityId.KR_RRN, RRN)
    target = tmp_path / "base.json"
    b.save(target)
    text = target.read_text(encoding="utf-8")
    assert RRN not in text and "9001011234568" not in text
    doc = json.loads(text)
    assert doc["format"] == "jikimi-baseline" and doc["version"] == 1
    assert doc["findings"][0]["path"] == "data/x.txt"
    loaded = Baseline.load(target)
    assert loaded.contains("data/x.txt", EntityId.KR_RRN, RRN)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left
    assert "salt" not in repr(loaded) and doc["salt"] not in repr(loaded)


def _doc() -> dict[str, object]:
    b = Baseline.new()
    b.add("a.txt", EntityId.PHONE, "010-1234-5678")
    return b.to_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="detect-secrets"), "format"),
        (lambda d: d.update(version=2), "version 2"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d.update(algorithm="sha1"), "algorithm"),
        (lambda d: d.update(salt="zz"), "salt"),
        (lambda d: d.update(salt="00" * 4), "salt"),
        (lambda d: d.update(findings={}), "findings"),
        (lambda d: d["findings"].append("x"), "findings[1]"),
        (lambda d: d["findings"][0].update(hmac="ab" * 10), "hmac"),
        (lambda d: d["findings"][0].update(hmac="G" * 64), "hmac"),
        (lambda d: d["findings"][0].update(entity="NOPE"), "entity"),
        (lambda d: d["findings"][0].update(path=""), "path"),
    ],
)
def test_malformed_documents_are_rejected(change: object, message: str) -> None:
    doc = _doc()
    change(doc)  # type: ignore[operator]
    with pytest.raises(BaselineError, match="not a valid jikimi baseline") as info:
        Baseline.from_dict(doc)
    assert message in str(info.value)


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        Baseline.load(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(BaselineError, match="not valid JSON"):
        Baseline.load(broken)
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"version": "1.4.0", "results": {}}), encoding="utf-8")
    with pytest.raises(BaselineError, match="format"):
        Baseline.load(foreign)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BaselineError, match="cannot be read"):
        Baseline.load(binary)
