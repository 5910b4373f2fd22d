"""Korean identifiers: resident and foreigner registration numbers, passports, driver's
licences, business and corporate registration numbers, bank accounts."""

from __future__ import annotations

import re

from jikimi.detect import checksums as cs
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.words import AMOUNT_WORDS, CURRENCY_AFTER, ORDER_WORDS
from jikimi.types import EntityId

_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_RRN_SHAPES = (
    Pattern("rrn-hyphen", _DATE6 + r"[-‐–][0-9]\d{6}", 0.4),
    Pattern("rrn-space", _DATE6 + r" [0-9]\d{6}", 0.35),
    Pattern("rrn-plain", _DATE6 + r"[0-9]\d{6}", 0.3),
)

_RRN_CONTEXT = (
    "주민등록번호",
    "주민번호",
    "주민등록",
    "주민",
    "생년월일",
    "rrn",
    "resident registration",
    "resident reg",
    "居民登录号",
    "住民登录号",
    "韩国身份证",
)
_FRN_CONTEXT = (
    "외국인등록번호",
    "외국인등록",
    "외국인번호",
    "외국인",
    "外国人登录号",
    "alien registration",
    "foreigner registration",
    "frn",
    "arc no",
    "주민번호",
    "주민등록번호",
)


def _rrn(value: str) -> Verdict:
    d = cs.digits(value)
    if d[6] not in "1234" or not cs.kr_rrn_birth_ok(d):
        return Verdict.INVALID
    # Numbers issued since 2020-10 have random tails: a failed check is no opinion.
    return Verdict.VALID if cs.kr_rrn_checksum(d) else Verdict.UNKNOWN


def _frn(value: str) -> Verdict:
    d = cs.digits(value)
    if d[6] not in "5678" or not cs.kr_rrn_birth_ok(d):
        return Verdict.INVALID
    if cs.kr_frn_rrn_rule_checksum(d) or cs.kr_frn_legacy_checksum(d):
        return Verdict.VALID
    return Verdict.UNKNOWN


def _corp(value: str) -> Verdict:
    return Verdict.VALID if cs.kr_corp_checksum(cs.digits(value)) else Verdict.INVALID


def _brn(value: str) -> Verdict:
    return Verdict.VALID if cs.kr_brn_checksum(cs.digits(value)) else Verdict.INVALID


def _account(value: str) -> Verdict:
    n = len(cs.digits(value))
    return Verdict.UNKNOWN if 10 <= n <= 14 else Verdict.INVALID


# A routing/ABA/SWIFT number named right after an account makes it a US or foreign
# account, whatever Korean label stands before it ("급여계좌: 계좌번호 … (routing …)").
_FOREIGN_AFTER = re.compile(r"[^\n]{0,6}?\b(?:routing|aba|swift|sort code)\b", re.IGNORECASE)


def _not_foreign(text: str, start: int, end: int) -> tuple[int, int] | None:
    return None if _FOREIGN_AFTER.match(text, end) else (start, end)


_REGIONS = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산"

KR_BANKS = (
    "국민은행",
    "신한은행",
    "우리은행",
    "하나은행",
    "농협",
    "기업은행",
    "카카오뱅크",
    "케이뱅크",
    "토스뱅크",
    "새마을금고",
    "우체국",
    "수협",
    "sc제일",
    "씨티",
    "부산은행",
    "대구은행",
    "kookmin",
    "shinhan",
    "woori",
    "hana bank",
    "nonghyup",
    "kakaobank",
    "kakao bank",
    "ibk",
    "kb국민",
    "nh bank",
    "toss bank",
    "tossbank",
    "kbank",
    "k bank",
    "busan bank",
    "daegu bank",
    "新韩银行",
    "友利银行",
    "韩亚银行",
    "韩国国民银行",
    "韩国农协",
    "韩国企业银行",
)

RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "kr-rrn",
        EntityId.KR_RRN,
        _RRN_SHAPES,
        validate=_rrn,
        valid_score=0.95,
        context=_RRN_CONTEXT,
        negative=(*ORDER_WORDS, "법인", "사업자", "외국인", "corporate"),
    ),
    Recognizer(
        "kr-frn",
        EntityId.KR_FRN,
        _RRN_SHAPES,
        validate=_frn,
        valid_score=0.95,
        context=_FRN_CONTEXT,
        negative=(*ORDER_WORDS, "법인", "사업자", "corporate"),
    ),
    Recognizer(
        "kr-corp-reg",
        EntityId.KR_CORP_REG,
        (
            Pattern("corp-hyphen", r"\d{6}-\d{7}", 0.1),
            Pattern("corp-plain", r"\d{13}", 0.05, needs_context=True),
        ),
        validate=_corp,
        valid_score=0.4,
        context=(
            "법인등록번호",
            "법인번호",
            "法人登记号",
            "corporate registration no",
            "corp. registration",
            "registration no",
            "등기번호",
            "법인",
            "corporate registration",
            "corp reg",
        ),
    ),
    Recognizer(
        "kr-brn",
        EntityId.KR_BRN,
        (
            Pattern("brn-hyphen", r"\d{3}-\d{2}-\d{5}", 0.2, valid_score=0.6),
            Pattern("brn-plain", r"\d{10}", 0.02, valid_score=0.2, needs_context=True),
        ),
        validate=_brn,
        context=(
            "사업자등록번호",
            "사업자번호",
            "사업자 번호",
            "사업자",
            "business registration",
            "brn",
            "business no",
            "상호",
        ),
        negative=ORDER_WORDS,
        context_boost=0.45,
    ),
    Recognizer(
        "kr-passport",
        EntityId.KR_PASSPORT,
        (
            Pattern("passport-old", r"[MSROD]\d{8}", 0.15, left="A-Za-z0-9", right="A-Za-z0-9"),
            Pattern(
                "passport-2021", r"[MSROD]\d{3}[A-Z]\d{4}", 0.2, left="A-Za-z0-9", right="A-Za-z0-9"
            ),
        ),
        context=("여권", "passport", "여권번호", "passport no", "护照", "护照号"),
        negative=ORDER_WORDS,
        context_boost=0.5,
    ),
    Recognizer(
        "kr-driver-license",
        EntityId.KR_DRIVER_LICENSE,
        (
            Pattern(
                "dl-numeric",
                r"(?:1[1-9]|2[0-68])[- ]?\d{2}[- ]?\d{6}[- ]?\d{2}",
                0.05,
                needs_context=True,
            ),
            Pattern(
                "dl-hangul", f"(?:{_REGIONS}) ?\\d{{2}}-?\\d{{6}}-?\\d{{2}}", 0.55, left="가-힣0-9"
            ),
        ),
        context=(
            "운전면허",
            "면허번호",
            "면허증",
            "driver",
            "licence",
            "license",
            "dl no",
            "驾照",
            "驾驶证",
        ),
        negative=ORDER_WORDS,
        context_boost=0.6,
    ),
    Recognizer(
        "kr-bank-account",
        EntityId.KR_BANK_ACCOUNT,
        (
            Pattern(
                "account-grouped",
                r"\d{2,6}(?:-\d{2,7}){1,3}",
                0.05,
                left="0-9-",
                right=f"0-9-{CURRENCY_AFTER}",
                needs_context=True,
            ),
            Pattern(
                "account-plain",
                r"\d{10,14}",
                0.02,
                right=f"0-9{CURRENCY_AFTER}",
                needs_context=True,
            ),
        ),
        validate=_account,
        refine=_not_foreign,
        context=("계좌", "입금", "예금주", "송금", "이체", "환불계좌", "통장", *KR_BANKS),
        negative=(*ORDER_WORDS, *AMOUNT_WORDS),
        # Above the generic bank-account boost (0.6): "Woori Bank acct 461113-55-480711"
        # carries both recognizers' words, and the Korean bank is the more specific one.
        context_boost=0.65,
        window=30,
    ),
)
