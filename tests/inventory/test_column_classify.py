"""Column classification: headers weighed against values, protection, QIs, free text."""

from __future__ import annotations

import pytest

from jikimi.inventory.classify import classify_column
from jikimi.inventory.headers import header_hint, tokens
from jikimi.inventory.model import Protection, QuasiIdentifier
from jikimi.inventory.values import parse_date, protection_of
from jikimi.types import EntityId

RRNS = ["900101-1234568", "850615-2345674", "030301-3456781", "750505-1234564"] * 10
CN_IDS = ["11010519491231002X", "440304199001011233", "510107200002290010"] * 10


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("주민번호", EntityId.KR_RRN),
        ("고객_주민등록번호", EntityId.KR_RRN),
        ("身份证号码", EntityId.CN_RESIDENT_ID),
        ("customerPhoneNo", EntityId.PHONE),
        ("收件人手机", EntityId.PERSON),
        ("mobile", EntityId.PHONE),
        ("E-Mail", EntityId.EMAIL),
        ("user.contact.phone", EntityId.PHONE),
        ("ip_address", EntityId.IP_ADDRESS),
        ("생년월일", EntityId.DATE_OF_BIRTH),
    ],
)
def test_header_words_in_three_languages(header: str, entity: EntityId) -> None:
    assert header_hint(header).entities[0] is entity


@pytest.mark.parametrize(
    "header",
    [
        "page",
        "usage",
        "product_name",
        "bank_name",
        "zipper",
        "hotel",
        "created_at",
        "file_name",
        "col_1",
    ],
)
def test_headers_that_are_not_personal(header: str) -> None:
    assert header_hint(header).entities == ()


def test_header_tokens_and_quasi_identifier_words() -> None:
    assert tokens("customerPhoneNo_2") == ("customer", "phone", "no", "2")
    assert header_hint("성별").quasi_identifier is QuasiIdentifier.GENDER
    assert header_hint("zip_code").quasi_identifier is QuasiIdentifier.POSTCODE
    assert header_hint("年龄").quasi_identifier is QuasiIdentifier.AGE
    assert header_hint("age").quasi_identifier is QuasiIdentifier.AGE
    assert header_hint("page").quasi_identifier is None


def test_values_decide_over_the_header() -> None:
    c = classify_column("phone", ["kim@example.com", "lee@naver.com"] * 10)
    assert c.entity is EntityId.EMAIL and "header:en:phone" not in c.evidence
    memo = classify_column("memo", RRNS)
    assert memo.entity is EntityId.KR_RRN and memo.checksum_share == 1.0
    assert memo.unprotected_unique_id


def test_header_and_values_agree_raise_confidence() -> None:
    named = classify_column("주민번호", RRNS)
    bare = classify_column("col_3", RRNS)
    assert named.entity is bare.entity is EntityId.KR_RRN
    assert named.confidence > bare.confidence
    assert named.evidence[0] == "header:ko:주민번호"


def test_dirty_columns_still_classify_and_report_their_share() -> None:
    values: list[str | None] = [*CN_IDS, "-", "N/A", None, None, "", "unknown"]
    c = classify_column("证件号码", values)
    assert c.entity is EntityId.CN_RESIDENT_ID
    assert c.nulls_sampled == 3 and c.values_sampled == 33
    assert 0.85 < c.match_share < 0.95


def test_a_few_matches_do_not_make_a_column() -> None:
    values = [str(1_000_000_000_000 + i * 7919) for i in range(200)] + RRNS[:3]
    assert classify_column("order_no", values).entity is None
    assert classify_column("c9", values).entity is None


@pytest.mark.parametrize(
    ("value", "state"),
    [
        ("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", Protection.HASHED),
        ("$2b$12$abcdefghijklmnopqrstuuvwxyz0123456789ABCDEFGHIJKLMN", Protection.HASHED),
        ("900101-1******", Protection.MASKED),
        ("010-****-5678", Protection.MASKED),
        ("김*수", Protection.MASKED),
        ("gAAAAABlZ0x1Yk9vY2JhY2tlZC1kYXRhLWZvci10ZXN0", Protection.ENCRYPTED),
        ("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", Protection.ENCRYPTED),
        ("550e8400-e29b-41d4-a716-446655440000", Protection.PLAIN),
        ("900101-1234568", Protection.PLAIN),
        ("11010519491231002X", Protection.PLAIN),
    ],
)
def test_protection_states(value: str, state: Protection) -> None:
    assert protection_of(value) is state


