"""Context scoring: words around a candidate that make it more or less likely.

Matching is a case-insensitive substring test over a small window, which is what
Korean and Chinese text needs (labels are often glued to the value:
``주민번호:900101-...``, ``身份证号码440304...``). Latin-script words must stand alone
("ip" must not fire inside "ship"). When both a supporting and a contradicting word are
present, the nearer one wins: in "생년월일 ... order 900101..." the order label labels the number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Window:
    """The lower-cased text before and after a candidate."""

    before: str
    after: str


def window_of(text: str, start: int, end: int, width: int) -> Window:
    return Window(text[max(0, start - width) : start].lower(), text[end : end + width // 2].lower())


def _standalone(hay: str, i: int, word: str) -> bool:
    if not word[0].isascii():
        return True
    if i > 0 and hay[i - 1].isascii() and hay[i - 1].isalnum():
        return False
    j = i + len(word)
    return not (j < len(hay) and hay[j].isascii() and hay[j].isalnum())


def nearest(win: Window, words: tuple[str, ...]) -> tuple[str, int] | None:
    """The word of ``words`` nearest to the candidate and its distance in characters."""
    best: tuple[str, int] | None = None
    for w in words:
        i = win.before.rfind(w)
        while i >= 0 and not _standalone(win.before, i, w):
            i = win.before.rfind(w, 0, i)
        if i >= 0:
            d = len(win.before) - i - len(w)
            if best is None or d < best[1]:
                best = (w, d)
        j = win.after.find(w)
        while j >= 0 and not _standalone(win.after, j, w):
            j = win.after.find(w, j + 1)
        if j >= 0 and (best is None or j < best[1]):
            best = (w, j)
    return best
