"""Breach notices and regulator reports in Korean, Chinese and English, from templates.

Templates are plain files beside this module (``subjects.ko.txt``, ``regulator.zh.txt`` ...)
so a privacy officer can review the wording without reading code. Values come from the
incident record only (categories, counts, times) - never from leaked data itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from jikimi.catalog import CATALOG
from jikimi.ledger.errors import IncidentError
from jikimi.ledger.obligations import CN_TZ, KR_TZ, IncidentFacts, Law, Obligation
from jikimi.types import EntityId

LANGS = ("ko", "zh", "en")
KINDS = ("subjects", "regulator")
_DIR = Path(__file__).with_name("templates")
LAW_LANG = {Law.PIPA: "ko", Law.PIPL: "zh", Law.GDPR: "en"}
_CAUSE = {
    "ko": {
        "external_attack": "외부의 불법 접근(해킹)",
        "insider": "내부자에 의한 유출",
        "loss": "분실·도난",
        "misdelivery": "오발송",
        "other": "기타",
    },
    "zh": {
        "external_attack": "外部非法入侵",
        "insider": "内部人员泄露",
        "loss": "丢失或被盗",
        "misdelivery": "误发送",
        "other": "其他",
    },
    "en": {
        "external_attack": "unlawful access from outside",
        "insider": "insider disclosure",
        "loss": "loss or theft",
        "misdelivery": "sent to the wrong recipient",
        "other": "other",
    },
}
_UNKNOWN = {"ko": "확인 중", "zh": "正在核实", "en": "under investigation"}


@dataclass(frozen=True, slots=True)
class Notice:
    """A rendered notice: which obligation it serves, in which language, and its text."""

    key: str
    lang: str
    text: str


@cache
def _template(kind: str, lang: str) -> Template:
    return Template((_DIR / f"{kind}.{lang}.txt").read_text(encoding="utf-8"))


def category_label(category: str, lang: str) -> str:
    """Entity ids get their catalogue name in ``lang``; ledger categories stay as written."""
    try:
        entry = CATALOG.get(EntityId(category))
    except ValueError:
        entry = None
    if entry is None:
        return category
    return {"ko": entry.name_ko, "zh": entry.name_zh}.get(lang, entry.name_en)


def _when(at: datetime | None, tz: str, lang: str) -> str:
    if at is None:
        return _UNKNOWN[lang]
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z (UTC%z)")


def render(facts: IncidentFacts, kind: str, lang: str, obligation: Obligation | None = None) -> str:
    """Render one notice (``kind`` = subjects | regulator) in ``lang`` (ko | zh | en)."""
    if kind not in KINDS:
        raise IncidentError(f"notice kind must be one of {', '.join(KINDS)}")
    if lang not in LANGS:
        raise IncidentError(f"notice language must be one of {', '.join(LANGS)}")
    tz = obligation.tz if obligation else {"ko": KR_TZ, "zh": CN_TZ}.get(lang, facts.authority_tz)
    sep = ", " if lang == "en" else "、" if lang == "zh" else ", "
    values = {
        "controller": facts.controller or "-",
        "contact": facts.contact or "-",
        "title": facts.title,
        "subject_count": f"{facts.subject_count:,}",
        "categories": sep.join(category_label(c, lang) for c in facts.categories) or "-",
        "occurred": _when(facts.occurred_at, tz, lang),
        "aware": _when(facts.aware_at, tz, lang),
        "cause": _CAUSE[lang][facts.cause.value],
        "found_how": facts.found_how or "-",
        "advice": facts.advice or "-",
        "measures": facts.measures or "-",
        "basis": obligation.basis if obligation else "-",
        "deadline": _when(obligation.due, tz, lang) if obligation and obligation.due else "-",
    }
    return _template(kind, lang).safe_substitute(values)


def notices_for(
    facts: IncidentFacts, obligations: list[Obligation], lang: str | None = None
) -> list[Notice]:
    """One notice per required obligation, in the law's language unless ``lang`` is given."""
    out = []
    for ob in obligations:
        if not ob.required:
            continue
        kind = "subjects" if ob.recipient in ("subjects", "individuals") else "regulator"
        use = lang or LAW_LANG[ob.law]
        out.append(Notice(ob.key, use, render(facts, kind, use, ob)))
    return out
