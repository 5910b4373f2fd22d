"""Phone numbers: candidates from the engine, validity from ``phonenumbers`` metadata.

One recognizer per numbering plan, because the same digits mean different things in
Korea and China, and ``phonenumbers`` needs the region to judge a national number.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata

from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.words import ORDER_WORDS
from jikimi.types import EntityId

_CONTEXT = (
    "전화",
    "연락처",
    "휴대폰",
    "핸드폰",
    "휴대전화",
    "tel",
    "phone",
    "mobile",
    "cell",
    "call",
    "contact",
    "电话",
    "手机",
    "联系方式",
    "联系电话",
    "手机号",
    "fax",
    "팩스",
    "传真",
)


_Desc = tuple[re.Pattern[str], frozenset[int]]
_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip
_NON_DIGIT = re.compile(r"[^0-9]")
# Country codes whose national numbers the fast path is tested for: +82 KR, +86 CN.
_FAST_COUNTRY_CODES = {"82": "KR", "86": "CN"}


@lru_cache(maxsize=8)
def _descs(region: str) -> tuple[_Desc, tuple[_Desc, ...]]:
    """The region's number patterns from the ``phonenumbers`` metadata, compiled once."""
    md = PhoneMetadata.metadata_for_region(region)
    assert md is not None, region

    def desc(d: object) -> _Desc:
        return (
            re.compile(getattr(d, "national_number_pattern")),  # noqa: B009
            frozenset(n for n in getattr(d, "possible_length", ()) or () if n > 0),
        )

    types = tuple(
        desc(d)
        for d in (getattr(md, name) for name in _TYPES)
        if d is not None and d.national_number_pattern
    )
    return desc(md.general_desc), types


def _matches(national: str, d: _Desc) -> bool:
    pattern, lengths = d
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def national_valid(number: str, region: str) -> bool:
    """True when ``number`` is a valid national number of ``region`` by the same metadata
    ``phonenumbers`` uses, without parsing (which costs ~40 us per candidate). A True
    answer implies phonenumbers agrees; a False one may still be a number phonenumbers
    accepts another way (an 00 international prefix, another NANP country), so callers
    confirm False with phonenumbers. Tests check both properties."""
    digits = _NON_DIGIT.sub("", number)
    if region == "US":
        national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    else:  # KR and CN: the trunk prefix 0 is dropped
        national = digits[1:] if digits.startswith("0") else digits
    general, types = _descs(region)
    return _matches(national, general) and any(_matches(national, t) for t in types)


@lru_cache(maxsize=65536)
def _valid(number: str, region: str | None) -> bool:
    plus = number.lstrip().startswith("+")
    if region is not None and not plus and national_valid(number, region):
        return True  # the common case, decided without parsing
    if plus:
        digits = _NON_DIGIT.sub("", number)
        home = _FAST_COUNTRY_CODES.get(digits[:2])
        if home is not None and national_valid(digits[2:], home):
            return True
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))


# Labels that name the number after them a bank account ("입금계좌 0505-1234-5678");
# not 계좌 alone: "계좌이체 후 010-1234-5678로 연락" names a phone.
_ACCOUNT_LABELS = ("입금계좌", "환불계좌", "계좌번호", "계좌 번호", "계좌:")


def clear_cache() -> None:
    """Forget the numbers validated so far (benchmarks time validation from cold)."""
    _valid.cache_clear()


def _validator(region: str | None):  # type: ignore[no-untyped-def]
    def validate(value: str) -> Verdict:
        return Verdict.VALID if _valid(value, region) else Verdict.INVALID

    return validate


def _phone(name: str, region: str | None, patterns: tuple[Pattern, ...]) -> Recognizer:
    return Recognizer(
        name,
        EntityId.PHONE,
        patterns,
        validate=_validator(region),
        valid_score=0.85,
        context=_CONTEXT,
        negative=(*ORDER_WORDS, "routing", "aba", "swift", "sort code", *_ACCOUNT_LABELS),
        context_boost=0.2,
    )


_SEP = "[-. ]"
_LEFT = "0-9"
# UUIDs and hex ids contain phone-shaped digit groups; what follows them gives them away.
_RIGHT = "0-9A-Za-z-"
RECOGNIZERS: tuple[Recognizer, ...] = (
    _phone(
        "phone-intl",
        None,
        (
            Pattern(
                "e164",
                rf"\+\d{{1,3}}{_SEP}?(?:\(0\){_SEP}?)?\(?\d{{1,4}}\)?(?:{_SEP}?\d{{2,4}}){{1,4}}",
                0.3,
                left="0-9+",
                right=_RIGHT,
            ),
        ),
    ),
    _phone(
        "phone-kr",
        "KR",
        (
            Pattern(
                "kr-national",
                rf"0(?:1[016-9]|2|[3-6][1-5]|70|50\d){_SEP}?\d{{3,4}}{_SEP}?\d{{4}}",
                0.3,
                left=_LEFT,
                right=_RIGHT,
            ),
            # Parenthesised area codes: the start is found in Python, so "((02) ..." works.
            Pattern("kr-area-paren", r"\(0\d{1,2}\) ?\d{3,4}-\d{4}", 0.3, locate_start=True),
        ),
    ),
    _phone(
        "phone-cn",
        "CN",
        (
            Pattern(
                "cn-mobile-grouped",
                rf"1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}",
                0.3,
                left=_LEFT,
                right=_RIGHT,
            ),
            Pattern("cn-mobile", r"1[3-9]\d{9}", 0.2, left=_LEFT, right=_RIGHT, valid_score=0.6),
            Pattern(
                "cn-landline", r"0\d{2,3}-\d{7,8}", 0.2, left=_LEFT, right=_RIGHT, valid_score=0.75
            ),
            Pattern("cn-landline-paren", r"\(0\d{2,3}\) ?\d{7,8}", 0.3, locate_start=True),
        ),
    ),
    _phone(
        "phone-us",
        "US",
        (
            Pattern(
                "us",
                rf"\(?[2-9]\d{{2}}\)?{_SEP}\d{{3}}{_SEP}\d{{4}}",
                0.2,
                valid_score=0.7,
                locate_start=True,
            ),
        ),
    ),
)
