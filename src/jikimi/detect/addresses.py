"""Postal addresses in Korean, Chinese and US English text.

An address is a sequence of administrative units, a street and a number, then building
details. Hyperscan finds the anchors cheaply — a province or district name from the
shipped gazetteers, a road name followed by a number, a house number before a US street
suffix — and ``refine`` parses the full address from the anchor with an ordinary regular
expression whose lengths are all bounded, so Python only ever reads a few dozen characters
per candidate. The span covers the whole address, from the postcode or province to the
last unit (호, 室, Apt 4B), because masking half an address protects nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jikimi.detect.data import bar_list as _list
from jikimi.detect.data import lines, words
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.types import EntityId

__all__ = ["RECOGNIZERS"]

# Every language: an address is written in its own country's script and format, and
# documents quote foreign ones ("주소: 8280 Park Rd, Raleigh, NC", "地址：서울특별시 …").
# The anchors are script-specific, so a Korean anchor costs nothing in English text.
_ANY = frozenset({"ko", "zh", "en"})


def _alt(items: Iterable[str]) -> str:
    """A regex alternation, longest first so that Python's ``re`` prefers the longest."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


_KO_CONTEXT = _list(
    "주소|배송지|거주지|소재지|주소지|도로명|지번|사업장 소재지|자택|우편번호|수령지|address"
)
_ZH_CONTEXT = _list("地址|住址|居住地|住所|户籍地|邮寄|送货|所在地|address")
_EN_CONTEXT = _list(
    "address|addr|ship to|shipping|billing|mailing|residence|resides|located at|lives at|mail to"
)

# == Korea =====================================================================================

_KR_SIDO = _alt(words("kr_sido"))
_KR_SIGUNGU_WORDS = words("kr_sigungu")
_KR_SGG = rf"(?:{_alt(_KR_SIGUNGU_WORDS)}|[가-힣]{{1,5}}(?:시|군|구))"
_KR_UNIT = r"(?:[A-Za-z]?\d{1,5}(?:동|호|층|호실)|[A-Z]동|지하\s?\d{1,2}층|B\d{1,2}층?)"
_KR_ADDRESS = re.compile(
    rf"(?:(?P<sido>{_KR_SIDO})\s?)?"
    rf"(?:(?P<sgg>{_KR_SGG})\s?(?:{_KR_SGG}\s?)?)?"
    r"(?:[가-힣]{1,5}(?:읍|면)\s?)?"
    r"(?:(?P<road>[가-힣A-Za-z0-9·]{1,15}?(?:로|길)(?:\d{1,4}번?가?길)?)\s?"
    r"(?P<rnum>\d{1,5}(?:-\d{1,5})?)"
    r"(?:번길\s?\d{1,5}(?:-\d{1,5})?)?"
    r"|(?P<dong>[가-힣0-9]{1,8}?(?:동|리|가))\s?(?:산\s?)?(?P<lot>\d{1,5}(?:-\d{1,5})?)(?:번지)?)"
    rf"(?:,?\s?(?:[가-힣A-Za-z0-9]{{2,20}}\s?)?{_KR_UNIT}(?:\s?{_KR_UNIT}){{0,2}})?"
    r"(?:\s?\([가-힣0-9A-Za-z,\s]{2,30}\))?"
)
# "새로 3개", "주로 2시": a count or a time, not a house number.
_KR_COUNTERS = frozenset("개명시분초년월일원회차세살권장대마잔병곳건위등배주인달쪽줄칸")
_POSTCODE_BEFORE = re.compile(r"(?:\(\d{5}\)|\[\d{5}\]|\d{5})\s?$")


def _kr_parse(text: str, start: int, *, need_region: bool) -> tuple[int, int] | None:
    m = _KR_ADDRESS.match(text, start)
    if m is None:
        return None
    if need_region and not (m.group("sido") or m.group("sgg")):
        return None
    end = m.end()
    while end > start and text[end - 1] in " ,":
        end -= 1
    nxt = text[end] if end < len(text) else ""
    if nxt.isdigit() or (text[end - 1].isdigit() and nxt in _KR_COUNTERS):
        return None
    pre = _POSTCODE_BEFORE.search(text, max(0, start - 8), start)
    if pre is not None and (pre.start() == 0 or not text[pre.start() - 1].isdigit()):
        start = pre.start()
    return start, end


def _kr_refine_region(text: str, start: int, end: int) -> tuple[int, int] | None:
    if start > 0 and "가" <= text[start - 1] <= "힣":
        return None  # inside a longer word (checked here: a boundary class slows Hyperscan)
    return _kr_parse(text, start, need_region=True)


# Adverbs and case endings that end in 로/길 like a road name: "참고로 828", "새로 3".
_KR_NOT_ROADS = frozenset(
    "참고로 새로 주로 별도로 따로 서로 실제로 정말로 그대로 스스로 절대로 앞으로 뒤로 위로 아래로 "
    "대체로 바로 가로 세로 때로 진짜로 일부러 최대로 최소로 무료로 유료로 차례로 순서로 비율로 "
    "기본으로 추가로 별로 혼자로 이로 그로 저로 길".split()
)


