"""Checksums and structure checks for identifiers.

python-stdnum is used wherever it checks what the identifier's issuer specifies;
the rest is implemented here because stdnum does not cover it or checks something
else (see shared/reference/identifiers.md: stdnum's kr.brn skips the BRN checksum,
kr.rrn rejects the random post-2020 numbers, cn.ric rejects valid numbers whose region
code was created later).
"""

from __future__ import annotations

import datetime as dt
import operator
import re

from stdnum import iban as _iban
from stdnum.cn import uscc as _uscc
from stdnum.jp import in_ as _jp_in
from stdnum.us import ssn as _ssn

_NON_DIGIT = re.compile(r"[^0-9]")


def digits(value: str) -> str:
    """The ASCII digits of a value, separators dropped."""
    return value if value.isdigit() and value.isascii() else _NON_DIGIT.sub("", value)


def _weighted(d: str, weights: tuple[int, ...]) -> int:
    return sum(map(operator.mul, map(int, d), weights))


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


# -- Korea ---------------------------------------------------------------------------------

_RRN_CENTURY = {
    "9": 1800,
    "0": 1800,
    "1": 1900,
    "2": 1900,
    "3": 2000,
    "4": 2000,
    "5": 1900,
    "6": 1900,
    "7": 2000,
    "8": 2000,
}


def kr_rrn_birth_ok(d13: str) -> bool:
    """The first seven digits form a real birth date with a known century/sex digit."""
    century = _RRN_CENTURY.get(d13[6])
    if century is None:
        return False
    return valid_date(century + int(d13[0:2]), int(d13[2:4]), int(d13[4:6]))


_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def kr_rrn_checksum(d13: str) -> bool:
    """The pre-2020-10 check digit, with stdnum's rule that region digits are <= 96.

    Written out rather than calling ``stdnum.kr.rrn`` because it runs per candidate on
    the hot path; tests check it against stdnum on random numbers.
    """
    if int(d13[7:9]) > 96:
        return False
    return (11 - _weighted(d13[:12], _RRN_WEIGHTS) % 11) % 10 == int(d13[12])


def kr_frn_legacy_checksum(d13: str) -> bool:
    """The legacy foreigner rule: even office digits and check = RRN check + 2 (mod 10)."""
    s = _weighted(d13[:12], _RRN_WEIGHTS)
    return int(d13[7:9]) % 2 == 0 and (13 - s % 11) % 10 == int(d13[12])


def kr_frn_rrn_rule_checksum(d13: str) -> bool:
    return (11 - _weighted(d13[:12], _RRN_WEIGHTS) % 11) % 10 == int(d13[12])


def kr_brn_checksum(d10: str) -> bool:
    """Business registration number check digit (stdnum's kr.brn does not test it)."""
    if len(d10) != 10 or d10[3:5] == "00" or d10[5:9] == "0000":
        return False
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    s = sum(int(c) * w for c, w in zip(d10[:9], weights, strict=True))
    s += int(d10[8]) * 5 // 10
    return (10 - s % 10) % 10 == int(d10[9])


def kr_corp_checksum(d13: str) -> bool:
    """Corporate registration number: weights 1,2,... with plain products."""
    return (10 - _weighted(d13[:12], (1, 2) * 6) % 10) % 10 == int(d13[12])


# -- China ---------------------------------------------------------------------------------


def cn_ric_ok(value: str) -> bool:
    """18-character resident ID: birth date and ISO 7064 MOD 11-2 check.

    The region code is deliberately not looked up: it is where the number was issued,
    and stdnum's table rejects valid numbers from districts created later.
    """
    v = value.upper()
    if len(v) != 18 or not v[:17].isdigit() or v[0] == "0":
        return False
    if not valid_date(int(v[6:10]), int(v[10:12]), int(v[12:14])):
        return False
    year = int(v[6:10])
    if year < 1880 or dt.date(year, int(v[10:12]), int(v[12:14])) > dt.date.today():
        return False
    s = _weighted(v[:17], _MOD11_2_WEIGHTS)
    return _MOD11_2_CHECK[s % 11] == v[17]


# ISO 7064 MOD 11-2 as GB 11643 applies it; tests check it against stdnum's mod_11_2.
_MOD11_2_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MOD11_2_CHECK = "10X98765432"


def cn_ric15_ok(value: str) -> bool:
    """Old 15-digit ID (no check digit): only the 19YY birth date can be checked."""
    return len(value) == 15 and valid_date(
        1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
    )


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}


def _uscc_check_ok(v: str) -> bool:
    """The GB 32100 outer check character alone (cheap; most candidates fail it)."""
    try:
        s = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, v[:17]), _USCC_WEIGHTS))
        return len(v) == 18 and _USCC_ALPHABET[(31 - s % 31) % 31] == v[17]
    except (KeyError, IndexError, ValueError):
        return False


