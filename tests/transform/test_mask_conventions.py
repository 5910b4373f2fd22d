"""Masks against shared/reference/masking-conventions.md (vectors in mask_vectors.json)."""

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jikimi.transform.base import FieldContext
from jikimi.transform.mask import PRESETS, Mask, MaskConfig

VECTORS = json.loads((Path(__file__).parent / "mask_vectors.json").read_text("utf-8"))


@pytest.mark.parametrize(("preset", "value", "expected"), VECTORS)
def test_convention(preset, value, expected):
    assert Mask(MaskConfig(preset=preset)).protect([value]) == [expected]


def test_every_preset_has_a_vector_or_is_generic():
    covered = {p for p, _, _ in VECTORS}
    assert set(PRESETS) - covered <= {"custom", "all", "kr-ci", "cn-account", "cn-waybill-name"}


def test_waybill_phone_hides_at_least_six_digits():
    for value in ("13812345678", "1381234567", "12345678", "1234567", "+8613812345678"):
        out = Mask(MaskConfig(preset="cn-waybill-phone")).protect([value])[0]
        national = value.removeprefix("+86")
        hidden = sum(1 for a, b in zip(national, out[-len(national) :], strict=True) if a != b)
        assert hidden >= min(6, sum(c.isdigit() for c in national))


def test_nulls_stay_null_and_lengths_kept():
    out = Mask(MaskConfig(preset="kr-phone")).protect(["010-1234-5678", None])
    assert out == ["010-****-5678", None]


def test_custom_char_and_counts():
    m = Mask(MaskConfig(preset="custom", keep_first=2, keep_last=2, char="●"))
    assert m.protect(["ABCDEFG"]) == ["AB●●●FG"]
    assert Mask(MaskConfig(preset="custom", hide_last=3)).protect(["12-3456"]) == ["12-3***"]
    # too short to keep that much: everything hidden rather than everything shown
    assert m.protect(["ABC"]) == ["***".replace("*", "●")]


def test_preserve_length_false_hides_length():
    m = Mask(MaskConfig(preset="kr-email", preserve_length=False))
    assert m.protect(["a_very_long_name@example.com"]) == ["a_*****@example.com"]


@pytest.mark.parametrize(
    "bad",
    [{"preset": "nope"}, {"char": "**"}, {"hide_last": 2, "keep_first": 1}, {"colour": "red"}],
)
def test_bad_config(bad):
    with pytest.raises(ValidationError):
        MaskConfig(**bad)


@given(st.text(alphabet=st.characters(categories=("Nd", "Lo", "Pd", "Zs")), max_size=30))
def test_masks_keep_length_and_separators(value):
    """Identifier masks never change separators or the code-point length."""
    for preset in ("card", "cn-id", "kr-account", "kr-brn"):
        out = Mask(MaskConfig(preset=preset)).protect([value])[0]
        norm = pl.Series([value]).str.normalize("NFKC")[0]
        assert len(out) == len(norm)
        assert all(a == b or b == "*" for a, b in zip(norm, out, strict=True))


def test_vectorised_on_a_column():
    df = pl.DataFrame({"p": ["010-1234-5678"] * 1000})
    out = df.select(Mask(MaskConfig(preset="kr-phone")).protect_expr(pl.col("p"), FieldContext()))
    assert out["p"].unique().to_list() == ["010-****-5678"]


@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=8))
def test_every_preset_survives_any_text(values):
    """No preset crashes on odd input (empty, lone '@', spaces); nulls stay null."""
    for preset in PRESETS:
        out = Mask(MaskConfig(preset=preset)).protect(values)
        assert [o is None for o in out] == [v is None for v in values]
