"""Identifiers used everywhere: e-mail, payment cards, IBAN, bank accounts, IP and MAC
addresses, dates of birth."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re

from jikimi.detect import checksums as cs
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.words import AMOUNT_WORDS, CURRENCY_AFTER, ORDER_WORDS
from jikimi.types import EntityId

_AN = "0-9A-Za-z"
_HEXISH = "0-9A-Za-z-"  # card-shaped runs inside UUIDs and hex ids are not cards
_FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "js",
        "ts",
        "css",
        "html",
        "htm",
        "json",
        "xml",
        "yaml",
        "yml",
        "txt",
        "md",
        "py",
        "java",
        "go",
        "rs",
        "c",
        "h",
        "cpp",
        "tar",
        "gz",
        "zip",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "csv",
        "log",
    ]
)


def _email(value: str) -> Verdict:
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1].lower()
    if tld in _FILE_EXTENSIONS or local.startswith(".") or local.endswith(".") or ".." in value:
        return Verdict.INVALID
    return Verdict.VALID


def _card(value: str) -> Verdict:
    d = cs.digits(value)
    if not 13 <= len(d) <= 19:
        return Verdict.INVALID
    if cs.luhn_ok(d) and cs.card_iin_ok(d):
        return Verdict.VALID
    # Some older UnionPay debit numbers do not pass Luhn: keep them for context to decide.
    return Verdict.UNKNOWN if d.startswith("62") and 16 <= len(d) <= 19 else Verdict.INVALID


def _iban(value: str) -> Verdict:
    return Verdict.VALID if cs.iban_ok(value) else Verdict.INVALID


def _ipv4_ok(value: str) -> bool:
    """Dotted quad as ``ipaddress`` accepts it (0-255, no leading zeros), without parsing."""
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and p.isascii() and len(p) <= 3 and (p == "0" or p[0] != "0") and int(p) < 256
        for p in parts
    )


def _ip(value: str) -> Verdict:
    if "." in value and ":" not in value:  # IPv4, the common case
        return Verdict.VALID if _ipv4_ok(value) else Verdict.INVALID
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return Verdict.INVALID
    if addr.version == 6 and sum(1 for c in value if c in "0123456789abcdefABCDEF") < 4:
        return Verdict.INVALID
    return Verdict.VALID


def _ip_refine(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop dotted numbers that continue (OIDs, 5-part versions) or follow a 'v'."""
    if end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit():
        return None
    if start > 0 and text[start - 1] in "vV":
        return None
    return start, end


def _mac(value: str) -> Verdict:
    seps = {c for c in value if c in ":-."}
    return Verdict.VALID if len(seps) == 1 else Verdict.INVALID


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_NUM = re.compile(r"\d+")


def _dob(value: str) -> Verdict:
    nums = [int(n) for n in _NUM.findall(value)]
    month_word = re.search(r"[A-Za-z]{3,}", value)
    try:
        if month_word:
            month = _MONTHS[month_word.group(0)[:3].lower()]
            year = next(n for n in nums if n > 31)
            day = next(n for n in nums if n <= 31)
        elif nums[0] > 31:  # year first
            year, month, day = nums[0], nums[1], nums[2]
        else:  # MM/DD/YYYY (US) or DD/MM/YYYY
            year = nums[2]
            month, day = (nums[0], nums[1]) if nums[0] <= 12 else (nums[1], nums[0])
        born = dt.date(year, month, day)
    except (KeyError, StopIteration, ValueError, IndexError):
        return Verdict.INVALID
    if born.year < 1900 or born > dt.date.today():
        return Verdict.INVALID
    return Verdict.UNKNOWN


def _account(value: str) -> Verdict:
    n = len(cs.digits(value))
    return Verdict.UNKNOWN if 8 <= n <= 20 else Verdict.INVALID


_MON = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\\.?"
_Y = "(?:19|20)\\d{2}"

RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "email",
        EntityId.EMAIL,
        (
            Pattern(
                "email",
                r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}",
                0.5,
                left="A-Za-z0-9._%+-",
                right="A-Za-z0-9-",
                locate_start=True,
            ),
        ),
        validate=_email,
        valid_score=0.9,
    ),
    Recognizer(
        "credit-card",
        EntityId.CREDIT_CARD,
        (
            Pattern(
                "card-4x4",
                # Issuer prefixes only (as card_iin_ok): timestamps (17...) and dated order
                # numbers (20...) never become candidates.
                r"(?:4\d|5[1-5]|2[2-7]|3\d|6\d|81|9\d)\d{2}(?:[- ]?\d{4}){2}[- ]?\d{1,4}"
                r"(?:[- ]?\d{1,3})?",
                0.1,
                left="0-9-",
                right=_HEXISH,
            ),
            Pattern("card-amex", r"3[47]\d{2}[- ]?\d{6}[- ]?\d{5}", 0.1),
            Pattern("card-diners", r"3\d{3}[- ]?\d{6}[- ]?\d{4}", 0.1),
        ),
        validate=_card,
        valid_score=0.9,
        context=(
            "카드",
            "card",
            "卡号",
            "银行卡",
            "信用卡",
            "储蓄卡",
            "visa",
            "mastercard",
            "결제",
            "payment",
            "pan",
            "银行",
            "工资卡",
            "借记卡",
            "bank card",
            "은행",
        ),
        negative=(*ORDER_WORDS, "imei", "meid"),
        context_boost=0.45,
    ),
    Recognizer(
        "iban",
        EntityId.IBAN,
        (
            Pattern(
                "iban",
                r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?",
                0.3,
                left="0-9",  # "IBANSE38..." is common in CJK text: letters may touch it
                right=_AN,
                locate_start=True,
            ),
        ),
        validate=_iban,
        valid_score=0.95,
        context=("iban",),
    ),
    Recognizer(
        "bank-account",
        EntityId.BANK_ACCOUNT,
        (
            Pattern(
                "account-grouped",
                r"\d{2,6}(?:[- ]\d{2,7}){1,3}",
                0.05,
                left="0-9-",
                right=f"0-9-{CURRENCY_AFTER}",
                needs_context=True,
            ),
            Pattern(
                "account-plain",
                r"\d{8,20}",
                0.02,
                right=f"0-9{CURRENCY_AFTER}",
                needs_context=True,
            ),
        ),
        validate=_account,
        context=(
            "account no",
            "account number",
            "acct",
            "bank account",
            "a/c",
            "账号",
            "账户",
            "银行账户",
            "开户行",
            "收款账号",
            "银行卡号",
            "계좌",  # Korean banks' accounts are KR_BANK_ACCOUNT (a higher boost); this
            # catches the others labelled in Korean, e.g. a US account before its routing no.
        ),
        negative=(*ORDER_WORDS, *AMOUNT_WORDS, "비밀번호", "password", "密码"),
        context_boost=0.6,
        window=30,
    ),
    Recognizer(
        "ip-address",
        EntityId.IP_ADDRESS,
        (
            Pattern("ipv4", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", 0.6, left="0-9.", right="0-9"),
            Pattern(
                "ipv6",
                r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}",
                0.3,
                left="0-9A-Fa-f:",
                right="0-9A-Fa-f:",
            ),
            Pattern(
                "ipv6-compressed",
                r"(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::"
                r"(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?",
                0.3,
                left="0-9A-Fa-f:",
                right="0-9A-Fa-f:",
            ),
        ),
        validate=_ip,
        valid_score=0.8,
        refine=_ip_refine,
        context=("ip", "address", "client", "remote", "host", "접속", "아이피", "地址"),
        negative=("version", "ver.", "버전", "版本", "build", "release", "firmware", "oid"),
        context_boost=0.1,
    ),
    Recognizer(
        "mac-address",
        EntityId.MAC_ADDRESS,
        (
            Pattern(
                "mac",
                r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}",
                0.5,
                left="0-9A-Fa-f:-",
                right="0-9A-Fa-f:-",
            ),
            Pattern(
                "mac-cisco",
                r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}",
                0.4,
                left="0-9A-Fa-f.",
                right="0-9A-Fa-f.",
            ),
        ),
        validate=_mac,
        valid_score=0.8,
        context=("mac", "hwaddr", "ether", "物理地址"),
        context_boost=0.15,
    ),
    Recognizer(
        "date-of-birth",
        EntityId.DATE_OF_BIRTH,
        (
            Pattern("dob-ymd", _Y + r"[-./]\d{1,2}[-./]\d{1,2}", 0.05, needs_context=True),
            Pattern(
                "dob-ko-dots",
                _Y + r"\. ?\d{1,2}\. ?\d{1,2}\.?",
                0.05,
                right="0-9.",
                needs_context=True,
            ),
            Pattern(
                "dob-ko", _Y + r"년 ?\d{1,2}월 ?\d{1,2}일", 0.05, right="0-9일", needs_context=True
            ),
            Pattern(
                "dob-zh",
                _Y + r"年\d{1,2}月\d{1,2}[日号]",
                0.05,
                right="0-9日号",
                needs_context=True,
            ),
            Pattern("dob-mdy", r"\d{1,2}[/.-]\d{1,2}[/.-]" + _Y, 0.05, needs_context=True),
            Pattern("dob-en-dmy", r"\d{1,2} " + _MON + " " + _Y, 0.05, needs_context=True),
            Pattern(
                "dob-en-mdy", _MON + r" \d{1,2}, " + _Y, 0.05, left="A-Za-z", needs_context=True
            ),
        ),
        validate=_dob,
        context=(
            "생년월일",
            "생일",
            "출생",
            "태어",
            "date of birth",
            "dob",
            "d.o.b",
            "born",
            "birthday",
            "birth date",
            "birthdate",
            "出生日期",
            "出生",
            "生日",
            "生年月日",
        ),
        context_boost=0.6,
        window=24,
    ),
)