def _kr_refine_road(text: str, start: int, end: int) -> tuple[int, int] | None:
    w = re.match("[가-힣0-9]+", text[start:end])
    word = w.group() if w else ""
    if word in _KR_NOT_ROADS or word.endswith("으로"):
        return None
    span = _kr_parse(text, start, need_region=False)
    if span is None or re.match(r" \d", text[span[1] : span[1] + 2]):
        return None  # "828 63 2819": part of a longer number
    return span


def _kr_validate(value: str) -> Verdict:
    m = _KR_ADDRESS.search(value)
    if m is not None and m.group("sido") and m.group("sgg"):
        return Verdict.VALID
    return Verdict.UNKNOWN


_KR = (
    Recognizer(
        "kr-address",
        EntityId.ADDRESS,
        (
            Pattern(
                "kr-sido-sigungu",
                f"(?:{_KR_SIDO}) ?[가-힣]{{1,6}}(?:시|군|구)",
                0.6,
                left="",
                right="",
                valid_score=0.9,
            ),
            Pattern(
                "kr-sigungu",
                f"(?:{_alt(_KR_SIGUNGU_WORDS)}) ",
                0.6,
                left="",
                right="",
                valid_score=0.9,
            ),
        ),
        validate=_kr_validate,
        context=_KO_CONTEXT,
        context_boost=0.2,
        languages=_ANY,
        refine=_kr_refine_region,
    ),
    Recognizer(
        "kr-address-road",
        EntityId.ADDRESS,
        (
            Pattern(
                "kr-road-number",
                r"[가-힣0-9]{1,15}(?:로|길) ?\d{1,5}",
                0.3,
                left="가-힣0-9",
                right="0-9",
            ),
        ),
        context=_KO_CONTEXT,
        context_boost=0.35,
        languages=_ANY,
        refine=_kr_refine_road,
    ),
)

# == China =====================================================================================

_HAN = "一-鿿"
_CN_PROVINCES = words("cn_provinces")
_CN_CITIES = words("cn_cities")
_CN_DISTRICTS = words("cn_districts")
_CN_PROV_SUFFIX = "(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|省|市)"
_CN_ADDRESS = re.compile(
    rf"(?:(?P<prov>{_alt(_CN_PROVINCES)}){_CN_PROV_SUFFIX}?)?"
    rf"(?:(?P<city>(?:{_alt(_CN_CITIES)})市?|[{_HAN}]{{2,5}}?(?:自治州|市|州|地区|盟)))?"
    rf"(?:(?P<dist>{_alt(_CN_DISTRICTS)}|[{_HAN}]{{1,5}}?(?:新区|区|县|旗|市)))?"
    rf"(?:[{_HAN}]{{1,6}}?(?:街道|镇|乡))?"
    rf"(?:(?P<road>[{_HAN}0-9A-Za-z]{{1,12}}?(?:大道|大街|路|街|巷|胡同|弄|道))"
    r"(?P<num>\d{1,5}(?:-\d{1,5})?(?:号院|号|弄))?"
    rf"|(?P<village>[{_HAN}]{{1,6}}?村)(?:\d{{1,3}}组)?)"
    rf"(?:[{_HAN}A-Za-z]{{2,12}}?(?=[0-9A-Z]))?"
    r"(?:(?:\d{1,5}|[A-Z])(?:号楼|栋|幢|座|单元|层|楼|室|号|户)){0,4}"
)
# Words that end the text before an address ("我住在", "地址是", "寄到").
_CN_LEAD = re.compile(".*(?:住在|位于|地址是|地址为|地址|寄到|送到|发往|寄往|[在于是为至到：:])")


def _cn_parse(text: str, start: int) -> tuple[int, int] | None:
    m = _CN_ADDRESS.match(text, start)
    if m is None or not (m.group("road") or m.group("village")):
        return None
    units = sum(1 for g in ("prov", "city", "dist") if m.group(g))
    if not m.group("num") and units < 2:
        return None
    end = m.end()
    if end < len(text) and text[end].isdigit():
        return None
    return start, end


_CN_PROVINCE_BEFORE = re.compile(f"(?:{_alt(_CN_PROVINCES)}){_CN_PROV_SUFFIX}?$")


def _cn_refine_region(text: str, start: int, end: int) -> tuple[int, int] | None:
    # "广东深圳市…": the anchor is the city; the short province name before it belongs too.
    pre = _CN_PROVINCE_BEFORE.search(text, max(0, start - 12), start)
    return _cn_parse(text, pre.start() if pre is not None else start)