def test_protected_columns_take_their_entity_from_the_header() -> None:
    hashed = classify_column(
        "주민번호_sha256", ["5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"] * 5
    )
    assert hashed.entity is EntityId.KR_RRN and hashed.protection is Protection.HASHED
    assert not hashed.unprotected_unique_id
    anonymous = classify_column("checksum", ["5e884898da28047151d0e56f8dc62927"] * 5)
    assert anonymous.entity is None and anonymous.protection is Protection.HASHED


def test_empty_columns() -> None:
    c = classify_column("주민번호", [None, "", "  "])
    assert c.entity is None and c.protection is Protection.EMPTY
    assert c.evidence[0] == "header:ko:주민번호"


def test_names_addresses_and_birth_dates_need_a_header() -> None:
    names = ["김민수", "이영희", "박지훈", "최서연"] * 5
    assert classify_column("성명", names).entity is EntityId.PERSON
    assert classify_column("상품명", names).entity is None
    addrs = ["서울특별시 강남구 테헤란로 123", "부산광역시 해운대구 우동 1408"] * 5
    assert classify_column("배송지", addrs).entity is EntityId.ADDRESS
    dates = ["1990-01-01", "1985-12-31", "2001.03.04"] * 5
    dob = classify_column("birth_date", dates)
    assert dob.entity is EntityId.DATE_OF_BIRTH
    assert dob.quasi_identifier is QuasiIdentifier.BIRTH_DATE
    assert classify_column("created_at", dates).entity is None


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("성별", ["남", "여"] * 10, QuasiIdentifier.GENDER),
        ("c4", ["M", "F", "F"] * 10, QuasiIdentifier.GENDER),
        ("sex", ["1", "2"] * 10, QuasiIdentifier.GENDER),
        ("age", [str(a) for a in range(18, 60)], QuasiIdentifier.AGE),
        ("연령대", ["20대", "30대", "40대"] * 5, QuasiIdentifier.AGE),
        ("우편번호", ["06236", "48094", "13529"] * 5, QuasiIdentifier.POSTCODE),
        ("邮编", ["518000", "100000"] * 5, QuasiIdentifier.POSTCODE),
        ("f7", ["서울특별시", "경기도", "广东省", "北京市"] * 5, QuasiIdentifier.REGION),
        ("职业", ["教师", "医生", "软件工程师"] * 5, QuasiIdentifier.JOB),
    ],
)
def test_quasi_identifiers(header: str, values: list[str], kind: QuasiIdentifier) -> None:
    c = classify_column(header, values)
    assert c.entity is None and c.quasi_identifier is kind


def test_numbers_are_not_quasi_identifiers_without_a_header() -> None:
    assert classify_column("qty", [str(a) for a in range(18, 60)]).quasi_identifier is None
    assert classify_column("status", ["1", "2"] * 10).quasi_identifier is None


def test_free_text_is_summarised_by_entity() -> None:
    texts = [
        "고객 요청: 연락처 010-1234-5678 로 배송 전 전화 바랍니다",
        "본인확인 주민번호 900101-1234568 확인 완료, 상담 종료",
        "포장을 꼼꼼하게 부탁드립니다 선물용이에요 감사합니다",
    ] * 4
    c = classify_column("상담내용", texts)
    assert c.free_text and c.entity is None
    found = dict(c.text_entities)
    assert found[EntityId.PHONE] == 4 and found[EntityId.KR_RRN] == 4
    assert c.unprotected_unique_id and c.category == "free_text"


def test_results_never_hold_values() -> None:
    c = classify_column("memo", RRNS)
    assert "900101" not in repr(c) and "900101" not in str(c.to_dict())


def test_parse_date_forms() -> None:
    assert str(parse_date("1990年1月2日")) == "1990-01-02"
    assert str(parse_date("19900102")) == "1990-01-02"
    assert str(parse_date("25/12/1990")) == "1990-12-25"
    assert parse_date("1990-02-30") is None and parse_date("hello") is None
