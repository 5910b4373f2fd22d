"""Model-based person names for Korean and Chinese free text (the ``[ner]`` extra).

The pattern recognizers in :mod:`jikimi.detect.names` only report a name that carries
evidence in its shape: a label, an honorific, a chat header. A bare name in running text
("어제 김민수가 다녀갔어요", "麻烦转告张伟一声") needs a model that knows words: Kiwi
(kiwipiepy, whose model ships on PyPI as kiwipiepy-model) tags Korean proper nouns, jieba
(its dictionary ships in the wheel) tags Chinese person names. Neither downloads anything
at run time.

A tagger's proposal is only a candidate. It becomes a finding when it also has the shape
of a name in jikimi's own word lists: a known family name, then given-name syllables or
characters that people are actually named with, two to four syllables or characters, and
not a listed common word. Models tag shops, stations and dishes as proper nouns; the
lists keep those out.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from jikimi.detect.data import words
from jikimi.detect.names import ko_name_tail_ok, zh_given_ok
from jikimi.errors import UsageError

NER_SCORE = 0.6  # above the default min_score: a model's word plus the name lists

_HANGUL = re.compile("[가-힣]")
_HANGUL_RUN = re.compile("[가-힣]*")
_HANGUL_WORD = re.compile("[가-힣]+")
_CONTEXT_CHARS = 10  # Kiwi sees this much on either side of a plausible word, then to a space
_HAN = re.compile("[\u4e00-\u9fff]")
_KO_SURNAMES = frozenset(words("ko_surnames"))
_KO_GIVEN = frozenset(words("ko_given_syllables"))
_KO_STOP = frozenset(words("ko_stopwords"))
_ZH_SURNAMES = frozenset(words("zh_surnames"))
_ZH_STOP = frozenset(words("zh_stopwords"))
# Places are the proper nouns models most often hand us: a name must not be one, with or
# without its administrative suffix (안동 = 안동시, 金山 = 金山区).
_KO_PLACE_SUFFIX = frozenset("시군구동읍면리로길역도")
_KO_PLACES = frozenset(words("kr_sigungu")) | frozenset(words("kr_sido"))
_ZH_PLACE_SUFFIX = ("", "市", "县", "区", "镇", "省")
_ZH_PLACES = frozenset(words("cn_cities")) | frozenset(words("cn_districts"))
# Inside an address a model's "name" is a street or a compound's first half: 余杭区[文一]西路.
_ZH_AFTER_PLACE = frozenset("省市区县镇乡村路街道")
_ZH_BEFORE_PLACE = frozenset("路街巷弄号村楼栋室")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A name a tagger found: code-point span in the text it was given, and why."""

    start: int
    end: int
    why: str


class NameTagger(Protocol):
    """Finds person names in text of one script; used by :class:`~jikimi.detect.engine.Engine`."""

    name: str  # the recognizer name findings carry
    score: float  # the score its findings get

    def names(self, text: str) -> list[Proposal]:
        """Every person name in ``text`` (code-point offsets into it)."""
        ...


def _family_given(value: str, surnames: frozenset[str], given_ok: Callable[[str], bool]) -> bool:
    """A family name (compound ones first) then one or two given-name syllables or
    characters people are named with."""
    for n in (2, 1):
        if len(value) > n and value[:n] in surnames:
            rest = value[n:]
            return len(rest) <= 2 and given_ok(rest)
    return False


def _ko_given_ok(given: str) -> bool:
    return all(c in _KO_GIVEN for c in given)


def ko_name_shape(value: str) -> bool:
    """Whether ``value`` looks like a Korean personal name to jikimi's word lists."""
    if not 2 <= len(value) <= 4 or value in _KO_STOP or _HANGUL.sub("", value):
        return False
    if (len(value) > 2 and value[-1] in _KO_PLACE_SUFFIX) or any(
        value + suffix in _KO_PLACES for suffix in ("", "시", "군", "구")
    ):
        return False
    return _family_given(value, _KO_SURNAMES, _ko_given_ok)


def zh_name_shape(value: str) -> bool:
    """Whether ``value`` looks like a Chinese personal name to jikimi's word lists."""
    if not 2 <= len(value) <= 4 or value in _ZH_STOP or _HAN.sub("", value):
        return False
    if any(value + suffix in _ZH_PLACES for suffix in _ZH_PLACE_SUFFIX):
        return False
    return _family_given(value, _ZH_SURNAMES, zh_given_ok)


_SEGMENT_CHARS = 512  # a model's slice of a long line; cut after a space or punctuation
_CUT_AFTER = frozenset(" \t.,!?;:。，！？；：、)")


