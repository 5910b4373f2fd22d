"""The metadata fast path never accepts a number phonenumbers rejects, and the phone
validator as a whole answers exactly as phonenumbers' parse + is_valid_number."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from jikimi.detect.phone import _valid, clear_cache, national_valid

SHAPES = {
    "KR": ["010-{4}-{4}", "011-{3}-{4}", "02-{3}-{4}", "02-{4}-{4}", "031-{3}-{4}",
           "051-{4}-{4}", "070-{4}-{4}", "0505-{3}-{4}", "(02) {3}-{4}", "010{8}",
           "064-{3}-{4}", "080-{3}-{4}", "060-{3}-{4}"],
    "CN": ["1{10}", "13{1} {4} {4}", "15{1}-{4}-{4}", "010-{8}", "021-{8}", "0755-{8}",
           "0{3}-{7}", "(0{2}) {8}", "17{9}", "19{9}"],
    "US": ["({3}) {3}-{4}", "{3}-{3}-{4}", "{3}.{3}.{4}", "1 {3} {3} {4}"],
}  # fmt: skip


def _fill(shape: str, rnd: random.Random) -> str:
    out, i = [], 0
    while i < len(shape):
        if shape[i] == "{":
            j = shape.index("}", i)
            out.append("".join(rnd.choice("0123456789") for _ in range(int(shape[i + 1 : j]))))
            i = j + 1
        else:
            out.append(shape[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("region", sorted(SHAPES))
def test_fast_path_matches_phonenumbers(region: str) -> None:
    rnd = random.Random(region)
    valid = 0
    for _ in range(4000):
        number = _fill(rnd.choice(SHAPES[region]), rnd)
        try:
            expected = phonenumbers.is_valid_number(phonenumbers.parse(number, region))
        except phonenumbers.NumberParseException:
            expected = False
        if national_valid(number, region):
            assert expected, number  # the fast path never accepts what phonenumbers rejects
        assert _valid(number, region) == expected, number
        valid += expected
    assert valid > 400  # the sample exercises both outcomes


@pytest.mark.parametrize(("cc", "region"), [("82", "KR"), ("86", "CN")])
def test_international_fast_path_matches_phonenumbers(cc: str, region: str) -> None:
    rnd = random.Random(cc)
    for _ in range(3000):
        national = _fill(rnd.choice(SHAPES[region]), rnd)
        sep = rnd.choice([" ", "-", "", " (0)"])
        number = f"+{cc}{sep}{national.lstrip('0')}"
        try:
            expected = phonenumbers.is_valid_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            expected = False
        assert _valid(number, None) == expected, number


def test_clear_cache_forgets_validated_numbers() -> None:
    assert _valid("010-2345-6789", "KR")
    assert _valid.cache_info().currsize > 0
    clear_cache()
    assert _valid.cache_info().currsize == 0
    assert _valid("010-2345-6789", "KR")  # still answers the same after forgetting
