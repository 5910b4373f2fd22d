"""Replace: put the entity's label where the value was (``<PHONE>``), keeping text readable."""

from __future__ import annotations

from typing import Literal

import polars as pl

from jikimi.catalog import CATALOG
from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig
from jikimi.types import EntityId


class ReplaceConfig(OperatorConfig):
    operator: Literal["replace"] = "replace"
    template: str = "<{label}>"
    language: Literal["id", "en", "ko", "zh"] = "id"


class Replace(IrreversibleOperator):
    name = "replace"

    def __init__(self, config: ReplaceConfig | None = None) -> None:
        self.config = config or ReplaceConfig()

    def label(self, ctx: FieldContext) -> str:
        label = ctx.label
        if self.config.language != "id" and ctx.entity in CATALOG:
            e = CATALOG[EntityId(ctx.entity)]
            label = {"en": e.name_en, "ko": e.name_ko, "zh": e.name_zh}[self.config.language]
        return self.config.template.replace("{label}", label)

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return pl.when(col.is_null()).then(None).otherwise(pl.lit(self.label(ctx)))
