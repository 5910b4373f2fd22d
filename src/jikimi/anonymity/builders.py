"""Hierarchies built from the data for common kinds of quasi-identifier.

Every builder takes the distinct values that occur and returns a :class:`Hierarchy` that
covers exactly them, so a built hierarchy can never miss a value. Each level must nest in the
one above (a 5-year band inside a 10-year band), which the builders check before returning.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from jikimi.anonymity.errors import HierarchyError
from jikimi.anonymity.hierarchy import Hierarchy

TOP = "*"


def _distinct(values: Iterable[object]) -> list[str]:
    return sorted({str(value) for value in values if value is not None})


def _with_top(attribute: str, paths: dict[str, list[str]]) -> Hierarchy:
    """Append the ``*`` level unless the last level already has a single label."""
    last = {path[-1] for path in paths.values()}
    rows = [[value, *path] for value, path in paths.items()]
    if len(last) > 1 or not rows or rows[0][-1] != TOP:
        rows = [[*row, TOP] for row in rows]
    return Hierarchy.from_rows(attribute, rows)


def flat_hierarchy(attribute: str, values: Iterable[object]) -> Hierarchy:
    """Value or nothing: the fallback for a categorical column without groups."""
    return Hierarchy.from_rows(attribute, ([value, TOP] for value in _distinct(values)))


def _number(text: str, attribute: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise HierarchyError(f"column {attribute!r} has a value that is not a number") from None
    if not math.isfinite(number):
        raise HierarchyError(f"column {attribute!r} has a value that is not a finite number")
    return number


def interval_hierarchy(
    attribute: str, values: Iterable[object], widths: Sequence[float] = (5, 10, 20)
) -> Hierarchy:
    """Numbers into nested intervals, e.g. ages 37 → ``35-39`` → ``30-39`` → ``20-39`` → ``*``.

    Each width must be a whole multiple of the previous one so that the intervals nest.
    Integer data gets closed labels (``35-39``), other data half-open ones (``[35, 40)``).
    """
    if not widths or any(width <= 0 for width in widths):
        raise HierarchyError(f"interval widths for {attribute!r} must be positive")
    for smaller, larger in itertools.pairwise(widths):
        ratio = larger / smaller
        if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
            raise HierarchyError(
                f"interval widths for {attribute!r} must each be a multiple of the one before"
            )
    distinct = _distinct(values)
    numbers = {text: _number(text, attribute) for text in distinct}
    integral = all(float(n).is_integer() for n in numbers.values()) and all(
        float(w).is_integer() for w in widths
    )
    paths: dict[str, list[str]] = {}
    for text, number in numbers.items():
        path = []
        for width in widths:
            low = math.floor(number / width) * width
            if integral:
                path.append(f"{int(low)}-{int(low + width - 1)}")
            else:
                path.append(f"[{low:g}, {low + width:g})")
        paths[text] = path
    return _with_top(attribute, paths)


def _parse_date(text: str, formats: Sequence[str]) -> date:
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise HierarchyError("a date value does not match the expected formats")


def date_hierarchy(
    attribute: str,
    values: Iterable[object],
    formats: Sequence[str] = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"),
    decade: bool = False,
) -> Hierarchy:
    """Dates into ``YYYY-MM`` then ``YYYY`` (then the decade, if asked), then ``*``."""
    paths: dict[str, list[str]] = {}
    for text in _distinct(values):
        try:
            day = _parse_date(text, formats)
        except HierarchyError:
            raise HierarchyError(f"column {attribute!r} has a value that is not a date") from None
        path = [f"{day.year:04d}-{day.month:02d}", f"{day.year:04d}"]
        if decade:
            path.append(f"{day.year // 10 * 10}s")
        paths[text] = path
    return _with_top(attribute, paths)


def postcode_hierarchy(
    attribute: str, values: Iterable[object], steps: int | None = None
) -> Hierarchy:
    """Postcodes by prefix: ``06236`` → ``0623*`` → ``062**`` → … (one digit per level).

    ``steps`` limits how many digits are masked before ``*``; codes of different lengths
    are allowed and mask towards the same top.
    """
    distinct = _distinct(values)
    longest = max((len(text) for text in distinct), default=0)
    count = longest - 1 if steps is None else steps
    paths: dict[str, list[str]] = {}
    for text in distinct:
        path = []
        for masked in range(1, count + 1):
            keep = max(len(text) - masked, 0)
            path.append(text[:keep] + "*" * (len(text) - keep) if keep else TOP)
        paths[text] = path
    return _with_top(attribute, paths)


def grouping_hierarchy(
    attribute: str, values: Iterable[object], groups: Sequence[Mapping[str, str]]
) -> Hierarchy:
    """Categorical values by user-given groups, one mapping per level.

    ``groups[0]`` maps each value to its group, ``groups[1]`` maps each group to a larger
    one, and so on; ``*`` is added on top.
    """
    paths: dict[str, list[str]] = {}
    for text in _distinct(values):
        path: list[str] = []
        current = text
        for level, mapping in enumerate(groups, start=1):
            if current not in mapping:
                raise HierarchyError(
                    f"grouping for {attribute!r} does not place every label of level "
                    f"{level - 1} into a group on level {level}"
                )
            current = str(mapping[current])
            path.append(current)
        paths[text] = path
    return _with_top(attribute, paths)


# --- addresses --------------------------------------------------------------------------

_KR_PROVINCES = {
    "서울": "서울특별시", "부산": "부산광역시", "대구": "대구광역시", "인천": "인천광역시",
    "광주": "광주광역시", "대전": "대전광역시", "울산": "울산광역시", "세종": "세종특별자치시",
    "경기": "경기도", "강원": "강원특별자치도", "강원도": "강원특별자치도", "충북": "충청북도",
    "충남": "충청남도", "전북": "전북특별자치도", "전라북도": "전북특별자치도", "전남": "전라남도",
    "경북": "경상북도", "경남": "경상남도", "제주": "제주특별자치도", "제주도": "제주특별자치도",
}  # fmt: skip


def _kr_parts(address: str) -> tuple[str, str, str]:
    """시·도, 시·군·구 (with 일반구 such as 성남시 분당구), 읍·면·동 or road name."""
    tokens = address.split()
    if not tokens:
        return ("?", "?", "?")
    province = _KR_PROVINCES.get(tokens[0], tokens[0])
    rest = tokens[1:]
    city = rest[0] if rest else "?"
    used = 1
    if len(rest) > 1 and city.endswith("시") and rest[1].endswith("구"):
        city = f"{city} {rest[1]}"
        used = 2
    if province == "세종특별자치시":
        city, used = "세종특별자치시", 0
    district = rest[used] if len(rest) > used else "?"
    return (province, city, district)


_CN_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_CN_PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区))")
_CN_CITY = re.compile(r"^(.+?(?:自治州|地区|盟|市))")
_CN_DISTRICT = re.compile(r"^(.+?(?:自治县|区|县|旗|市))")


def _cn_parts(address: str) -> tuple[str, str, str]:
    """省 (or 直辖市), 市 / 自治州, 区 / 县."""
    text = re.sub(r"\s+", "", address)
    for name in _CN_MUNICIPALITIES:
        if text.startswith(name):
            province = name + "市"
            rest = text[len(province) :] if text.startswith(province) else text[len(name) :]
            district = _CN_DISTRICT.match(rest)
            part = district.group(1) if district else "?"
            return (province, province, part)
    province_match = _CN_PROVINCE.match(text)
    if not province_match:
        return ("?", "?", "?")
    province = province_match.group(1)
    rest = text[len(province) :]
    city_match = _CN_CITY.match(rest)
    if not city_match:
        return (province, "?", "?")
    city = city_match.group(1)
    district_match = _CN_DISTRICT.match(rest[len(city) :])
    return (province, city, district_match.group(1) if district_match else "?")


def address_hierarchy(attribute: str, values: Iterable[object], country: str = "kr") -> Hierarchy:
    """Korean or Chinese addresses into district, city and province levels, then ``*``.

    A part that cannot be read becomes ``?`` under its parent, so the levels still nest.
    """
    parse = {"kr": _kr_parts, "cn": _cn_parts}.get(country.lower())
    if parse is None:
        raise HierarchyError(f"address hierarchies exist for 'kr' and 'cn', not {country!r}")
    separator = " " if country.lower() == "kr" else ""
    paths: dict[str, list[str]] = {}
    for text in _distinct(values):
        province, city, district = parse(text)
        city_label = city if city == province else separator.join((province, city))
        paths[text] = [separator.join((city_label, district)), city_label, province]
    return _with_top(attribute, paths)


BUILDERS = ("interval", "date", "postcode", "address-kr", "address-cn", "flat")


def build_hierarchy(attribute: str, values: Iterable[object], spec: str) -> Hierarchy:
    """Build from a short textual spec, as the command line takes it.

    ``interval:5,10,20`` · ``date`` · ``date:decade`` · ``postcode`` · ``postcode:3`` ·
    ``address-kr`` · ``address-cn`` · ``flat``.
    """
    kind, _, argument = spec.partition(":")
    kind = kind.strip().lower()
    if kind == "interval":
        try:
            widths = [float(part) for part in argument.split(",")] if argument else [5, 10, 20]
        except ValueError:
            raise HierarchyError(f"interval widths for {attribute!r} must be numbers") from None
        return interval_hierarchy(attribute, values, widths)
    if kind == "date":
        return date_hierarchy(attribute, values, decade=argument == "decade")
    if kind == "postcode":
        try:
            steps = int(argument) if argument else None
        except ValueError:
            raise HierarchyError(f"postcode steps for {attribute!r} must be a number") from None
        return postcode_hierarchy(attribute, values, steps)
    if kind in ("address-kr", "address-cn"):
        return address_hierarchy(attribute, values, kind.rsplit("-", 1)[1])
    if kind == "flat":
        return flat_hierarchy(attribute, values)
    raise HierarchyError(f"unknown hierarchy kind {kind!r}; known: {', '.join(BUILDERS)}")
