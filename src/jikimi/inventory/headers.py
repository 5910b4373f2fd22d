"""What a column's name says: header words in Korean, Chinese and English.

A header is only a hint (headers lie: ``phone`` columns full of e-mails, ``memo`` columns
full of resident numbers), so it returns candidate entities and a quasi-identifier kind,
and classification weighs it against the values. Latin words are matched as whole
tokens of the split name (``customerPhone`` -> customer, phone) so that ``age`` does not
fire inside ``page`` nor ``ip`` inside ``zip``; CJK words are matched as substrings,
because CJK headers glue words together (``고객전화번호``, ``收件人手机``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from jikimi.inventory.model import QuasiIdentifier
from jikimi.types import EntityId

E = EntityId
Q = QuasiIdentifier

# (entities, cjk substrings, latin token phrases). Phrases are space-separated tokens.
_ENTITY_WORDS: tuple[tuple[tuple[EntityId, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        (E.KR_RRN,),
        ("주민등록번호", "주민번호", "주민등록", "주민no"),
        ("rrn", "jumin", "jumin no", "resident registration", "resident reg no", "resident no"),
    ),
    (
        (E.KR_FRN,),
        ("외국인등록번호", "외국인번호", "외국인등록"),
        ("frn", "alien registration", "foreigner registration", "arc no"),
    ),
    (
        (E.KR_PASSPORT, E.CN_PASSPORT),
        ("여권번호", "여권", "护照号码", "护照号", "护照", "通行证"),
        ("passport", "passport no", "passport number", "travel permit"),
    ),
    (
        (E.KR_DRIVER_LICENSE,),
        ("운전면허번호", "운전면허", "면허번호", "驾驶证", "驾照"),
        (
            "driver license",
            "drivers license",
            "driver licence",
            "driving licence",
            "dl no",
            "license no",
            "licence no",
        ),
    ),
    (
        (E.KR_BRN,),
        ("사업자등록번호", "사업자번호"),
        ("brn", "business registration", "business reg no", "business no"),
    ),
    ((E.KR_CORP_REG,), ("법인등록번호", "법인번호"), ("corp reg no", "corporate registration")),
    (
        (E.KR_BANK_ACCOUNT, E.BANK_ACCOUNT),
        (
            "계좌번호",
            "계좌",
            "환불계좌",
            "입금계좌",
            "银行账号",
            "银行账户",
            "收款账号",
            "账号",
            "账户",
        ),
        ("account no", "account number", "bank account", "acct", "acct no", "account"),
    ),
    (
        (E.CN_RESIDENT_ID,),
        ("身份证号码", "身份证号", "身份证", "公民身份号码", "证件号码", "证件号", "신분증번호"),
        (
            "id card",
            "id card no",
            "national id",
            "resident id",
            "citizen id",
            "idcard",
            "id number",
        ),
    ),
    ((E.CN_USCC,), ("统一社会信用代码", "信用代码", "社会信用代码"), ("uscc", "credit code")),
    (
        (E.CN_LICENSE_PLATE,),
        ("车牌号", "车牌", "号牌", "차량번호"),
        ("plate", "license plate", "plate no", "vehicle no"),
    ),
    ((E.HK_ID,), ("香港身份证", "香港身份證"), ("hkid", "hk id")),
    ((E.MO_ID,), ("澳门身份证", "澳門身份證"), ("macau id", "bir")),
    ((E.TW_ID,), ("身分證", "身分证", "统一编号"), ("twid", "taiwan id")),
    ((E.JP_MY_NUMBER,), ("個人番号", "マイナンバー"), ("my number", "mynumber")),
    ((E.US_SSN,), ("사회보장번호",), ("ssn", "social security", "social security number")),
    (
        (E.PHONE,),
        (
            "전화번호",
            "전화",
            "연락처",
            "휴대폰",
            "핸드폰",
            "휴대전화",
            "팩스",
            "手机号码",
            "手机号",
            "手机",
            "电话号码",
            "电话",
            "联系方式",
            "联系电话",
            "座机",
            "传真",
        ),
        (
            "phone",
            "mobile",
            "tel",
            "telephone",
            "cell",
            "cellphone",
            "fax",
            "msisdn",
            "phone no",
            "contact no",
            "hp",
        ),
    ),
    (
        (E.EMAIL,),
        ("이메일", "전자우편", "메일주소", "邮箱", "电子邮件", "电子邮箱", "邮件地址"),
        ("email", "e mail", "mail", "mail address", "email address"),
    ),
    (
        (E.CREDIT_CARD,),
        ("카드번호", "신용카드", "체크카드", "银行卡号", "银行卡", "信用卡", "卡号"),
        ("card", "card no", "card number", "credit card", "pan", "cc number", "cc"),
    ),
    ((E.IBAN,), (), ("iban",)),
    (
        (E.IP_ADDRESS,),
        ("ip주소", "아이피", "ip地址", "접속ip"),
        ("ip", "ip address", "ip addr", "remote addr", "client ip", "ipv4", "ipv6"),
    ),
    ((E.MAC_ADDRESS,), ("mac주소", "mac地址", "物理地址"), ("mac", "mac address", "hwaddr")),
    (
        (E.PERSON,),
        (
            "이름",
            "성명",
            "고객명",
            "회원명",
            "성함",
            "예금주",
            "수령인",
            "받는분",
            "보내는분",
            "수취인",
            "환자명",
            "직원명",
            "姓名",
            "名字",
            "收件人",
            "收货人",
            "联系人",
            "寄件人",
            "客户姓名",
            "持卡人",
        ),
        (
            "name",
            "full name",
            "first name",
            "last name",
            "given name",
            "family name",
            "surname",
            "recipient",
            "customer name",
            "contact name",
            "cardholder",
            "holder name",
            "patient name",
        ),
    ),
    (
        (E.ADDRESS,),
        (
            "주소",
            "배송지",
            "거주지",
            "도로명",
            "地址",
            "住址",
            "收货地址",
            "家庭住址",
            "通讯地址",
            "详细地址",
        ),
        (
            "address",
            "addr",
            "street",
            "street address",
            "home address",
            "shipping address",
            "address line",
        ),
    ),
    (
        (E.DATE_OF_BIRTH,),
        ("생년월일", "생일", "출생일", "出生日期", "出生年月", "生日", "生年月日"),
        ("birth", "dob", "birthday", "birth date", "birthdate", "date of birth", "born"),
    ),
)

# Latin tokens that turn ``name``/``address``/``card`` into something impersonal.
_NOT_PERSONAL = frozenset(
    [
        "product",
        "item",
        "file",
        "company",
        "corp",
        "org",
        "organization",
        "organisation",
        "brand",
        "store",
        "shop",
        "host",
        "server",
        "domain",
        "table",
        "column",
        "field",
        "schema",
        "bank",
        "branch",
        "city",
        "country",
        "region",
        "dept",
        "department",
        "category",
        "goods",
        "user",
        "login",
        "nick",
        "nickname",
        "display",
        "device",
        "app",
        "model",
        "title",
        "tag",
        "key",
        "type",
        "event",
        "job",
        "course",
        "school",
        "station",
        "menu",
        "sku",
        "web",
        "url",
        "ip",
    ]
)
_NOT_PERSONAL_CJK = (
    "상품",
    "회사",
    "상호",
    "은행명",
    "파일",
    "商品",
    "公司",
    "文件",
    "银行名称",
    "品牌",
    "지점",
    "店铺",
    "学校",
    "산업",
)

_QI_WORDS: tuple[tuple[QuasiIdentifier, tuple[str, ...], tuple[str, ...]], ...] = (
    (Q.GENDER, ("성별", "性别", "性別"), ("gender", "sex")),
    (Q.AGE, ("나이", "연령", "年龄", "年齡", "연령대", "年龄段"), ("age", "age group", "age band")),
    (
        Q.POSTCODE,
        ("우편번호", "邮编", "邮政编码", "郵便番号"),
        ("zip", "zipcode", "zip code", "postcode", "post code", "postal code", "postal"),
    ),
    (
        Q.REGION,
        (
            "지역",
            "시도",
            "시군구",
            "거주지역",
            "행정구역",
            "省份",
            "城市",
            "地区",
            "所在地",
            "省市",
            "所在城市",
        ),
        ("region", "city", "province", "state", "district", "county", "prefecture", "area"),
    ),
    (
        Q.JOB,
        ("직업", "직종", "직무", "职业", "職業", "工作"),
        ("occupation", "job", "profession", "job title", "occupation code"),
    ),
)


@dataclass(frozen=True, slots=True)
class HeaderHint:
    """What the header suggests and which word said so (``ko:주민번호``, ``en:phone``)."""

    entities: tuple[EntityId, ...] = ()
    quasi_identifier: QuasiIdentifier | None = None
    word: str | None = None

    @property
    def evidence(self) -> str | None:
        return None if self.word is None else f"header:{self.word}"


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^0-9a-z]+")


def tokens(header: str) -> tuple[str, ...]:
    """``customerPhoneNo_2`` -> (customer, phone, no, 2)."""
    h = unicodedata.normalize("NFKC", header)
    h = _CAMEL.sub(" ", h).lower()
    return tuple(t for t in _SPLIT.split(h) if t)


def spoken(header: str) -> str:
    """The header as words (``customerPhone_no`` -> ``customer Phone no``), so that
    recognizers' context words written with spaces find it."""
    return " ".join(
        _CAMEL.sub(" ", unicodedata.normalize("NFKC", header))
        .replace("_", " ")
        .replace(".", " ")
        .replace("[]", " ")
        .split()
    )