def _cn_refine_road(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A road and number with Hyperscan's leftmost start: drop words before the road."""
    head = text[start:end]
    lead = _CN_LEAD.match(head)
    s = start + (lead.end() if lead else 0)
    return _cn_parse(text, s)


def _cn_validate(value: str) -> Verdict:
    m = _CN_ADDRESS.match(value)
    if m is None:
        return Verdict.UNKNOWN
    units = sum(1 for g in ("prov", "city", "dist") if m.group(g))
    return Verdict.VALID if units >= 2 or (units and m.group("num")) else Verdict.UNKNOWN


_CN = (
    Recognizer(
        "cn-address",
        EntityId.ADDRESS,
        (
            Pattern(
                "cn-province",
                f"(?:{_alt(_CN_PROVINCES)}){_CN_PROV_SUFFIX}",
                0.5,
                left="",
                right="",
                valid_score=0.9,
            ),
            Pattern(
                "cn-city", f"(?:{_alt(_CN_CITIES)})市", 0.5, left="", right="", valid_score=0.9
            ),
            Pattern(
                "cn-district",
                f"(?:{_alt(_CN_DISTRICTS)})",
                0.5,
                left="",
                right="",
                valid_score=0.85,
            ),
        ),
        validate=_cn_validate,
        context=_ZH_CONTEXT,
        context_boost=0.2,
        languages=_ANY,
        refine=_cn_refine_region,
    ),
    Recognizer(
        "cn-address-road",
        EntityId.ADDRESS,
        (
            Pattern(
                "cn-road-number",
                f"[{_HAN}]{{1,10}}(?:路|街|大道|巷|弄)\\d{{1,5}}号",
                0.45,
                left="",
                right="0-9",
            ),
        ),
        validate=_cn_validate,
        valid_score=0.85,
        context=_ZH_CONTEXT,
        context_boost=0.3,
        languages=_ANY,
        refine=_cn_refine_road,
    ),
)

# == United States ============================================================================

_US_STATES = [line.split(" ", 1) for line in lines("us_states")]
_US_STATE = _alt([code for code, _ in _US_STATES] + [name for _, name in _US_STATES])
_US_SUFFIX = _alt(words("us_street_suffixes"))
_US_STREET = (
    r"\d{1,6}[A-Z]?(?: [NSEW]\.?| North| South| East| West)?"
    r"(?: [A-Z][a-z]+| \d{1,3}(?:st|nd|rd|th)){1,3}"
    rf" (?:{_US_SUFFIX})\.?"
)
_US_ADDRESS = re.compile(
    rf"{_US_STREET}(?: [NSEW]{{1,2}}\.?)?"
    r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|Bldg|#)\.? ?#?[0-9A-Za-z-]{1,6})?"
    rf"(?P<city>,? [A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}},? (?:{_US_STATE})(?: \d{{5}}(?:-\d{{4}})?)?"
    r"(?![A-Za-z0-9]))?"
)
_PO_BOX = re.compile(
    rf"P\.? ?O\.? Box \d{{1,6}}(?P<city>,? [A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}},? (?:{_US_STATE})"
    r"(?: \d{5}(?:-\d{4})?)?(?![A-Za-z0-9]))?"
)


_US_HEAD = re.compile(
    r"\d{1,6}[A-Z]?(?: (?:[NSEW]\.?|North|South|East|West))?"
    r"(?: (?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))){1,3}$"
)


def _us_refine(text: str, start: int, end: int) -> tuple[int, int] | None:
    """From a street suffix (the anchor) back to the house number, then on to the ZIP."""
    if text.startswith("P", start):
        m = _PO_BOX.match(text, start)
        return None if m is None else (start, m.end())
    head = _US_HEAD.search(text, max(0, start - 60), start + 1)
    if head is None:
        return None
    s = head.start()
    if s > 0 and text[s - 1].isascii() and (text[s - 1].isalnum() or text[s - 1] in "#$"):
        return None
    m = _US_ADDRESS.match(text, s)
    if m is None:
        return None
    e = m.end()
    if text[e - 1] == "." and text[e - 6 : e - 1].isalpha():  # "Street." ends a sentence
        e -= 1
    return s, e


def _us_validate(value: str) -> Verdict:
    m = _US_ADDRESS.match(value) or _PO_BOX.match(value)
    return Verdict.VALID if m is not None and m.group("city") else Verdict.UNKNOWN


_US = (
    Recognizer(
        "us-address",
        EntityId.ADDRESS,
        (
            # Anchored on the suffix: a house-number start would make every digit a thread.
            Pattern(
                "us-street",
                f"[a-z] (?:{_US_SUFFIX})",
                0.55,
                left="",
                right="A-Za-z",
                valid_score=0.9,
            ),
            Pattern(
                "us-po-box",
                r"P\.? ?O\.? Box \d{1,6}",
                0.5,
                left="A-Za-z",
                right="0-9",
                valid_score=0.9,
            ),
        ),
        validate=_us_validate,
        context=_EN_CONTEXT,
        context_boost=0.25,
        languages=_ANY,
        refine=_us_refine,
    ),
)

RECOGNIZERS: tuple[Recognizer, ...] = (*_KR, *_CN, *_US)
