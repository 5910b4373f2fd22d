"""Hong Kong, Macau, Taiwan, Japanese and US identifiers."""

from __future__ import annotations

from jikimi.detect import checksums as cs
from jikimi.detect.recognizer import Pattern, Recognizer, Verdict
from jikimi.detect.words import ORDER_WORDS
from jikimi.types import EntityId

_AN = "0-9A-Za-z"


def _check(ok: bool) -> Verdict:
    return Verdict.VALID if ok else Verdict.INVALID


RECOGNIZERS: tuple[Recognizer, ...] = (
    Recognizer(
        "hk-id",
        EntityId.HK_ID,
        (
            Pattern(
                "hkid", r"[A-Z]{1,2}\d{6} ?(?:\([0-9A]\)|[0-9A])", 0.2, left=_AN, right=_AN + ")"
            ),
        ),
        validate=lambda v: _check(cs.hkid_ok(v)),
        valid_score=0.85,
        context=(
            "香港身份證",
            "香港身份证",
            "身份證",
            "hkid",
            "hong kong identity",
            "hk id",
            "홍콩",
        ),
        negative=(*ORDER_WORDS, "护照", "passport", "여권"),
    ),
    Recognizer(
        "mo-id",
        EntityId.MO_ID,
        (
            Pattern(
                "mo-bir",
                r"[157]/?\d{6}/?\(?\d\)?",
                0.05,
                left="0-9/",
                right="0-9)",
                needs_context=True,
            ),
        ),
        context=("澳门身份证", "澳門身份證", "澳门", "澳門", "macau", "macao", "bir"),
        negative=ORDER_WORDS,
        context_boost=0.6,
    ),
    Recognizer(
        "tw-id",
        EntityId.TW_ID,
        (Pattern("twid", r"[A-Z][1289]\d{8}", 0.2, left=_AN, right=_AN),),
        validate=lambda v: _check(cs.twid_ok(v)),
        valid_score=0.95,
        context=("身分證", "身分证", "統一編號", "台湾", "臺灣", "taiwan", "대만", "national id"),
        negative=ORDER_WORDS,
    ),
    Recognizer(
        "jp-my-number",
        EntityId.JP_MY_NUMBER,
        (Pattern("my-number", r"\d{4}[ -]?\d{4}[ -]?\d{4}", 0.02, needs_context=True),),
        validate=lambda v: _check(cs.jp_my_number_ok(v)),
        valid_score=0.3,
        context=(
            "マイナンバー",
            "個人番号",
            "my number",
            "mynumber",
            "마이넘버",
            "个人编号",
            "individual number",
        ),
        negative=ORDER_WORDS,
        context_boost=0.55,
    ),
    Recognizer(
        "us-ssn",
        EntityId.US_SSN,
        (
            Pattern("ssn-hyphen", r"\d{3}-\d{2}-\d{4}", 0.3, valid_score=0.55),
            Pattern("ssn-plain", r"\d{9}", 0.01, valid_score=0.1, needs_context=True),
            Pattern("ssn-spaced", r"\d{3} \d{2} \d{4}", 0.05, valid_score=0.3, needs_context=True),
        ),
        validate=lambda v: _check(cs.us_ssn_ok(v)),
        context=("ssn", "social security", "社会安全号", "사회보장번호"),
        negative=ORDER_WORDS,
        context_boost=0.5,
    ),
)
