"""The IPv4 fast path decides exactly as ``ipaddress`` does."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from jikimi.detect.generic import _ip
from jikimi.detect.recognizer import Verdict

octet = st.one_of(
    st.integers(0, 999).map(str),
    st.integers(0, 99).map(lambda n: f"0{n}"),
    st.sampled_from(["", "00", "256", "255", "0", "١٢", "1a"]),
)


def _reference(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@settings(max_examples=3000)
@given(st.lists(octet, min_size=3, max_size=5).map(".".join))
def test_ipv4_fast_path_agrees_with_ipaddress(value: str) -> None:
    assert (_ip(value) is Verdict.VALID) == _reference(value)


def test_ipv4_examples() -> None:
    assert _ip("192.168.0.1") is Verdict.VALID
    assert _ip("255.255.255.255") is Verdict.VALID
    assert _ip("256.1.1.1") is Verdict.INVALID
    assert _ip("01.2.3.4") is Verdict.INVALID  # leading zeros are ambiguous (octal)
    assert _ip("1.2.3") is Verdict.INVALID
