"""The entity catalogue and its display masks."""

from __future__ import annotations

import pytest

from jikimi import CATALOG, Category, EntityId
from jikimi.catalog import MaskRule, MaskStyle, entity, mask
from jikimi.errors import UsageError

REQUIRED = {
    "KR_RRN",
    "KR_FRN",
    "KR_PASSPORT",
    "KR_DRIVER_LICENSE",
    "KR_BRN",
    "KR_BANK_ACCOUNT",
    "CN_RESIDENT_ID",
    "CN_USCC",
    "CN_PASSPORT",
    "HK_ID",
    "TW_ID",
    "PHONE",
    "EMAIL",
    "CREDIT_CARD",
    "BANK_ACCOUNT",
    "IP_ADDRESS",
    "PERSON",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "JP_MY_NUMBER",
    "IBAN",
    "US_SSN",
    "MAC_ADDRESS",
}


def test_every_entity_id_has_one_complete_record() -> None:
    assert set(CATALOG) == set(EntityId)
    assert {e.value for e in EntityId} >= REQUIRED
    for eid, rec in CATALOG.items():
        assert rec.id is eid
        assert rec.name_en and rec.name_ko and rec.name_zh
        assert isinstance(rec.category, Category)


def test_unique_identifiers_name_their_laws() -> None:
    rrn = CATALOG[EntityId.KR_RRN]
    assert rrn.is_unique_identifier
    assert any("PIPA Art.24" in law for law in rrn.laws)
    assert any("PIPL Art.28" in law for law in CATALOG[EntityId.CN_RESIDENT_ID].laws)
    assert CATALOG[EntityId.CREDIT_CARD].category is Category.FINANCIAL


@pytest.mark.parametrize(
    ("eid", "value", "masked"),
    [
        ("KR_RRN", "900101-1234568", "900101-1******"),
        ("PHONE", "13812345678", "138****5678"),
        ("PHONE", "010-1234-5678", "010-****-5678"),
        ("CREDIT_CARD", "4111-1111-1111-1111", "4111-11**-****-1111"),
        ("CN_RESIDENT_ID", "440304199001011233", "440304********1233"),
        ("EMAIL", "gildong@example.com", "gi*****@example.com"),
        ("PERSON", "홍길동", "홍*동"),
        ("PERSON", "김철", "김*"),
        ("PERSON", "남궁민수", "남**수"),
        ("IP_ADDRESS", "203.0.113.7", "203.0.***.7"),
    ],
)
def test_default_masks_follow_the_conventions(eid: str, value: str, masked: str) -> None:
    assert mask(eid, value) == masked


def test_masks_never_show_a_short_value_whole() -> None:
    assert mask("KR_RRN", "12") != "12"
    assert MaskRule(MaskStyle.ENDS, 3, 4).apply("123") != "123"
    assert MaskRule(MaskStyle.ALL).apply("a-b") == "*-*"


def test_unknown_entity_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown entity"):
        entity("NOPE")
