"""Generalize: replace a value by a coarser one (date → year/month, age → band,
address → district, post code → prefix, number → range).

Values that do not parse become null rather than passing through: a generalization that
silently left the precise value in place would defeat its purpose.
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig

# 1990-01-31, 1990.1.31, 1990/01/31, 19900131, 1990년 1월 31일
DATE_RE = r"^\s*(\d{4})\s*(?:[-./년]\s*)?(\d{1,2})\s*(?:[-./월]\s*)?(\d{1,2})\s*일?\s*$"
_KR_DISTRICT = r"^((?:\S+\s+)*?\S+(?:구|군))(?:\s|$)"
_KR_CITY = r"^((?:\S+\s+)*?\S+시)(?:\s|$)"
_CN_DISTRICT = r"^(\S*?(?:区|县|旗))"
_CN_CITY = r"^(\S*?市)"


class GeneralizeConfig(OperatorConfig):
    operator: Literal["generalize"] = "generalize"
    kind: Literal["date", "age", "number", "address", "postcode"]
    to: Literal["year", "month"] = "year"  # date
    width: int = Field(default=10, ge=1)  # age, number
    top: int | None = Field(default=None, ge=1)  # age: top-code, e.g. 90 → "90+"
    keep: int = Field(default=3, ge=0)  # postcode: leading characters kept

    @model_validator(mode="after")
    def _top_on_band(self) -> GeneralizeConfig:
        if self.top is not None and self.top % self.width:
            raise ValueError("top must be a multiple of width so bands do not straddle it")
        return self


class Generalize(IrreversibleOperator):
    name = "generalize"

    def __init__(self, config: GeneralizeConfig) -> None:
        self.config = config

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        c = self.config
        match c.kind:
            case "date":
                year = col.str.extract(DATE_RE, 1)
                if c.to == "year":
                    return year
                month = col.str.extract(DATE_RE, 2).str.zfill(2)
                return (
                    pl.when(year.is_null())
                    .then(None)
                    .otherwise(pl.concat_str([year, month], separator="-"))
                )
            case "age" | "number":
                n = col.str.strip_chars().cast(pl.Int64, strict=False)
                lo = (n // c.width) * c.width
                band = pl.concat_str(
                    [lo.cast(pl.String), (lo + c.width - 1).cast(pl.String)], separator="-"
                )
                if c.top is not None:
                    band = pl.when(n >= c.top).then(pl.lit(f"{c.top}+")).otherwise(band)
                return pl.when(n.is_null() | (n < 0)).then(None).otherwise(band)
            case "address":
                return pl.coalesce(
                    col.str.extract(_KR_DISTRICT, 1),
                    col.str.extract(_CN_DISTRICT, 1),
                    col.str.extract(_KR_CITY, 1),
                    col.str.extract(_CN_CITY, 1),
                )
            case "postcode":
                v = col.str.strip_chars()
                return (
                    pl.when(v.str.len_chars() > c.keep).then(v.str.slice(0, c.keep)).otherwise(None)
                )
        raise AssertionError(c.kind)  # pragma: no cover
