"""Mainland Chinese identifiers: resident ID (18 and old 15 digits), unified social credit
code, passports and travel permits, vehicle plates."""

from __future__ import annotations

from jikimi.detect import checksums as cs
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.words import ORDER_WORDS
from jikimi.types import EntityId

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_AN = "0-9A-Za-z"
_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def _ric(value: str) -> Verdict:
    if len(value) == 18:
        return Verdict.VALID if cs.cn_ric_ok(value) else Verdict.INVALID
    return Verdict.UNKNOWN if cs.cn_ric15_ok(value) else Verdict.INVALID


def _uscc(value: str) -> Verdict:
    if not cs.cn_uscc_ok(value):
        return Verdict.INVALID
    return Verdict.VALID if cs.cn_uscc_inner_ok(value) else Verdict.UNKNOWN


_ID_CONTEXT = (
    "身份证",
    "身份证号",
    "公民身份号码",
    "证件号",
    "证件号码",
    "居民身份",
    "id card",
    "id no",
    "resident id",
    "national id",
    "identity",
    "신분증",
    "身分證",
    "id number",
    "prc id",
    "中国身份证",
    "중국 신분증",
)

RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "cn-resident-id",
        EntityId.CN_RESIDENT_ID,
        (
            Pattern(
                "ric18",
                rf"[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[0-9Xx]",
                0.3,
                left=_AN,
                right=_AN,
            ),
            Pattern("ric15", rf"[1-9]\d{{7}}{_DATE}\d{{3}}", 0.2, left=_AN, right=_AN),
        ),
        validate=_ric,
        valid_score=0.95,
        context=_ID_CONTEXT,
        negative=ORDER_WORDS,
        context_boost=0.45,
    ),
    Recognizer(
        "cn-uscc",
        EntityId.CN_USCC,
        (
            Pattern(
                "uscc", rf"{_USCC_CHAR}{{2}}\d{{6}}{_USCC_CHAR}{{10}}", 0.2, left=_AN, right=_AN
            ),
        ),
        validate=_uscc,
        valid_score=0.9,
        context=(
            "统一社会信用代码",
            "信用代码",
            "社会信用",
            "营业执照",
            "uscc",
            "credit code",
            "纳税人识别号",
        ),
        negative=ORDER_WORDS,
    ),
    Recognizer(
        "cn-passport",
        EntityId.CN_PASSPORT,
        (
            Pattern("cn-passport-e", r"E[0-9A-HJ-NP-Z]\d{7}", 0.15, left=_AN, right=_AN),
            Pattern("cn-passport-g", r"G\d{8}", 0.15, left=_AN, right=_AN),
            Pattern("cn-passport-official", r"(?:DE|SE|PE)\d{7}", 0.15, left=_AN, right=_AN),
            Pattern("cn-permit", r"[CKHM]\d{8}", 0.05, left=_AN, right=_AN, needs_context=True),
            Pattern("cn-sar-passport", r"M[AB]\d{7}", 0.1, left=_AN, right=_AN),
        ),
        context=(
            "护照",
            "护照号",
            "通行证",
            "回乡证",
            "港澳通行证",
            "passport",
            "travel permit",
            "여권",
            "여권번호",
        ),
        negative=ORDER_WORDS,
        context_boost=0.5,
    ),
    Recognizer(
        "cn-license-plate",
        EntityId.CN_LICENSE_PLATE,
        (
            Pattern(
                "plate",
                rf"[{_PROVINCES}][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9]{{5}}|\d{{5}}[DF]|"
                r"[A-HJ-NP-Z0-9]{5})",
                0.55,
                left="",
                right=_AN,
            ),
        ),
        context=("车牌", "牌照", "号牌", "车辆", "plate"),
        context_boost=0.3,
    ),
)
