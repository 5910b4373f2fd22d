"""Known-answer vectors for every identifier recognizer (tests/vectors/identifiers.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jikimi import EntityId, scan_text

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "identifiers.json").read_text())


@pytest.mark.parametrize(("entity", "text", "value"), VECTORS["found"])
def test_found(entity: str, text: str, value: str) -> None:
    findings = scan_text(text)
    hits = [f for f in findings if f.entity == EntityId(entity)]
    assert [f.text for f in hits] == [value], [(f.entity, f.text, f.explanation) for f in findings]
    f = hits[0]
    assert text[f.start : f.end] == value
    assert 0.5 <= f.score <= 1.0


@pytest.mark.parametrize(("entity", "text"), VECTORS["absent"])
def test_absent(entity: str, text: str) -> None:
    findings = scan_text(text)
    assert [f.text for f in findings if f.entity == EntityId(entity)] == []


def test_explanations_never_contain_the_value() -> None:
    text = "주민번호 900101-1234568 mail gildong@example.com 手机 13812345678"
    for f in scan_text(text):
        assert all(f.text not in part for part in f.explanation)
        assert f.recognizer
