"""Value shapes the scan engine does not judge on its own: protection states, person
names and addresses in bare cells, dates, and the quasi-identifier vocabularies.

These only ever confirm a header: a bare ``김민수`` cell is a name when the column is
called 성명, not when it is called 상품명.
"""

from __future__ import annotations

import datetime as dt
import re
from statistics import median

from jikimi.inventory.model import Protection, QuasiIdentifier

# -- protection --------------------------------------------------------------------------------

_MASK_RUN = re.compile(r"[*●•＊]{2,}|[xX]{4,}")
_HEX_DIGEST = re.compile(
    r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{128})", re.IGNORECASE
)
_PW_HASH = re.compile(r"(?:\$2[abxy]?\$\d\d\$|\$argon2(?:id|i|d)\$|pbkdf2_|sha(?:1|256|512)\$)")
_B64 = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
_CIPHER_PREFIX = re.compile(r"(?:enc:|vault:v\d+:|ENC\(|gAAAAA|AQICAH|jk1:)")
_MASKED_NAME = re.compile(r"[가-힣\u4e00-\u9fff][*○◯Xx]{1,3}[가-힣\u4e00-\u9fff]?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def protection_of(value: str) -> Protection:
    """How a single value is protected (PLAIN when it is readable)."""
    v = value.strip()
    if _MASK_RUN.search(v) or _MASKED_NAME.fullmatch(v):
        return Protection.MASKED
    if _HEX_DIGEST.fullmatch(v) or _PW_HASH.match(v):
        return Protection.HASHED
    if _CIPHER_PREFIX.match(v):
        return Protection.ENCRYPTED
    if (
        _B64.fullmatch(v)
        and not _UUID.fullmatch(v)
        and any(c.isupper() for c in v)
        and any(c.islower() for c in v)
        and any(c.isdigit() for c in v)
    ):
        return Protection.ENCRYPTED
    return Protection.PLAIN


# -- shapes confirmed by a header ---------------------------------------------------------------

_KO_NAME = re.compile(r"[가-힣]{2,4}|[가-힣]{1,2} [가-힣]{1,3}")
_ZH_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,2}·[\u4e00-\u9fff]{1,8}")
_LATIN_NAME = re.compile(
    r"[A-Z][a-z'’-]+(?: [A-Z]\.?)?(?: [A-Z][a-zA-Z'’-]+){1,2}|"
    r"[A-Z][A-Z'-]+,? [A-Z][a-z'-]+"
)


def looks_like_name(value: str) -> bool:
    v = value.strip()
    return bool(_KO_NAME.fullmatch(v) or _ZH_NAME.fullmatch(v) or _LATIN_NAME.fullmatch(v))


_ADDRESS_WORDS = re.compile(
    r"(?:[가-힣]+(?:시|도|구|군|동|읍|면|리|로|길)(?:\s|\d|$))|"
    r"(?:[\u4e00-\u9fff]+(?:省|市|区|县|镇|乡|路|街|道|号|村|巷))|"
    r"(?:\b(?:street|st|avenue|ave|road|rd|lane|ln|blvd|drive|dr|way|floor|apt|suite)\b)",
    re.IGNORECASE,
)


def looks_like_address(value: str) -> bool:
    v = value.strip()
    return (len(v) >= 6 and len(_ADDRESS_WORDS.findall(v)) >= 2) or (
        len(v) >= 8 and bool(_ADDRESS_WORDS.search(v)) and any(c.isdigit() for c in v)
    )


_DATE_FORMS = (
    re.compile(r"((?:18|19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})(?:[ T].*)?"),
    re.compile(r"((?:18|19|20)\d{2})(\d{2})(\d{2})"),
    re.compile(r"((?:18|19|20)\d{2})\s*[년年]\s*(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日号]?"),
)
_DMY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./]((?:18|19|20)\d{2})")


