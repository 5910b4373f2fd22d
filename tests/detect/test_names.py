"""PERSON detection in Korean, Chinese and English text: positives, hard negatives, spans."""

from __future__ import annotations

import pytest

from jikimi import EntityId, scan_text
from jikimi.detect import names
from jikimi.detect.engine import Engine
from jikimi.scanner import engine_for


def persons(text: str, **kw: object) -> list[str]:
    found = [f for f in scan_text(text, entities=["PERSON"], **kw) if f.entity == EntityId.PERSON]
    for f in found:
        assert text[f.start : f.end] == f.text
    return [f.text for f in found]


FOUND = [
    # Korean: labels, honorifics and titles; particles trimmed
    ("성명: 김민수\n연락처: 010-1234-5678", ["김민수"]),
    ("받는 분 : 홍길동 (010-1234-5678)", ["홍길동"]),
    ("예금주(박지은) 국민은행", ["박지은"]),
    ("이름은 남궁민수입니다.", ["남궁민수"]),
    ("김철수 과장님께서 회의에 오셨습니다.", ["김철수"]),
    ("이서연님의 주문이 완료되었습니다.", ["이서연"]),
    ("어제 박지훈 씨가 다녀갔어요.", ["박지훈"]),
    ("담당자 최유진 대리에게 전달했습니다.", ["최유진"]),
    ("황보영 교수님의 강의", ["황보영"]),
    ("제갈민 고객님, 요청하신 서류입니다.", ["제갈민"]),
    ("[오후 3:12] 정하윤 : 네 확인했습니다", ["정하윤"]),
    # Chinese
    ("收件人：张伟，电话：13800000000", ["张伟"]),
    ("联系人王芳电话138", ["王芳"]),
    ("欧阳娜娜女士您好，您的快递已到。", ["欧阳娜娜"]),
    ("请把材料交给李建国老师。", ["李建国"]),
    ("诸葛明先生已经签收。", ["诸葛明"]),
    ("我是刘洋，想咨询一下。", ["刘洋"]),
    ("持卡人：赵丽颖\n卡号：****", ["赵丽颖"]),
    ("陈静 09:41\n明天见", ["陈静"]),
    # English
    ("Name: John Smith\nDOB: 1990-01-01", ["John Smith"]),
    ("Dear Mr. Johnson, thank you for your order.", ["Johnson"]),
    ("I spoke with Emily Clark about the refund.", ["Emily Clark"]),
    ("Please ask Dr. Sarah O'Connor to call back.", ["Sarah O'Connor"]),
    ("Approved by: Michael J. Anderson", ["Michael J. Anderson"]),
    ("Cardholder: Jiyeon Kim", ["Jiyeon Kim"]),
    ("Meeting notes from Wei Zhang and Olivia Brown.", ["Wei Zhang", "Olivia Brown"]),
    # Names across scripts: forms and chats mix languages
    ("Name: 김건용\nCell 010-1111-2222", ["김건용"]),
    ("寄件人: 용린다 / 010-5556-1392", ["용린다"]),
    ("이름: 韩思\n생일 1990-01-01", ["韩思"]),
    ("새벽에 진행됩니다. 雷晗 씨에게 전달 부탁드립니다.", ["雷晗"]),
    ("Thanks, 김민수", ["김민수"]),
    ("저는 Christopher Robinson입니다.", ["Christopher Robinson"]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_names_found(text: str, expected: list[str]) -> None:
    assert persons(text) == expected


ABSENT = [
    # Korean words that begin with a family-name syllable
    "이번 주말에 정말 많은 고객님들이 방문하셨습니다.",
    "김치찌개가 맛있어요. 강남역 근처에서 만나요.",
    "고객 정보를 확인했습니다. 주소를 입력해 주세요. 이름을 적어주세요.",
    "사장님께서 정말 과장된 말씀을 하셨다. 이사님 보고서. 부모님께 안부.",
    "선생님 감사합니다. 기사님이 곧 도착합니다. 손님이 많네요.",
    "저는 사과를 좋아해요. 저는 주로 집에 있어요.",
    "정보 과장 회의는 내일입니다.",
    "오늘 신청자님께서 방문하셨고 상담사님이 안내했습니다.",
    "이모님과 고모님, 목사님과 신부님께 인사드렸다.",
    "연구원님 자료와 지원자 님 서류를 확인했습니다.",
    # Chinese words that begin with a family-name character
    "今天时间方便吗？王国的历史很长。",
    "周末老师不上课。高兴地说。高级经理的职责。",
    "请在周一前提交金额明细。项目经理负责协调。",
    "客户关系管理系统已经上线。",
    "全体同学注意。各位老师好。班主任老师说。",
    "请王老师来一下。感谢张总经理。把文件交给金主任。",
    "这位先生请出示证件。尊敬的各位先生女士：",
    # English capitalised words that are not people
    "Grace Church is on Main Street.",
    "Lincoln Park and Virginia Beach are busy in summer.",
    "The University of Virginia published the report.",
    "Dear Customer, Dear Sir or Madam,",
    "Name: Acme Corp.",
    "Contact: Support Team",
    "Thomas Street is closed. Brian Hospital opened.",
    "Welcome to Central Park.",
]


@pytest.mark.parametrize("text", ABSENT)
def test_hard_negatives(text: str) -> None:
    assert persons(text) == []


def test_bare_candidates_stay_below_threshold() -> None:
    # A family name plus syllables with no label or honorific is not reported.
    text = "김철수가 어제 왔다. 张伟来了。"
    assert persons(text) == []
    assert all(f.score < 0.5 for f in scan_text(text, entities=["PERSON"], min_score=0.0))


def test_ambiguous_given_names_need_support() -> None:
    assert persons("Will Power rules the league.") == []
    assert persons("Contact: Will Power") == ["Will Power"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("김민수님께서", "김민수"),
        ("김민수 고객님은", "김민수"),
        ("김민님 안녕하세요", "김민"),
        ("박서연 씨에게", "박서연"),
        ("받는분: 이도윤입니다", "이도윤"),
        ("선우진 선생님의", "선우진"),
        ("성명: 이지원", "이지원"),
        ("박사랑 씨가", "박사랑"),
    ],
)
def test_korean_particles_and_titles_are_trimmed(text: str, name: str) -> None:
    assert persons(text) == [name]


def test_offsets_in_mixed_unicode_text() -> None:
    prefix = "😀👍🏽 𠜎 テスト — "
    text = prefix + "성명: 김민수, 收件人：张伟，Name: Emily Clark"
    found = scan_text(text, entities=["PERSON"])
    assert [f.text for f in found] == ["김민수", "张伟", "Emily Clark"]
    for f, value in zip(found, ["김민수", "张伟", "Emily Clark"], strict=True):
        assert f.start == text.index(value)
        assert f.end == f.start + len(value)


def test_languages_restrict_language_specific_recognizers() -> None:
    text = "김철수 과장님께서 오셨습니다."
    assert persons(text, languages=["ko"]) == ["김철수"]
    assert persons(text, languages=["en"]) == []


def test_scores_follow_the_evidence() -> None:
    [labelled] = scan_text("성명: 김민수", entities=["PERSON"])
    [honorific] = scan_text("김민수 과장님", entities=["PERSON"])
    assert labelled.score >= honorific.score >= 0.5
    assert labelled.recognizer == "name-label"


def test_explanations_never_contain_the_value() -> None:
    text = "성명: 김민수 收件人：张伟 Name: John Smith"
    found = scan_text(text, entities=["PERSON"])
    assert len(found) == 3
    for f in found:
        assert all(f.text not in why for why in f.explanation)


def test_recognizers_compile_alone_and_in_the_full_engine() -> None:
    assert Engine(names.RECOGNIZERS).scan("성명: 김민수")
    engine = engine_for()
    assert any(r.entity == EntityId.PERSON for r in engine.recognizers)


def test_every_recognizer_names_its_languages() -> None:
    for r in names.RECOGNIZERS:
        assert r.entity == EntityId.PERSON
        assert r.languages and r.languages <= {"ko", "zh", "en"}


_FRAGMENTS = (
    "성명: ",
    "김",
    "남궁",
    "민수",
    "님",
    " 과장님께서 ",
    "고객 ",
    "[오후 3:12] ",
    " : ",
    "\n",
    "收件人：",
    "欧阳",
    "张",
    "伟",
    "先生",
    "老师",
    "谢谢",
    " 09:41\n",
    "Name: ",
    "Dear ",
    "Mr. ",
    "John",
    " Smith",
    " Kim",
    " Park",
    "\t",
    "，",
    "。",
    " ",
    "Thanks, ",
    "씨에게",
    "😀",
    "𠜎",
    "12 Oak St",
    ", Springfield, IL 62701",
    "서울특별시 강남구 ",
    "테헤란로 ",
    "123",
    "北京市朝阳区",
    "建国路88号",
    "2栋301室",
    "P.O. Box 9",
    "-",
    ":",
    "",
)


def test_random_fragments_never_break_offsets() -> None:
    import random

    rng = random.Random(1234)
    for _ in range(300):
        text = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randrange(1, 25)))
        for f in scan_text(text, min_score=0.0):
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("given", "ok"),
    [("伟", True), ("小明", True), ("小红", True), ("小", False), ("小心", False),
     ("小姐", False), ("小时", False), ("", False)],
)  # fmt: skip
def test_chinese_given_names_with_xiao(given: str, ok: bool) -> None:
    assert names.zh_given_ok(given) is ok


def test_xiao_names_are_confirmed_like_others() -> None:
    found = scan_text("联系人：陈小红\n王小明先生您好。", entities=["PERSON"])
    assert [(f.text, "checksum:valid" in f.explanation) for f in found] == [
        ("陈小红", True),
        ("王小明", True),
    ]
