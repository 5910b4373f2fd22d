"""The entity catalogue: one record per entity type, with names, category, laws and mask.

Policies, reports and the inventory read these records instead of hard-coding
per-entity facts. Law references follow shared/reference/regulations.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from jikimi.catalog.masks import MaskRule, MaskStyle
from jikimi.errors import UsageError
from jikimi.types import Category, EntityId

# Law tags, kept short and stable because policies and reports match on them.
PIPA_UNIQUE = "PIPA Art.24 unique identification information"
PIPA_RRN = "PIPA Art.24-2 resident registration number (encrypt at rest)"
PIPA_ENCRYPT = "PIPC safety measures Art.7 (encrypt at rest)"
PIPA_PERSONAL = "PIPA Art.2 personal information"
PIPL_SENSITIVE = "PIPL Art.28 sensitive personal information"
PIPL_PERSONAL = "PIPL Art.4 personal information"
GBT_SENSITIVE = "GB/T 35273-2020 Annex B sensitive personal information"
GBT_PERSONAL = "GB/T 35273-2020 Annex A personal information"
GDPR_NATIONAL_ID = "GDPR Art.87 national identification number"
GDPR_PERSONAL = "GDPR Art.4(1) personal data"


@dataclass(frozen=True, slots=True)
class EntityType:
    """What jikimi knows about one kind of personal data."""

    id: EntityId
    name_en: str
    name_ko: str
    name_zh: str
    category: Category
    laws: tuple[str, ...]
    mask: MaskRule
    country: str | None = None  # ISO 3166 alpha-2 of the issuing state, if any

    @property
    def is_unique_identifier(self) -> bool:
        return self.category is Category.UNIQUE_ID


def _e(
    id: EntityId,
    en: str,
    ko: str,
    zh: str,
    category: Category,
    laws: tuple[str, ...],
    mask: MaskRule,
    country: str | None = None,
) -> EntityType:
    return EntityType(id, en, ko, zh, category, laws, mask, country)


_NATIONAL = (PIPL_SENSITIVE, GBT_SENSITIVE, GDPR_NATIONAL_ID)
_C = Category
_ENDS = MaskStyle.ENDS

CATALOG: dict[EntityId, EntityType] = {
    e.id: e
    for e in (
        _e(
            EntityId.KR_RRN,
            "Korean resident registration number",
            "주민등록번호",
            "韩国居民登记号",
            _C.UNIQUE_ID,
            (PIPA_UNIQUE, PIPA_RRN, *_NATIONAL),
            MaskRule(_ENDS, 7, 0),
            "KR",
        ),
        _e(
            EntityId.KR_FRN,
            "Korean foreigner registration number",
            "외국인등록번호",
            "韩国外国人登记号",
            _C.UNIQUE_ID,
            (PIPA_UNIQUE, PIPA_ENCRYPT, *_NATIONAL),
            MaskRule(_ENDS, 7, 0),
            "KR",
        ),
        _e(
            EntityId.KR_PASSPORT,
            "Korean passport number",
            "여권번호",
            "韩国护照号码",
            _C.UNIQUE_ID,
            (PIPA_UNIQUE, PIPA_ENCRYPT, *_NATIONAL),
            MaskRule(_ENDS, 5, 0),
            "KR",
        ),
        _e(
            EntityId.KR_DRIVER_LICENSE,
            "Korean driver's licence number",
            "운전면허번호",
            "韩国驾驶证号",
            _C.UNIQUE_ID,
            (PIPA_UNIQUE, PIPA_ENCRYPT, *_NATIONAL),
            MaskRule(_ENDS, 4, 2),
            "KR",
        ),
        _e(
            EntityId.KR_BRN,
            "Korean business registration number",
            "사업자등록번호",
            "韩国营业执照号",
            _C.GENERAL,
            (PIPA_PERSONAL,),
            MaskRule(_ENDS, 5, 0),
            "KR",
        ),
        _e(
            EntityId.KR_CORP_REG,
            "Korean corporate registration number",
            "법인등록번호",
            "韩国法人登记号",
            _C.GENERAL,
            (),
            MaskRule(_ENDS, 6, 0),
            "KR",
        ),
        _e(
            EntityId.KR_BANK_ACCOUNT,
            "Korean bank account number",
            "계좌번호",
            "韩国银行账号",
            _C.FINANCIAL,
            (PIPA_ENCRYPT, PIPA_PERSONAL, GDPR_PERSONAL),
            MaskRule(_ENDS, 6, 0),
            "KR",
        ),
        _e(
            EntityId.CN_RESIDENT_ID,
            "Chinese resident identity card number",
            "중국 신분증 번호",
            "居民身份证号码",
            _C.UNIQUE_ID,
            _NATIONAL,
            MaskRule(_ENDS, 6, 4),
            "CN",
        ),
        _e(
            EntityId.CN_USCC,
            "Chinese unified social credit code",
            "중국 통일사회신용코드",
            "统一社会信用代码",
            _C.GENERAL,
            (),
            MaskRule(_ENDS, 18, 0),
            "CN",
        ),
        _e(
            EntityId.CN_PASSPORT,
            "Chinese passport or travel permit number",
            "중국 여권번호",
            "护照号码",
            _C.UNIQUE_ID,
            _NATIONAL,
            MaskRule(_ENDS, 2, 2),
            "CN",
        ),
        _e(
            EntityId.CN_LICENSE_PLATE,
            "Chinese vehicle plate",
            "중국 차량번호",
            "机动车号牌",
            _C.GENERAL,
            (PIPL_PERSONAL, GBT_PERSONAL),
            MaskRule(_ENDS, 2, 1),
            "CN",
        ),
        _e(
            EntityId.HK_ID,
            "Hong Kong identity card number",
            "홍콩 신분증 번호",
            "香港身份证号码",
            _C.UNIQUE_ID,
            _NATIONAL,
            MaskRule(_ENDS, 2, 0),
            "HK",
        ),
        _e(
            EntityId.MO_ID,
            "Macau resident identity card number",
            "마카오 신분증 번호",
            "澳门居民身份证号码",
            _C.UNIQUE_ID,
            _NATIONAL,
            MaskRule(_ENDS, 1, 0),
            "MO",
        ),
        _e(
            EntityId.TW_ID,
            "Taiwan national identification number",
            "대만 신분증 번호",
            "台湾身分证统一编号",
            _C.UNIQUE_ID,
            _NATIONAL,
            MaskRule(_ENDS, 2, 2),
            "TW",
        ),
        _e(
            EntityId.JP_MY_NUMBER,
            "Japanese individual number (My Number)",
            "일본 마이넘버",
            "日本个人编号",
            _C.UNIQUE_ID,
            (GDPR_NATIONAL_ID,),
            MaskRule(_ENDS, 0, 4),
            "JP",
        ),
        _e(
            EntityId.US_SSN,
            "US social security number",
            "미국 사회보장번호",
            "美国社会安全号",
            _C.UNIQUE_ID,
            (GDPR_NATIONAL_ID,),
            MaskRule(_ENDS, 0, 4),
            "US",
        ),
        _e(
            EntityId.PHONE,
            "Phone number",
            "전화번호",
            "电话号码",
            _C.CONTACT,
            (PIPA_PERSONAL, PIPL_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(_ENDS, 3, 4),
        ),
        _e(
            EntityId.EMAIL,
            "E-mail address",
            "이메일 주소",
            "电子邮件地址",
            _C.CONTACT,
            (PIPA_PERSONAL, PIPL_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(MaskStyle.EMAIL, 2, 0),
        ),
        _e(
            EntityId.CREDIT_CARD,
            "Payment card number (incl. UnionPay)",
            "카드번호",
            "银行卡号",
            _C.FINANCIAL,
            (PIPA_ENCRYPT, PIPL_SENSITIVE, GBT_SENSITIVE, GDPR_PERSONAL),
            MaskRule(_ENDS, 6, 4),
        ),
        _e(
            EntityId.BANK_ACCOUNT,
            "Bank account number",
            "계좌번호",
            "银行账号",
            _C.FINANCIAL,
            (PIPA_ENCRYPT, PIPL_SENSITIVE, GBT_SENSITIVE, GDPR_PERSONAL),
            MaskRule(_ENDS, 4, 4),
        ),
        _e(
            EntityId.IBAN,
            "International bank account number",
            "국제은행계좌번호",
            "国际银行账号",
            _C.FINANCIAL,
            (GDPR_PERSONAL, PIPL_SENSITIVE),
            MaskRule(_ENDS, 4, 4),
        ),
        _e(
            EntityId.IP_ADDRESS,
            "IP address",
            "IP 주소",
            "IP地址",
            _C.ONLINE_ID,
            (PIPA_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(MaskStyle.IP),
        ),
        _e(
            EntityId.MAC_ADDRESS,
            "MAC address",
            "MAC 주소",
            "MAC地址",
            _C.ONLINE_ID,
            (GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(_ENDS, 6, 0),
        ),
        _e(
            EntityId.PERSON,
            "Person name",
            "성명",
            "姓名",
            _C.GENERAL,
            (PIPA_PERSONAL, PIPL_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(MaskStyle.NAME),
        ),
        _e(
            EntityId.ADDRESS,
            "Postal address",
            "주소",
            "地址",
            _C.CONTACT,
            (PIPA_PERSONAL, PIPL_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(MaskStyle.ADDRESS, 2, 0),
        ),
        _e(
            EntityId.DATE_OF_BIRTH,
            "Date of birth",
            "생년월일",
            "出生日期",
            _C.GENERAL,
            (PIPA_PERSONAL, PIPL_PERSONAL, GBT_PERSONAL, GDPR_PERSONAL),
            MaskRule(_ENDS, 4, 0),
        ),
    )
}


def entity(id: EntityId | str) -> EntityType:
    """Look an entity up by id; raises ``UsageError`` naming the unknown id."""
    try:
        return CATALOG[EntityId(id)]
    except ValueError:
        known = ", ".join(sorted(CATALOG))
        raise UsageError(f"unknown entity {id!r}; known entities: {known}") from None


def mask(id: EntityId | str, value: str) -> str:
    """The catalogue's default display mask for a value of this entity."""
    return entity(id).mask.apply(value)