def parse_date(value: str) -> dt.date | None:
    v = value.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(v)
        if m:
            y, mo, d = (int(g) for g in m.groups()[:3])
            break
    else:
        m = _DMY.fullmatch(v)
        if not m:
            return None
        a, b, y = (int(g) for g in m.groups())
        mo, d = (a, b) if a <= 12 else (b, a)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def looks_like_birth_date(value: str) -> bool:
    d = parse_date(value)
    return d is not None and d.year >= 1880 and d <= dt.date.today()


# -- quasi-identifier vocabularies ----------------------------------------------------------------

GENDER_WORDS = frozenset(
    [
        "m",
        "f",
        "male",
        "female",
        "man",
        "woman",
        "men",
        "women",
        "boy",
        "girl",
        "남",
        "여",
        "남자",
        "여자",
        "남성",
        "여성",
        "男",
        "女",
        "男性",
        "女性",
        "u",
        "unknown",
        "other",
        "x",
        "기타",
        "其他",
        "未知",
    ]
)
GENDER_CODES = frozenset({"0", "1", "2", "9"})

_KR_REGIONS = [
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "세종특별자치시",
    "경기도",
    "강원도",
    "강원특별자치도",
    "충청북도",
    "충청남도",
    "전라북도",
    "전북특별자치도",
    "전라남도",
    "경상북도",
    "경상남도",
    "제주도",
    "제주특별자치도",
]
_CN_REGIONS = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "苏州",
    "厦门",
    "青岛",
    "大连",
    "宁波",
    "天津市",
    "北京市",
    "上海市",
    "重庆市",
]
_CN_SUFFIX = ("省", "市", "自治区", "特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区")
REGION_WORDS = frozenset(
    [*_KR_REGIONS, *_CN_REGIONS, *(r + s for r in _CN_REGIONS for s in _CN_SUFFIX)]
)
_AGE = re.compile(
    r"\d{1,3}(?:\.\d)?(?:\s*(?:세|살|岁|歲|대|s|대 초반|대 후반))?|\d{1,2}0\s*[-~]\s*\d{1,2}9"
)
_POSTCODE = re.compile(
    r"\d{5}|\d{3}-\d{3}|\d{6}|\d{3}-?\d{4}|\d{5}-\d{4}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
)


def is_gender(value: str, allow_codes: bool) -> bool:
    v = value.strip().lower()
    return v in GENDER_WORDS or (allow_codes and v in GENDER_CODES)


def is_region(value: str) -> bool:
    v = value.strip()
    first = v.split()[0] if v.split() else v
    return v in REGION_WORDS or first in REGION_WORDS


def is_age(value: str) -> bool:
    v = value.strip()
    if not _AGE.fullmatch(v):
        return False
    digits = re.match(r"\d+", v)
    return digits is not None and int(digits.group(0)) <= 125


def is_postcode(value: str) -> bool:
    return bool(_POSTCODE.fullmatch(value.strip().upper()))


def is_short_label(value: str) -> bool:
    """A job title or region name: short words, not a number, not a sentence."""
    v = value.strip()
    return 1 <= len(v) <= 40 and not v.replace(" ", "").isdigit() and v.count(" ") <= 4


# -- free text -----------------------------------------------------------------------------------


def is_free_text(values: list[str]) -> bool:
    """Sentences rather than codes: long cells with several words or CJK runs."""
    if not values:
        return False
    lengths = [len(v) for v in values]
    if median(lengths) < 16:
        return False
    wordy = sum(1 for v in values if v.count(" ") >= 2 or _cjk_share(v) > 0.3)
    return wordy >= 0.5 * len(values)


def _cjk_share(v: str) -> float:
    n = sum(1 for c in v if "\u3000" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7a3")
    return n / max(len(v), 1)


__all__ = [
    "QuasiIdentifier",
    "is_age",
    "is_free_text",
    "is_gender",
    "is_postcode",
    "is_region",
    "is_short_label",
    "looks_like_address",
    "looks_like_birth_date",
    "looks_like_name",
    "parse_date",
    "protection_of",
]
