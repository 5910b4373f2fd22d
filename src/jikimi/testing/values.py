"""Synthetic identifier values with correct check digits, written independently of
jikimi's detectors so that the evaluation cannot share a detector's mistakes.

Every function takes a seeded ``random.Random`` and returns the value exactly as it is
printed in a document (separators included). Values are checksum-valid but invented.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import date, timedelta

import phonenumbers

DIGITS = string.digits
HEX = "0123456789abcdef"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(n))


def random_date(rng: random.Random, first_year: int, last_year: int) -> date:
    """A uniformly drawn calendar date (leap days included)."""
    start = date(first_year, 1, 1)
    span = (date(last_year, 12, 31) - start).days
    return start + timedelta(days=rng.randrange(span + 1))


# -- checksums (reference implementations, kept tiny and explicit) -------------------------


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def kr_rrn_check(first12: str) -> str:
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    s = sum(int(c) * w for c, w in zip(first12, weights, strict=True))
    return str((11 - s % 11) % 10)


def kr_brn_check(first9: str) -> str:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    s = sum(int(c) * w for c, w in zip(first9, weights, strict=True))
    s += (int(first9[8]) * 5) // 10
    return str((10 - s % 10) % 10)


def kr_corp_check(first12: str) -> str:
    s = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(first12))
    return str((10 - s % 10) % 10)


def cn_ric_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return "10X98765432"[s % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def cn_uscc_check(first17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def cn_org_code_check(body8: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c, 36) * w for c, w in zip(body8, weights, strict=True))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def hkid_check(prefix: str, digits6: str) -> str:
    vals = [36] if len(prefix) == 1 else []
    vals += [ord(ch) - 55 for ch in prefix] + [int(d) for d in digits6]
    s = sum(v * w for v, w in zip(vals, range(9, 1, -1), strict=True))
    c = (11 - s % 11) % 11
    return "A" if c == 10 else str(c)


_TW_LETTER = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (
            10,
            11,
            12,
            13,
            14,
            15,
            16,
            17,
            34,
            18,
            19,
            20,
            21,
            22,
            35,
            23,
            24,
            25,
            26,
            27,
            28,
            29,
            32,
            30,
            31,
            33,
        ),
        strict=True,
    )
)


def tw_id_check(letter: str, first8: str) -> str:
    code = _TW_LETTER[letter]
    s = code // 10 + (code % 10) * 9
    s += sum(int(c) * w for c, w in zip(first8, (8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    return str((10 - s % 10) % 10)


def jp_my_number_check(first11: str) -> str:
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    s = sum(int(c) * w for c, w in zip(first11, weights, strict=True))
    return str(-s % 11 % 10)


def iban_check(country: str, bban: str) -> str:
    def num(s: str) -> int:
        return int("".join(str(int(c, 36)) for c in s))

    return f"{98 - num(bban + country + '00') % 97:02d}"


def isbn13_check(first12: str) -> str:
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(first12))
    return str((10 - s % 10) % 10)


# -- Korea ------------------------------------------------------------------------------------


def kr_rrn(
    rng: random.Random, *, post2020: bool = False, foreign: bool = False, born: date | None = None
) -> str:
    """A resident (or, with ``foreign``, foreigner) registration number ``YYMMDD-GNNNNNN``.

    Pre-2020 numbers carry the region code and check digit; post-2020 numbers keep the
    birth date and sex digit and have a random six-digit tail (no check digit at all).
    """
    born = born or random_date(rng, 1940, 2019)
    sex = rng.randrange(2)
    g = (5 if foreign else 1) + (2 if born.year >= 2000 else 0) + sex
    head = born.strftime("%y%m%d") + str(g)
    if post2020:
        return f"{head[:6]}-{head[6]}{_digits(rng, 6)}"
    legacy = foreign and rng.random() < 0.3  # the legacy foreigner rule: RRN check + 2
    region = rng.randrange(0, 96, 2) if legacy else rng.randrange(96)
    body = head + f"{region:02d}" + _digits(rng, 3)
    check = int(kr_rrn_check(body))
    if legacy:
        check = (check + 2) % 10
    return f"{body[:6]}-{body[6:]}{check}"


def kr_passport(rng: random.Random) -> str:
    kind = rng.choice("MMMMMSRO")
    if rng.random() < 0.5:
        return f"{kind}{_digits(rng, 8)}"
    return f"{kind}{_digits(rng, 3)}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{_digits(rng, 4)}"


KR_LICENCE_REGIONS = {
    "11": "서울",
    "12": "부산",
    "13": "경기",
    "14": "강원",
    "15": "충북",
    "16": "충남",
    "17": "전북",
    "18": "전남",
    "19": "경북",
    "20": "경남",
    "21": "제주",
    "22": "대구",
    "23": "인천",
    "24": "광주",
    "25": "대전",
    "26": "울산",
    "28": "경기",
}


def kr_driver_licence(rng: random.Random) -> str:
    code = rng.choice(sorted(KR_LICENCE_REGIONS))
    yy, serial, cc = _digits(rng, 2), _digits(rng, 6), _digits(rng, 2)
    r = rng.random()
    if r < 0.2:
        return f"{KR_LICENCE_REGIONS[code]} {yy}-{serial}-{cc}"
    if r < 0.3:
        return f"{code}{yy}{serial}{cc}"
    return f"{code}-{yy}-{serial}-{cc}"


def kr_brn(rng: random.Random) -> str:
    office = str(rng.randrange(101, 900))
    kind = f"{rng.choice([rng.randrange(1, 80), 81, 82, 86, 87, 88]):02d}"
    serial = f"{rng.randrange(1, 10000):04d}"
    body = office + kind + serial
    return f"{office}-{kind}-{serial}{kr_brn_check(body)}"


def kr_corp_reg(rng: random.Random) -> str:
    body = f"{rng.choice(['1101', '1301', '1346', '1201', '1311', '2801'])}"
    body += rng.choice(["11", "12", "71", "81"]) + _digits(rng, 6)
    return f"{body[:6]}-{body[6:]}{kr_corp_check(body)}"


KR_BANKS = {
    "국민은행": "KB Kookmin Bank",
    "신한은행": "Shinhan Bank",
    "우리은행": "Woori Bank",
    "하나은행": "Hana Bank",
    "농협": "NH Bank",
    "카카오뱅크": "Kakao Bank",
    "기업은행": "IBK",
    "토스뱅크": "Toss Bank",
}


def kr_bank_account(rng: random.Random, bank: str) -> str:
    """A Korean account number in the grouping its bank is reported to print."""
    shapes = {
        "국민은행": (6, 2, 6),
        "신한은행": (3, 3, 6),
        "우리은행": (4, 3, 6),
        "하나은행": (3, 6, 5),
        "농협": (3, 4, 4, 2),
        "카카오뱅크": (4, 2, 7),
        "기업은행": (3, 6, 2, 3),
        "토스뱅크": (4, 4, 4),
    }
    groups = [_digits(rng, n) for n in shapes[bank]]
    if bank == "카카오뱅크":
        groups[0] = "3333"
    return "-".join(groups)


# -- China, Hong Kong, Macau, Taiwan -----------------------------------------------------------

CN_REGIONS = (
    "110101",
    "110105",
    "110108",
    "310104",
    "310115",
    "440304",
    "440305",
    "440106",
    "510107",
    "330106",
    "320102",
    "420111",
    "610113",
    "500103",
    "120101",
    "210102",
    "370202",
    "350203",
    "430104",
    "230103",
)


def cn_resident_id(rng: random.Random, *, old15: bool = False, born: date | None = None) -> str:
    region = rng.choice(CN_REGIONS)
    born = born or random_date(rng, 1950, 2010)
    if old15 and born.year >= 2000:  # 15-digit numbers were issued before 1999
        old15 = False
    seq = f"{rng.randrange(1, 1000):03d}"
    if old15:
        return region + born.strftime("%y%m%d") + seq
    body = region + born.strftime("%Y%m%d") + seq
    check = cn_ric_check(body)
    if check == "X" and rng.random() < 0.15:
        check = "x"
    return body + check


def cn_uscc(rng: random.Random) -> str:
    head = rng.choice(["91", "91", "91", "92", "12", "52", "31"]) + rng.choice(CN_REGIONS)
    if rng.random() < 0.5:  # codes issued since 2015 start with MA + 6 symbols
        body8 = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        body8 = _digits(rng, 8)
    org = body8 + cn_org_code_check(body8)
    first17 = head + org
    return first17 + cn_uscc_check(first17)


def cn_passport(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return "E" + _digits(rng, 8)
    if r < 0.7:
        return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)
    if r < 0.85:
        return "G" + _digits(rng, 8)
    return "C" + _digits(rng, 8)  # exit-entry permit to HK and Macau


CN_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def cn_plate(rng: random.Random) -> str:
    head = rng.choice(CN_PLATE_PROVINCES) + rng.choice("ABCDEFGHJKLMNPQ")
    if rng.random() < 0.2:  # new-energy plate
        return head + rng.choice("DF") + "".join(rng.choice(_PLATE_ALNUM) for _ in range(5))
    tail = (
        _digits(rng, 5)
        if rng.random() < 0.6
        else "".join(rng.choice(_PLATE_ALNUM) for _ in range(5))
    )
    return head + tail


def hk_id(rng: random.Random) -> str:
    prefix = rng.choice(string.ascii_uppercase)
    if rng.random() < 0.15:
        prefix = rng.choice("WX") + prefix
    digits6 = _digits(rng, 6)
    check = hkid_check(prefix, digits6)
    return f"{prefix}{digits6}({check})" if rng.random() < 0.85 else f"{prefix}{digits6}{check}"


def mo_id(rng: random.Random) -> str:
    body = rng.choice("157") + _digits(rng, 6)
    d = str(rng.randrange(10))
    return f"{body[0]}/{body[1:]}/{d}" if rng.random() < 0.4 else f"{body}({d})"


def tw_id(rng: random.Random) -> str:
    letter = rng.choice(string.ascii_uppercase)
    first8 = rng.choice("12") + _digits(rng, 7)
    return letter + first8 + tw_id_check(letter, first8)


# -- Japan, United States ----------------------------------------------------------------------


def jp_my_number(rng: random.Random) -> str:
    body = str(rng.randrange(1, 10)) + _digits(rng, 10)
    n = body + jp_my_number_check(body)
    return f"{n[:4]} {n[4:8]} {n[8:]}" if rng.random() < 0.5 else n


def us_ssn(rng: random.Random) -> str:
    area = rng.choice([rng.randrange(1, 666), rng.randrange(667, 900)])
    group, serial = rng.randrange(1, 100), rng.randrange(1, 10000)
    sep = rng.choice(["-", "-", "-", " "])
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


# -- phones -----------------------------------------------------------------------------------


def _join(parts: list[str], sep: str) -> str:
    return sep.join(parts)


def _valid_phone(
    rng: random.Random, draw: Callable[[random.Random], str], region: str | None
) -> str:
    """Redraw until the number is one a telephone network could have issued (per the
    ITU-derived metadata in ``phonenumbers``): a reader knows an unassigned range when
    they see one, so the evaluation should not contain any."""
    while True:
        v = draw(rng)
        if phonenumbers.is_valid_number(phonenumbers.parse(v, region)):
            return v


def phone_kr(rng: random.Random) -> str:
    return _valid_phone(rng, _draw_kr, "KR")


def phone_cn(rng: random.Random) -> str:
    return _valid_phone(rng, _draw_cn, "CN")


def phone_us(rng: random.Random) -> str:
    return _valid_phone(rng, _draw_us, "US")


def phone_intl(rng: random.Random, country: str = "") -> str:
    """A foreign number in international format; ``country`` "hk", "tw" or "" for any."""
    return _valid_phone(rng, lambda r: _draw_intl(r, country), None)


def _draw_kr(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        parts = ["010", _digits(rng, 4), _digits(rng, 4)]
        parts[1] = str(rng.randrange(2, 10)) + parts[1][1:]
    elif r < 0.8:
        parts = [
            "02",
            str(rng.randrange(2, 10)) + _digits(rng, rng.choice([2, 3])),
            _digits(rng, 4),
        ]
    elif r < 0.93:
        area = rng.choice(["031", "032", "051", "053", "042", "062", "064", "033", "041"])
        parts = [
            area,
            str(rng.randrange(2, 10)) + _digits(rng, rng.choice([2, 3])),
            _digits(rng, 4),
        ]
    else:
        parts = ["070", str(rng.randrange(2, 10)) + _digits(rng, 3), _digits(rng, 4)]
    if rng.random() < 0.2:
        sep = rng.choice(["-", " "])
        return "+82" + rng.choice([" ", "-"]) + _join([parts[0][1:], *parts[1:]], sep)
    sep = rng.choices(["-", " ", ".", ""], weights=[70, 10, 8, 12])[0]
    if parts[0] == "02" and sep == "":
        sep = "-"
    return _join(parts, sep)


_CN_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def _draw_cn(rng: random.Random) -> str:
    if rng.random() < 0.85:
        parts = [rng.choice(_CN_MOBILE_PREFIXES), _digits(rng, 4), _digits(rng, 4)]
        sep = rng.choices(["", " ", "-"], weights=[65, 25, 10])[0]
        num = _join(parts, sep)
        if rng.random() < 0.15:
            return "+86" + rng.choice([" ", "-", ""]) + num
        return num
    area = rng.choice(["010", "021", "020", "0755", "0571", "028", "027", "025"])
    local = str(rng.randrange(2, 9)) + _digits(rng, 7)
    return f"{area}-{local}" if rng.random() < 0.7 else f"({area}){local}"


_US_AREAS = ("212", "415", "646", "312", "617", "206", "512", "303", "404", "305", "718", "503")


def _draw_us(rng: random.Random) -> str:
    area = rng.choice(_US_AREAS)
    exch = str(rng.randrange(2, 10)) + _digits(rng, 2)
    if exch.endswith("11") or exch == "555":
        exch = exch[0] + "23"
    line = _digits(rng, 4)
    fmt = rng.randrange(5)
    if fmt == 0:
        return f"({area}) {exch}-{line}"
    if fmt == 1:
        return f"{area}-{exch}-{line}"
    if fmt == 2:
        return f"+1 {area} {exch} {line}"
    if fmt == 3:
        return f"{area}.{exch}.{line}"
    return f"+1-{area}-{exch}-{line}"


def _draw_intl(rng: random.Random, country: str) -> str:
    if country == "hk":
        return f"+852 {rng.choice('5679')}{_digits(rng, 3)} {_digits(rng, 4)}"
    if country == "tw":
        return f"+886 9{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
    return rng.choice(
        [
            f"+44 20 7{_digits(rng, 3)} {_digits(rng, 4)}",
            f"+81 3-{_digits(rng, 4)}-{_digits(rng, 4)}",
            f"+49 30 {_digits(rng, 8)}",
            f"+852 {rng.choice('5679')}{_digits(rng, 3)} {_digits(rng, 4)}",
            f"+886 9{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
            f"+65 {rng.choice('89')}{_digits(rng, 3)} {_digits(rng, 4)}",
            f"+33 6 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        ]
    )


# -- cards, IBAN, network ---------------------------------------------------------------------


def card(rng: random.Random, brand: str | None = None) -> str:
    """A Luhn-valid payment card number, grouped as it is usually printed."""
    brand = brand or rng.choice(["visa", "mc", "amex", "jcb", "unionpay", "visa", "mc"])
    if brand == "visa":
        prefix, length = "4", rng.choice([16, 16, 16, 19])
    elif brand == "mc":
        prefix = rng.choice([str(rng.randrange(51, 56)), str(rng.randrange(2221, 2721))])
        length = 16
    elif brand == "amex":
        prefix, length = rng.choice(["34", "37"]), 15
    elif brand == "jcb":
        prefix, length = str(rng.randrange(3528, 3590)), 16
    else:
        prefix, length = (
            "62" + rng.choice(["2202", "1700", "2848", "5880", "1226"]),
            rng.choice([16, 16, 17, 18, 19]),
        )
    body = prefix + _digits(rng, length - len(prefix) - 1)
    n = body + luhn_check_digit(body)
    sep = rng.choices(["-", " ", ""], weights=[40, 35, 25])[0]
    if not sep:
        return n
    if length == 15:
        return sep.join([n[:4], n[4:10], n[10:]])
    groups = [n[i : i + 4] for i in range(0, len(n), 4)]
    return sep.join(groups)


_IBAN_SHAPES = {  # country: BBAN as a sequence of (kind, length); n digits, a upper letters
    "DE": (("n", 18),),
    "GB": (("a", 4), ("n", 14)),
    "FR": (("n", 23),),
    "AT": (("n", 16),),
    "NL": (("a", 4), ("n", 10)),
    "IT": (("a", 1), ("n", 22)),
    "SE": (("n", 20),),
    "CH": (("n", 17),),
}


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(_IBAN_SHAPES))
    bban = "".join(
        _digits(rng, n)
        if kind == "n"
        else "".join(rng.choice(string.ascii_uppercase) for _ in range(n))
        for kind, n in _IBAN_SHAPES[country]
    )
    compact = country + iban_check(country, bban) + bban
    if rng.random() < 0.5:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def ipv4(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if r < 0.45:
        return f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    first = rng.choice([rng.randrange(11, 100), rng.randrange(101, 127), rng.randrange(128, 224)])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randrange(0x10000):x}" for _ in range(8)]
    groups[0] = rng.choice(["2001", "2404", "2406", "240e", "fe80", "2600"])
    if rng.random() < 0.6:
        keep = rng.randrange(2, 5)
        return ":".join(groups[:keep]) + "::" + ":".join(groups[-2:])
    return ":".join(groups)


def mac(rng: random.Random) -> str:
    octets = [f"{rng.randrange(256):02x}" for _ in range(6)]
    r = rng.random()
    if r < 0.5:
        return ":".join(octets)
    if r < 0.85:
        return "-".join(octets).upper()
    flat = "".join(octets)
    return ".".join(flat[i : i + 4] for i in range(0, 12, 4))


# -- hard negatives: shapes that must not be reported -------------------------------------------


def luhn_invalid(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    good = int(luhn_check_digit(body))
    return body + str((good + rng.randrange(1, 10)) % 10)


def cn_id_bad_check(rng: random.Random) -> str:
    good = cn_resident_id(rng)
    wrong = [c for c in "0123456789X" if c != good[-1].upper()]
    return good[:-1] + rng.choice(wrong)


def tw_id_bad_check(rng: random.Random) -> str:
    good = tw_id(rng)
    return good[:-1] + str((int(good[-1]) + rng.randrange(1, 10)) % 10)


def jp_my_number_bad_check(rng: random.Random) -> str:
    body = str(rng.randrange(1, 10)) + _digits(rng, 10)
    return body + str((int(jp_my_number_check(body)) + rng.randrange(1, 10)) % 10)


def imei(rng: random.Random) -> str:
    body = rng.choice(["35", "86", "01", "49"]) + _digits(rng, 12)
    return body + luhn_check_digit(body)


def isbn13(rng: random.Random) -> str:
    body = rng.choice(["97889", "97875", "978111", "97911"])
    body += _digits(rng, 12 - len(body))
    n = body + isbn13_check(body)
    return f"{n[:3]}-{n[3:5]}-{n[5:9]}-{n[9:12]}-{n[12]}"


def uuid4(rng: random.Random) -> str:
    h = "".join(rng.choice(HEX) for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def hex_digest(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(n))