def cn_uscc_ok(value: str) -> bool:
    """stdnum's cn.uscc decides; the check character is tested first because it rejects
    almost every look-alike (18-digit order numbers) at a fraction of the cost."""
    v = value.upper()
    return len(v) == 18 and _uscc_check_ok(v) and bool(_uscc.is_valid(v))


def cn_uscc_inner_ok(value: str) -> bool:
    """The embedded GB 11714 organisation-code check (stdnum does not test it)."""
    body = value.upper()[8:16]
    check = value.upper()[16]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    try:
        s = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    except ValueError:
        return False
    c = 11 - s % 11
    expect = "X" if c == 10 else "0" if c == 11 else str(c)
    return expect == check


# -- Hong Kong, Taiwan, Japan, US ----------------------------------------------------------


def hkid_ok(value: str) -> bool:
    v = "".join(c for c in value.upper() if c.isalnum())
    letters = len(v) - 7
    if letters not in (1, 2) or not v[:letters].isalpha() or not v[letters:-1].isdigit():
        return False
    vals = ([36] if letters == 1 else []) + [ord(c) - 55 for c in v[:letters]]
    vals += [int(c) for c in v[letters:-1]]
    s = sum(x * w for x, w in zip(vals, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
    check = (11 - s % 11) % 11
    return v[-1] == ("A" if check == 10 else str(check))


_TW_LETTERS = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}


def twid_ok(value: str) -> bool:
    v = value.upper()
    if len(v) != 10 or v[0] not in _TW_LETTERS or not v[1:].isdigit() or v[1] not in "1289":
        return False
    code = _TW_LETTERS[v[0]]
    s = code // 10 + (code % 10) * 9
    s += sum(int(c) * w for c, w in zip(v[1:9], (8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    s += int(v[9])
    return s % 10 == 0


def jp_my_number_ok(value: str) -> bool:
    return bool(_jp_in.is_valid(digits(value)))


def us_ssn_ok(value: str) -> bool:
    """stdnum's us.ssn decides; the never-issued ranges (area 000, 666, 9xx, group 00,
    serial 0000) are tested first because ISBN and phone fragments fall there."""
    d = digits(value)
    if len(d) != 9 or d[0] == "9" or d[:3] in ("000", "666") or d[3:5] == "00" or d[5:] == "0000":
        return False
    return bool(_ssn.is_valid(d))


# -- Payment and bank ----------------------------------------------------------------------


# Luhn doubles every second digit from the right; this table maps an ASCII digit to the
# ASCII digit of its doubled digit sum, so a whole number is summed by C code, not a loop.
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_ok(value: str) -> bool:
    """Luhn (ISO/IEC 7812); tests check it against ``stdnum.luhn``."""
    d = digits(value).encode("ascii")
    if not d:
        return False
    total = sum(d[-1::-2]) + sum(d[-2::-2].translate(_LUHN_DOUBLED)) - 48 * len(d)
    return total % 10 == 0


def card_iin_ok(d: str) -> bool:
    """The issuer range fits the length (kills IMEIs and order numbers that pass Luhn)."""
    n = len(d)
    two, three, four = int(d[:2]), int(d[:3]), int(d[:4])
    if d[0] == "4":
        return n in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if two == 62:
        return 16 <= n <= 19
    if d.startswith("6011") or 644 <= three <= 649 or two == 65:
        return 16 <= n <= 19
    if 3528 <= four <= 3589:
        return 16 <= n <= 19
    if two == 36 or 300 <= three <= 305 or two in (38, 39):
        return 14 <= n <= 19
    if d[0] == "9" or two == 81:  # domestic schemes (Korean BC/local, UnionPay 81)
        return n == 16
    return False


_MOD97_DIGITS = {ord(c): str(i + 10) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def _mod97(value: str) -> int:
    """ISO 7064 MOD 97-10 remainder (letters count 10..35); ValueError if not alphanumeric."""
    v = "".join(value.split()).upper()
    v = (v[4:] + v[:4]).translate(_MOD97_DIGITS)
    if not (v.isascii() and v.isdigit()):
        raise ValueError("not an alphanumeric IBAN")
    return int(v) % 97


def iban_ok(value: str) -> bool:
    """ISO 7064 MOD 97-10 first (rejects look-alikes cheaply), then stdnum's per-country
    length and format rules decide."""
    try:
        if _mod97(value) != 1:
            return False
    except ValueError:
        return False
    return bool(_iban.is_valid(value))


def mrz_check(value: str) -> int:
    """ICAO 9303 check digit of an MRZ field."""
    total = 0
    for i, c in enumerate(value.upper()):
        v = int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55
        total += v * (7, 3, 1)[i % 3]
    return total % 10