def _cjk_key(header: str) -> str:
    h = unicodedata.normalize("NFKC", header).lower()
    return "".join(c for c in h if not c.isspace() and c not in "_-.()[]/:")


def _lang(word: str) -> str:
    if any("\uac00" <= c <= "\ud7a3" for c in word):
        return "ko"
    if any("\u3040" <= c <= "\u30ff" for c in word):
        return "ja"
    return "zh"


def _has_phrase(toks: tuple[str, ...], phrase: str) -> bool:
    p = tuple(phrase.split())
    n = len(p)
    return any(toks[i : i + n] == p for i in range(len(toks) - n + 1))


@lru_cache(maxsize=4096)
def header_hint(header: str) -> HeaderHint:
    """The entity (or quasi-identifier) a column name suggests, if any.

    For flattened paths (``customer.contact.phone``) the last segment speaks first.
    """
    if "." in header.strip("."):
        last = header.rstrip(".").rsplit(".", 1)[-1].replace("[]", "")
        hint = _hint(last)
        if hint.word is not None:
            return hint
    return _hint(header)


_WEAK = frozenset({E.PERSON, E.ADDRESS, E.CREDIT_CARD, E.BANK_ACCOUNT, E.KR_BANK_ACCOUNT})


def _hint(header: str) -> HeaderHint:
    """Every entity the name mentions, the most specific (longest word) first."""
    toks = tokens(header)
    key = _cjk_key(header)
    impersonal = bool(set(toks) & _NOT_PERSONAL) or any(w in key for w in _NOT_PERSONAL_CJK)
    found: list[tuple[int, tuple[EntityId, ...], str]] = []
    for entities, cjk, latin in _ENTITY_WORDS:
        if impersonal and set(entities) <= _WEAK:
            continue
        strength, word = 0, ""
        for w in cjk:
            if w in key and len(w) * 2 > strength:
                strength, word = len(w) * 2, f"{_lang(w)}:{w}"
        for phrase in latin:
            if _has_phrase(toks, phrase) and len(phrase) > strength:
                strength, word = len(phrase), f"en:{phrase}"
        if strength:
            found.append((strength, entities, word))
    if not found:
        return _with_qi(HeaderHint(), toks, key)
    found.sort(key=lambda f: -f[0])
    entities = tuple(dict.fromkeys(e for _, group, _ in found for e in group))
    return _with_qi(HeaderHint(entities, None, found[0][2]), toks, key)


def _with_qi(hint: HeaderHint, toks: tuple[str, ...], key: str) -> HeaderHint:
    if hint.entities:
        if E.DATE_OF_BIRTH in hint.entities:
            return HeaderHint(hint.entities, Q.BIRTH_DATE, hint.word)
        return hint
    for qi, cjk, latin in _QI_WORDS:
        for w in cjk:
            if w in key:
                return HeaderHint((), qi, f"{_lang(w)}:{w}")
        for phrase in latin:
            if _has_phrase(toks, phrase):
                return HeaderHint((), qi, f"en:{phrase}")
    return hint
