"""Redact, replace, generalize, date shift, hashing; the operator table and its types."""

import datetime as dt
import pickle

import polars as pl
import pytest
from pydantic import ValidationError

from jikimi.keys import MemoryKeyStore
from jikimi.transform import (
    OPERATORS,
    FieldContext,
    IrreversibleOperator,
    OperatorConfigError,
    ReversibleOperator,
    build_operator,
)
from jikimi.transform.dateshift import DateShift, DateShiftConfig
from jikimi.transform.generalize import Generalize, GeneralizeConfig
from jikimi.transform.hashing import Hash, HashConfig, PasswordHash, PasswordHashConfig
from jikimi.transform.redact import Redact, RedactConfig
from jikimi.transform.replace import Replace, ReplaceConfig

KEYS = MemoryKeyStore()


def test_redact_and_replace():
    assert Redact().protect(["a", None]) == ["", None]
    assert Redact(RedactConfig(text="[X]")).protect(["a"]) == ["[X]"]
    ctx = FieldContext(entity="PHONE")
    assert Replace().protect(["010"], ctx) == ["<PHONE>"]
    assert Replace(ReplaceConfig(language="ko")).protect(["010"], ctx) == ["<전화번호>"]
    assert Replace(ReplaceConfig(template="[{label}]")).protect(
        ["x"], FieldContext(column="tel")
    ) == ["[tel]"]


@pytest.mark.parametrize(
    ("cfg", "values", "expected"),
    [
        ({"kind": "date", "to": "year"}, ["1990-01-31", "19900131", "bad"], ["1990", "1990", None]),
        ({"kind": "date", "to": "month"}, ["1990.1.31", "1990년 1월 31일"], ["1990-01", "1990-01"]),
        (
            {"kind": "age", "width": 10, "top": 90},
            ["37", "9", "95", "x"],
            ["30-39", "0-9", "90+", None],
        ),
        ({"kind": "number", "width": 1000}, ["12345"], ["12000-12999"]),
        (
            {"kind": "address"},
            [
                "서울특별시 서초구 서초동 123",
                "广东省深圳市南山区科技园88号",
                "경기도 수원시 팔달구 효원로 1",
            ],
            ["서울특별시 서초구", "广东省深圳市南山区", "경기도 수원시 팔달구"],
        ),
        ({"kind": "postcode", "keep": 3}, ["06236", "12"], ["062", None]),
    ],
)
def test_generalize(cfg, values, expected):
    assert Generalize(GeneralizeConfig(**cfg)).protect(values) == expected


def test_generalize_rejects_straddling_top():
    with pytest.raises(ValidationError):
        GeneralizeConfig(kind="age", width=10, top=85)


def test_date_shift_keeps_intervals_within_subject():
    df = pl.DataFrame(
        {"sid": ["a", "a", "b", "b"], "d": ["2020-01-01", "2020-03-01", "2020-01-01", "2020-03-01"]}
    )
    op = DateShift(DateShiftConfig(subject_column="sid", max_days=30), KEYS)
    out = df.with_columns(op.protect_expr(pl.col("d"), FieldContext(column="d")).alias("d"))
    dates = [dt.date.fromisoformat(v) for v in out["d"]]
    assert dates[1] - dates[0] == dt.timedelta(days=60) == dates[3] - dates[2]
    for got in dates[::2]:
        assert 1 <= abs((got - dt.date(2020, 1, 1)).days) <= 30
    again = df.with_columns(op.protect_expr(pl.col("d"), FieldContext(column="d")).alias("d"))
    assert again.equals(out)
    other = DateShift(DateShiftConfig(subject_column="sid", max_days=3650), MemoryKeyStore())
    assert not df.with_columns(other.protect_expr(pl.col("d"), FieldContext()).alias("d")).equals(
        out
    )
    assert op.needs_columns(FieldContext()) == ("sid",)


def test_date_shift_is_stable_across_rotation():
    store = MemoryKeyStore()
    op = DateShift(DateShiftConfig(), store)
    before = op.protect(["2020-05-05"], FieldContext(column="d"))
    store.rotate()
    assert op.protect(["2020-05-05"], FieldContext(column="d")) == before


def test_hash_is_salted_and_deterministic():
    a = Hash(HashConfig(salt="s1")).protect(["x", "x"])
    assert a[0] == a[1] and len(a[0]) == 64
    assert Hash(HashConfig(salt="s2")).protect(["x"]) != a[:1]
    with pytest.raises(ValidationError):
        HashConfig()
    with pytest.raises(OperatorConfigError):
        Hash(HashConfig(salt_env="JIKIMI_TEST_UNSET_SALT"))


def test_password_hash_random_salt_and_verify():
    op = PasswordHash(PasswordHashConfig(log2_n=10))
    a, b = op.protect(["pw", "pw"])
    assert a != b and a.startswith("$scrypt$ln=10,")
    assert op.verify("pw", a) and not op.verify("px", a) and not op.verify("pw", "junk")


def test_reversibility_is_in_the_type():
    reversible = {n for n, s in OPERATORS.items() if s.reversible}
    assert reversible == {"fpe", "encrypt"}
    for name, spec in OPERATORS.items():
        cfg = spec.config() if name not in ("generalize", "hash") else None
        if cfg is None:
            continue
        op = build_operator(cfg, KEYS)
        assert isinstance(op, ReversibleOperator) == spec.reversible
        assert isinstance(op, IrreversibleOperator) != spec.reversible
        assert op.reversible == spec.reversible and op.name == name
        assert not hasattr(op, "reveal_expr") or spec.reversible


def test_keyed_operator_without_keys():
    from jikimi.transform.token import TokenConfig

    with pytest.raises(OperatorConfigError, match="needs a keyring"):
        build_operator(TokenConfig())


def test_operators_do_not_pickle_keys():
    from jikimi.transform.encrypt import Encrypt, EncryptConfig

    with pytest.raises(TypeError):
        pickle.dumps(Encrypt(EncryptConfig(), KEYS))
