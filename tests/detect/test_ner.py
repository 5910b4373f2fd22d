"""Model-based names (``--ner``): Kiwi for Korean, jieba for Chinese, filtered by jikimi's lists."""

from __future__ import annotations

import importlib.util

import pytest

import jikimi
from jikimi.detect import ner
from jikimi.detect.engine import CHUNK_CHARS, Engine
from jikimi.detect.ner import ChineseNameTagger, KoreanNameTagger, ko_name_shape, zh_name_shape
from jikimi.detect.registry import select
from jikimi.errors import UsageError
from jikimi.scanner import engine_for
from jikimi.types import EntityId


def _persons(text: str, **kw: object) -> list[tuple[str, str]]:
    return [
        (f.text, f.recognizer)
        for f in jikimi.scan_text(text, **kw)  # type: ignore[arg-type]
        if f.entity is EntityId.PERSON
    ]


def test_bare_korean_and_chinese_names_need_ner() -> None:
    text = "어제 김민수가 다녀갔어요.\n麻烦转告张伟一声。\n"
    assert _persons(text) == []
    assert _persons(text, ner=True) == [("김민수", "ner-ko-kiwi"), ("张伟", "ner-zh-jieba")]
    for f in jikimi.scan_text(text, ner=True):
        assert text[f.start : f.end] == f.text
        assert f.score == ner.NER_SCORE and f.explanation


def test_a_labelled_name_stays_with_its_recognizer() -> None:
    found = jikimi.scan_text("성명: 이영희\n", ner=True)
    assert [(f.text, f.recognizer) for f in found] == [("이영희", "name-label")]
    assert found[0].score > ner.NER_SCORE


@pytest.mark.parametrize(
    ("value", "ok"),
    [("김민수", True), ("남궁민수", True), ("장충동", False), ("제주도", False), ("안동", False),
     ("배송지", False), ("고객", False), ("김", False), ("김민수abc", False)],
)  # fmt: skip
def test_korean_name_shape(value: str, ok: bool) -> None:
    assert ko_name_shape(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("张伟", True), ("欧阳娜娜", True), ("金山", False), ("北京", False), ("张", False),
     ("张伟伟伟伟", False), ("王小明", True), ("陈小红", True), ("张小心", False),
     ("李小", False), ("李小姐", False)],
)  # fmt: skip
def test_chinese_name_shape(value: str, ok: bool) -> None:
    assert zh_name_shape(value) is ok


def test_places_the_models_call_proper_nouns_are_not_names() -> None:
    text = "김포공항에서 제주도로 갑니다. 장충동 왕족발 보쌈.\n明天去北京，金山区见。\n"
    assert _persons(text, ner=True) == []


def test_offsets_in_long_lines_and_other_scripts() -> None:
    # A line far longer than a model's slice, names after the cuts, other scripts around.
    filler = "주문 처리 상태를 확인했습니다. " * 60  # no names, ~1,100 characters
    text = "order log 2026-12-06 ok\n" + filler + "어제 김민수가 다녀갔어요. " + filler
    text += "\nplain ascii line\n" + "好的，" * 300 + "麻烦转告张伟一声。\n"
    found = [f for f in jikimi.scan_text(text, ner=True) if f.entity is EntityId.PERSON]
    assert [f.text for f in found] == ["김민수", "张伟"]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_taggers_run_in_every_window_of_a_long_text() -> None:
    # ASCII filler costs the taggers nothing (no Hangul or Han line); names sit just before
    # and just after a window boundary and must each be found exactly once.
    line = "x" * 99 + "\n"
    head = line * (CHUNK_CHARS // len(line) - 1)
    text = head + "어제 김민수가 다녀갔어요.\n" + line * 30 + "麻烦转告张伟一声。\n" + line * 50
    assert len(text) > CHUNK_CHARS + 1024
    taggers = (KoreanNameTagger(), ChineseNameTagger())
    eng = Engine(select(frozenset({EntityId.PERSON}), None), taggers)
    found = eng.scan(text)
    assert [f.text for f in found] == ["김민수", "张伟"]
    assert all(text[f.start : f.end] == f.text for f in found)
    streamed = list(eng.scan_stream(text[i : i + 70_001] for i in range(0, len(text), 70_001)))
    assert streamed == found


def test_language_and_entity_selection() -> None:
    assert [t.name for t in ner.taggers_for(frozenset({"ko"}))] == ["ner-ko-kiwi"]
    assert ner.taggers_for(frozenset({"en"})) == ()
    assert engine_for(frozenset({EntityId.EMAIL}), None, True).taggers == ()
    assert _persons("어제 김민수가 다녀갔어요.", ner=True, languages=["zh"]) == []


def test_missing_extra_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *a: object) -> object:
        return None if name == "kiwipiepy" else real(name, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(ner.importlib.util, "find_spec", find_spec)
    with pytest.raises(UsageError, match=r"jikimi\[ner\]"):
        ner.taggers_for(None)
    assert [t.name for t in ner.taggers_for(frozenset({"zh"}))] == ["ner-zh-jieba"]


def test_names_only_scan_still_lets_addresses_claim_their_words() -> None:
    """좌동 (a neighbourhood in Busan) is a family name plus a given syllable to the
    lists, and Kiwi calls it a proper noun; the address around it must win even when
    only PERSON is asked for, and must not be reported."""
    text = "배송지: 부산광역시 해운대구 좌동 229-125, 1층\n받는 분: 김민수\n"
    assert _persons(text, entities=["PERSON"], ner=True) == [("김민수", "name-label")]
    assert [f.entity for f in jikimi.scan_text(text, ner=True)] == [
        EntityId.ADDRESS,
        EntityId.PERSON,
    ]
    bare = Engine(select(frozenset({EntityId.PERSON}), None), ner.taggers_for(None))
    assert "좌동" in [f.text for f in bare.scan(text)]  # what the address prevents