def _lines_with(text: str, script: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(offset, piece) for the lines of ``text`` that hold a character of ``script``.

    Taggers cost microseconds per character; most lines of a mixed log are in another
    script or carry no letters at all, and are not worth a model's time. Lines longer
    than a few hundred characters (minified JSON, a paragraph without breaks) are cut
    after a space or punctuation mark: models slow down on very long inputs, and a
    name never spans a sentence break.
    """
    pos = 0
    for line in text.splitlines(keepends=True):
        if script.search(line):
            at = 0
            while len(line) - at > _SEGMENT_CHARS:
                cut = at + _SEGMENT_CHARS
                while cut > at + _SEGMENT_CHARS // 2 and line[cut - 1] not in _CUT_AFTER:
                    cut -= 1
                if line[cut - 1] not in _CUT_AFTER:
                    cut = at + _SEGMENT_CHARS  # no break point: a hard cut
                if script.search(line, at, cut):
                    yield pos + at, line[at:cut]
                at = cut
            if script.search(line, at):
                yield pos + at, line[at:]
        pos += len(line)


class _Lazy:
    """A model loaded on first use, once per process, behind a lock (threads share it)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._model: Any = None

    def get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model


def _missing(package: str) -> UsageError:
    return UsageError(f"model-based name detection needs {package}: pip install 'jikimi[ner]'")


def _load_kiwi() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        raise _missing("kiwipiepy") from None
    return Kiwi()


def _load_jieba() -> Any:
    try:
        import jieba
        import jieba.posseg
    except ImportError:
        raise _missing("jieba") from None
    jieba.setLogLevel(60)  # no "Building prefix dict" chatter on stderr
    tokenizer = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tokenizer.initialize()
    return tokenizer


_KIWI = _Lazy(_load_kiwi)
_JIEBA = _Lazy(_load_jieba)


def _ko_word_ok(line: str, start: int, end: int) -> bool:
    """A name opens its word and is followed in it only by a title or particle."""
    if start and _HANGUL.match(line, start - 1):
        return False
    m = _HANGUL_RUN.match(line, end)
    rest = m.group() if m else ""
    if rest in ("로", "길") and line[end + len(rest) :].lstrip()[:1].isdigit():
        return False  # a road: 강남구 [테헤란]로 152
    return ko_name_tail_ok(rest)


def _zh_place_free(line: str, start: int, end: int) -> bool:
    """Not wedged into an address: after 省/市/区…, or before 路/号/楼…, 西路, 大街."""
    if start and line[start - 1] in _ZH_AFTER_PLACE:
        return False
    nxt = line[end : end + 2]
    return not (nxt[:1] in _ZH_BEFORE_PLACE or (len(nxt) == 2 and nxt[1] in "路街道"))


def _ko_plausible(line: str) -> Iterator[tuple[int, int]]:
    """Spans to show Kiwi: each word that could open with a name, with its surroundings.

    About one Korean word in twenty could (family name + given-name syllables + a tail a
    name takes); Kiwi, at a few microseconds per character, only reads those words and
    about ten characters on either side (widened to whole words), which is context
    enough to tell a name from a noun.
    """
    lo = hi = -1
    for m in _HANGUL_WORD.finditer(line):
        s, e = m.span()
        value = m.group()
        if not any(
            ko_name_shape(value[:n]) and _ko_word_ok(line, s, s + n)
            for n in (2, 3, 4)
            if n <= len(value)
        ):
            continue
        ws, we = max(0, s - _CONTEXT_CHARS), min(len(line), e + _CONTEXT_CHARS)
        while ws > 0 and not line[ws - 1].isspace():
            ws -= 1
        while we < len(line) and not line[we].isspace():
            we += 1
        if lo >= 0 and ws <= hi:
            hi = max(hi, we)
            continue
        if lo >= 0:
            yield lo, hi
        lo, hi = ws, we
    if lo >= 0:
        yield lo, hi


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with those that touch (one ends where the next starts) merged."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class KoreanNameTagger:
    """Kiwi's proper nouns (NNP) that have the shape of a Korean name.

    Kiwi sometimes splits a name into family and given name (박 + 지훈): adjacent proper
    nouns with nothing between them are joined before the shape test.
    """

    name = "ner-ko-kiwi"
    score = NER_SCORE

    def names(self, text: str) -> list[Proposal]:
        kiwi = _KIWI.get()
        out: list[Proposal] = []
        for base, line in _lines_with(text, _HANGUL):
            for ws, we in _ko_plausible(line):
                nnp = [
                    (ws + t.start, ws + t.start + t.len)
                    for t in kiwi.tokenize(line[ws:we])
                    if t.tag == "NNP"
                ]
                for s, e in _joined(nnp):
                    if _ko_word_ok(line, s, e) and ko_name_shape(line[s:e]):
                        out.append(Proposal(base + s, base + e, "ner:kiwi:NNP"))
        return out


class ChineseNameTagger:
    """jieba's person names (``nr``) that have the shape of a Chinese name."""

    name = "ner-zh-jieba"
    score = NER_SCORE

    def names(self, text: str) -> list[Proposal]:
        tokenizer = _JIEBA.get()
        out: list[Proposal] = []
        for base, line in _lines_with(text, _HAN):
            pos = 0
            for pair in tokenizer.cut(line, HMM=True):
                word, flag = pair.word, pair.flag
                end = pos + len(word)
                if flag == "nr" and _zh_place_free(line, pos, end) and zh_name_shape(word):
                    out.append(Proposal(base + pos, base + end, "ner:jieba:nr"))
                pos = end
        return out


_TAGGERS: dict[str, tuple[str, Callable[[], NameTagger]]] = {
    "ko": ("kiwipiepy", KoreanNameTagger),
    "zh": ("jieba", ChineseNameTagger),
}


def taggers_for(languages: frozenset[str] | None) -> tuple[NameTagger, ...]:
    """The model taggers for these languages (None: all); English has none (its given-name
    and surname lists already find bare names). A missing package is a
    :class:`UsageError` naming the extra, raised here rather than mid-scan."""
    langs = sorted(_TAGGERS) if languages is None else sorted(languages & _TAGGERS.keys())
    missing = [_TAGGERS[k][0] for k in langs if importlib.util.find_spec(_TAGGERS[k][0]) is None]
    if missing:
        raise _missing(" and ".join(missing))
    return tuple(_TAGGERS[k][1]() for k in langs)


__all__ = [
    "NER_SCORE",
    "ChineseNameTagger",
    "KoreanNameTagger",
    "NameTagger",
    "Proposal",
    "ko_name_shape",
    "taggers_for",
    "zh_name_shape",
]
