"""Date shift: move every date of one subject by the same secret number of days.

Intervals within a subject's record survive (length of stay, age at visit) while the
calendar dates do not. The shift is derived from the key and the subject id (a column),
so it is stable across runs and tables; without a subject column all dates of the field
share one keyed shift. Shifted dates carry no key id, so (as for FPE) the shift uses the
pinned ``key_id`` or the store's oldest key, and rotation does not move anyone's dates.
It is typed irreversible: revealing is not offered.
"""

from __future__ import annotations

import hmac
from typing import Literal

import polars as pl
from pydantic import Field

from jikimi.keys import KeyStore
from jikimi.keys.subkeys import Subkeys
from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig
from jikimi.transform.generalize import DATE_RE


class DateShiftConfig(OperatorConfig):
    operator: Literal["date_shift"] = "date_shift"
    max_days: int = Field(default=365, ge=1, le=36500)
    subject_column: str | None = None
    key_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{8}$")


class DateShift(IrreversibleOperator):
    name = "date_shift"
    keyed = True

    def __init__(self, config: DateShiftConfig, keys: KeyStore) -> None:
        self.config = config
        self._store = keys
        self._keys = Subkeys(keys, "date-shift")

    def needs_columns(self, ctx: FieldContext) -> tuple[str, ...]:
        subject = self.config.subject_column or ctx.subject_column
        return (subject,) if subject else ()

    def _shift_of(self, sub: bytes, subject: str) -> int:
        """A shift in [-max_days, -1] or [1, max_days]: never zero, never the real date."""
        m = self.config.max_days
        r = int.from_bytes(hmac.digest(sub, subject.encode(), "sha256")[:8], "big") % (2 * m)
        return r - m if r < m else r - m + 1

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        ids = self._store.key_ids()
        sub = self._keys.get(
            self.config.key_id or (ids[0] if ids else self._store.primary().key_id)
        )
        subject_col = self.config.subject_column or ctx.subject_column
        if subject_col:

            def shifts(s: pl.Series) -> pl.Series:
                uniq = s.drop_nulls().unique()
                days = pl.Series([self._shift_of(sub, v) for v in uniq.to_list()], dtype=pl.Int64)
                return s.replace_strict(uniq, days, default=0, return_dtype=pl.Int64)

            days = (
                pl.col(subject_col)
                .cast(pl.String)
                .map_batches(shifts, return_dtype=pl.Int64, is_elementwise=True)
            )
        else:
            days = pl.lit(self._shift_of(sub, "field:" + ctx.domain))
        y = col.str.extract(DATE_RE, 1).cast(pl.Int32, strict=False)
        m = col.str.extract(DATE_RE, 2).cast(pl.Int8, strict=False)
        d = col.str.extract(DATE_RE, 3).cast(pl.Int8, strict=False)
        date = pl.date(y, m, d) + pl.duration(days=days)
        return date.dt.strftime("%Y-%m-%d")
