"""The hot-path checksums agree with python-stdnum, the reference implementation."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.iso7064 import mod_11_2
from stdnum.kr import rrn

from jikimi.detect import checksums as cs


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_rrn_checksum_matches_stdnum(d: str) -> None:
    if cs.kr_rrn_birth_ok(d) and d[6] in "1234":
        assert cs.kr_rrn_checksum(d) == rrn.is_valid(d)


def test_rrn_checksum_matches_stdnum_on_valid_numbers() -> None:
    rnd = random.Random(3)
    agree = 0
    for _ in range(5000):
        body = f"{rnd.randint(0, 99):02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        body += str(rnd.choice("1234")) + "".join(rnd.choice("0123456789") for _ in range(5))
        for check in "0123456789":
            d = body + check
            assert cs.kr_rrn_checksum(d) == rrn.is_valid(d), d
            agree += cs.kr_rrn_checksum(d)
    assert agree > 4000  # most bodies have exactly one valid check digit


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789", min_size=2, max_size=19))
def test_luhn_matches_stdnum(d: str) -> None:
    assert cs.luhn_ok(d) == luhn.is_valid(d)


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_mod_11_2_matches_stdnum(body: str, check: str) -> None:
    v = "1" + body[1:] + check
    if cs.valid_date(int(v[6:10]), int(v[10:12]), int(v[12:14])) and 1880 <= int(v[6:10]) < 2020:
        assert cs.cn_ric_ok(v) == mod_11_2.is_valid(v)


def test_digits() -> None:
    assert cs.digits("900101-1234568") == "9001011234568"
    assert cs.digits("123") == "123"
    assert cs.digits("١٢٣") == ""  # Arabic-Indic digits are not ASCII digits


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@settings(max_examples=3000)
@given(st.text(alphabet=_USCC_CHARS, min_size=18, max_size=18))
def test_uscc_prefilter_never_rejects_what_stdnum_accepts(v: str) -> None:
    from stdnum.cn import uscc

    assert cs.cn_uscc_ok(v) == bool(uscc.is_valid(v))


def test_uscc_and_iban_known_values() -> None:
    for v in ("91110000600037341L", "91440300MA5DC1233X", "9131000013221297X9"):
        assert cs.cn_uscc_ok(v)
    assert not cs.cn_uscc_ok("91110000600037341K")
    assert cs.iban_ok("GB82 WEST 1234 5698 7654 32") and cs.iban_ok("DE89370400440532013000")
    assert not cs.iban_ok("GB82WEST12345698765433") and not cs.iban_ok("GB82-WEST")


@settings(max_examples=2000)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=30))
def test_iban_prefilter_matches_stdnum(v: str) -> None:
    from stdnum import iban

    assert cs.iban_ok(v) == bool(iban.is_valid(v))


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_ssn_prefilter_matches_stdnum(d: str) -> None:
    from stdnum.us import ssn

    assert cs.us_ssn_ok(d) == bool(ssn.is_valid(d))
    assert cs.us_ssn_ok(f"{d[:3]}-{d[3:5]}-{d[5:]}") == bool(ssn.is_valid(d))


@settings(max_examples=2000)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18))
def test_uscc_prefilter_matches_stdnum(v: str) -> None:
    from stdnum.cn import uscc

    assert cs.cn_uscc_ok(v) == bool(uscc.is_valid(v))


def test_mod97_rejects_what_is_not_alphanumeric() -> None:
    assert not cs.iban_ok("GB82 WEST 1234 5698 7654 3½")
    assert not cs.iban_ok("GB82-WEST-1234-5698-7654-32")
