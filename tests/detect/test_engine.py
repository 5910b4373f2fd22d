"""The engine: offsets, windows, streaming, overlaps and hostile input."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi import EntityId, scan_text
from jikimi.detect import engine as engine_mod
from jikimi.detect.engine import Engine
from jikimi.detect.recognizer import Pattern, Recognizer
from jikimi.scanner import engine_for

SAMPLES = [
    "주민번호 900101-1234568",
    "身份证号 11010519491231002X",
    "tel 010-1234-5678",
    "mail gildong@example.com",
    "card 4111 1111 1111 1111",
    "HKID A123456(3)",
]

pii_text = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(SAMPLES)), max_size=12).map(
    " ".join
)


@settings(max_examples=200, deadline=None)
@given(pii_text)
def test_scanning_arbitrary_text_never_raises_and_offsets_slice(text: str) -> None:
    for f in scan_text(text, min_score=0.0):
        assert text[f.start : f.end] == f.text
        assert 0 < f.score <= 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SAMPLES), min_size=1, max_size=6), st.randoms())
def test_streamed_pieces_give_the_same_findings_as_whole_text(parts: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    text = " ☃ ".join(parts)
    whole = scan_text(text)
    cuts = sorted(rnd.sample(range(len(text) + 1), k=min(5, len(text))))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    streamed = [f for f in engine_for().scan_stream(pieces) if f.score >= 0.5]
    assert [(f.entity, f.start, f.end) for f in streamed] == [
        (f.entity, f.start, f.end) for f in whole
    ]


def test_values_straddling_window_boundaries_are_found_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine_mod, "CHUNK_CHARS", 4096)
    rnd = random.Random(7)
    filler = "가나다 abc 你好 🙂 "
    parts, expected = [], []
    pos = 0
    for _ in range(400):
        pad = filler * rnd.randint(0, 6)
        parts.append(pad)
        pos += len(pad)
        value = "900101-1234568"
        parts.append("주민번호 ")
        pos += len("주민번호 ")
        expected.append(pos)
        parts.append(value + " ")
        pos += len(value) + 1
    text = "".join(parts)
    assert len(text) > 5 * 4096
    eng = Engine(engine_for().recognizers)
    for pieces in ([text], [text[i : i + 1000] for i in range(0, len(text), 1000)]):
        got = [f.start for f in eng.scan_stream(pieces) if f.entity == EntityId.KR_RRN]
        assert got == expected


def test_offsets_are_code_points_with_astral_characters() -> None:
    text = "😀😀 𠀀 주민번호 900101-1234568 🙂 mail a.b@example.org"
    found = {f.entity: f for f in scan_text(text)}
    rrn = found[EntityId.KR_RRN]
    assert rrn.start == text.index("900101")
    assert text[rrn.start : rrn.end] == "900101-1234568"
    assert text[found[EntityId.EMAIL].start :].startswith("a.b@example.org")


def test_overlapping_candidates_keep_the_best() -> None:
    # The same 13 digits fit the resident and the corporate number; the label decides.
    rrn = scan_text("주민번호 900101-1234568")
    assert [f.entity for f in rrn] == [EntityId.KR_RRN]
    corp = scan_text("법인등록번호 130111-0006246")
    assert [f.entity for f in corp] == [EntityId.KR_CORP_REG]


def test_hostile_inputs_produce_no_findings_and_finish() -> None:
    for text in ("1" * 200_000, "1-" * 100_000, "a@" * 100_000, "1." * 100_000, "@." * 50_000):
        assert scan_text(text) == []


def test_empty_and_whitespace() -> None:
    assert scan_text("") == []
    assert scan_text(" \n\t") == []


def test_entity_and_language_filters() -> None:
    text = "주민번호 900101-1234568 tel 010-1234-5678"
    only = scan_text(text, entities=["PHONE"])
    assert [f.entity for f in only] == [EntityId.PHONE]
    assert [f.entity for f in scan_text(text, languages=["ko"])] == [
        EntityId.KR_RRN,
        EntityId.PHONE,
    ]


def test_unknown_entity_and_language_are_usage_errors() -> None:
    import pytest

    from jikimi.errors import UsageError

    with pytest.raises(UsageError, match="NOT_AN_ENTITY"):
        scan_text("x", entities=["NOT_AN_ENTITY"])
    with pytest.raises(UsageError, match="xx"):
        scan_text("x", languages=["xx"])
    with pytest.raises(TypeError):
        scan_text(b"bytes")  # type: ignore[arg-type]


def test_a_recognizer_without_patterns_is_rejected() -> None:
    import pytest

    with pytest.raises(ValueError, match="no patterns"):
        Recognizer("empty", EntityId.EMAIL, ())
    with pytest.raises(ValueError, match="outside"):
        Recognizer("bad", EntityId.EMAIL, (Pattern("p", "a", 2.0),))


def _digits_engine(**kw) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(
        [
            Recognizer(
                "digits7",
                EntityId.BANK_ACCOUNT,
                (Pattern("d7", r"\d{7}", 0.3),),
                context=("전화",),
                negative=("주문",),
                context_boost=0.4,
                window=10,
                **kw,
            )
        ]
    )


def test_context_window_is_counted_in_characters_not_bytes() -> None:
    # A Hangul syllable is three UTF-8 bytes: the window must still mean ten characters.
    eng = _digits_engine()
    for gap, boosted in ((0, True), (8, True), (9, False), (30, False)):
        text = "전화" + "가" * gap + "1234567"
        [f] = eng.scan(text)
        assert (f.score == 0.7) is boosted, gap
        assert text[f.start : f.end] == "1234567"
    # After the value the window is half as wide: "1234567" + 4 syllables + the word.
    assert eng.scan("1234567" + "가" * 4 + "전화")[0].score == 0.7
    assert eng.scan("1234567" + "가" * 5 + "전화")[0].score == 0.3


def test_negative_label_is_counted_in_characters_and_stops_at_a_line_break() -> None:
    eng = _digits_engine(negative_penalty=0.2)
    assert eng.scan("주문" + "가" * 12 + "1234567")[0].score == 0.1
    assert eng.scan("주문" + "가" * 13 + "1234567")[0].score == 0.3
    assert eng.scan("주문\n1234567")[0].score == 0.3


def test_located_and_trimmed_values_after_multibyte_text_keep_code_point_offsets() -> None:
    text = "고객님께서 ✉gildong.hong@example.co.kr로 연락 (02) 1234-5678번,"
    text += " 1990년 5월 3일생 생년월일 生日1990年5月3日 身份证号11010519491231002X号"
    for f in scan_text(text, min_score=0.0):
        assert text[f.start : f.end] == f.text
    found = {f.entity: f.text for f in scan_text(text)}
    assert found[EntityId.EMAIL] == "gildong.hong@example.co.kr"
    assert found[EntityId.CN_RESIDENT_ID] == "11010519491231002X"


def test_report_keeps_other_entities_out_of_the_results_but_in_the_contest() -> None:
    both = frozenset({EntityId.PHONE, EntityId.EMAIL})
    full = engine_for(both)
    phones_only = Engine(full.recognizers, report=frozenset({EntityId.PHONE}))
    line = "연락처 010-2345-6789, 메일 kim.minsu@example.com\n"
    short = line * 3
    long = line * (engine_mod.CHUNK_CHARS // len(line) + 50)  # streamed in windows
    for text in (short, long):
        every = full.scan(text)
        got = phones_only.scan(text)
        assert got == [f for f in every if f.entity is EntityId.PHONE]
        assert got and len(got) < len(every)


def _labelled(word: str) -> Engine:
    return Engine(
        [
            Recognizer(
                "digits7",
                EntityId.BANK_ACCOUNT,
                (Pattern("d7", r"\d{7}", 0.3),),
                context=(word,),
                context_boost=0.4,
                window=10,
            )
        ]
    )


@pytest.mark.parametrize(
    ("word", "text", "boosted"),
    [
        ("acct", "acct1234567", True),  # a label glued to its value still labels it
        ("acct", "ACCT 1234567", True),
        ("acct", "acctx 1234567", False),  # inside a longer word: not the label
        ("acct", "xacct 1234567", False),
        ("code7", "1234567 code7", True),  # word ending in a digit, at the end of the text
        ("code7", "1234567 code7.", True),
        ("code7", "1234567 code71", True),
    ],
)
def test_latin_context_word_boundaries(word: str, text: str, boosted: bool) -> None:
    (f,) = _labelled(word).scan(text)
    assert (f"context:+{word}" in f.explanation) is boosted
    assert f.score == (0.7 if boosted else 0.3)
