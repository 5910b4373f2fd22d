"""Checking one lattice node: which classes violate the models, and how many records that is.

For k-anonymity alone a node is one integer-key hash count over the records. With sensitive
attributes the (class, sensitive value) pairs are counted once and every model becomes an
aggregation over a class's pairs. Models are split into the monotone ones (safe for
pruning under suppression) and all of them (what a release must satisfy).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jikimi.anonymity.encoding import EncodedSensitive, EncodedTable
from jikimi.anonymity.models import DistinctLDiversity, KAnonymity, PrivacyModel


@dataclass(frozen=True, slots=True)
class NodeCheck:
    """The outcome of checking one node."""

    suppressed_monotone: int
    """Records in classes violating a model that is monotone under suppression."""
    suppressed: int
    """Records in classes violating any model."""
    keys: pl.Series | None = None
    violating: pl.Series | None = None
    """Per record, True when its class violates a model (only when asked for)."""


class NodeChecker:
    """Evaluates nodes of one encoded table against one configuration."""

    def __init__(self, table: EncodedTable) -> None:
        config = table.config
        self.table = table
        self.k = config.k
        limit_zero = table.max_suppressed == 0
        self.models = config.models
        self.monotone = tuple(m for m in config.models if limit_zero or m.monotone_with_suppression)
        self.all_monotone = len(self.monotone) == len(self.models)
        self.k_only = all(isinstance(m, KAnonymity) for m in config.models)
        distinct = [m for m in config.models if isinstance(m, DistinctLDiversity)]
        self.distinct_only: tuple[str, int] | None = None
        if (
            not self.k_only
            and len(config.sensitive_attributes) == 1
            and all(isinstance(m, KAnonymity | DistinctLDiversity) for m in config.models)
        ):
            self.distinct_only = (distinct[0].attribute, max(m.l for m in distinct))
        self._sensitive_frames: dict[str, pl.DataFrame] = {
            name: self._sensitive_base(encoded) for name, encoded in table.sensitive.items()
        }

    @staticmethod
    def _sensitive_base(encoded: EncodedSensitive) -> pl.DataFrame:
        columns: dict[str, pl.Series] = {"s": encoded.codes}
        for level, mapping in enumerate(encoded.level_maps, start=1):
            columns[f"s{level}"] = pl.Series(mapping, dtype=pl.UInt32).gather(encoded.codes)
        return pl.DataFrame(columns)

    def check(self, node: tuple[int, ...], want_records: bool = False) -> NodeCheck:
        keys = self.table.keys(node)
        if self.k_only:
            return self._check_k(keys, want_records)
        if self.distinct_only is not None:
            return self._check_distinct(keys, want_records)
        return self._check_models(keys, want_records)

    def _check_distinct(self, keys: pl.Series, want_records: bool) -> NodeCheck:
        """k-anonymity with distinct l-diversity: class size and distinct count in one pass."""
        name, l_value = self.distinct_only or ("", 1)
        frame = pl.DataFrame({"key": keys, "s": self.table.sensitive[name].codes})
        classes = frame.group_by("key").agg(
            pl.len().alias("size"), pl.col("s").n_unique().alias("distinct")
        )
        bad = classes.filter((pl.col("size") < self.k) | (pl.col("distinct") < l_value))
        total = int(bad.get_column("size").sum())
        if not want_records or not total:
            return NodeCheck(total, total, keys if want_records else None)
        violating = keys.is_in(bad.get_column("key").implode())
        return NodeCheck(total, total, keys, violating)

    def _check_k(self, keys: pl.Series, want_records: bool) -> NodeCheck:
        k = self.k
        if not want_records:
            sizes = keys.unique_counts()
            small = int(sizes.filter(sizes < k).sum())
            return NodeCheck(small, small)
        counts = keys.value_counts(name="size")
        bad = counts.filter(pl.col("size") < k)
        small = int(bad.get_column("size").sum())
        violating = keys.is_in(bad.get_column(keys.name).implode()) if small else None
        return NodeCheck(small, small, keys, violating)

    def _class_flags(self, keys: pl.Series, name: str, models: list[PrivacyModel]) -> pl.DataFrame:
        """Per class: size and one flag per model group (monotone, all)."""
        encoded = self.table.sensitive[name]
        base = self._sensitive_frames[name].with_columns(keys.alias("key"))
        level_columns = [c for c in base.columns if c.startswith("s") and c != "s"]
        pairs = base.group_by(["key", "s", *level_columns]).agg(pl.len().alias("c"))
        size = pl.col("c").sum().over("key")
        pairs = pairs.with_columns(
            (pl.col("c") / size).alias("p"),
            pl.col("s")
            .replace_strict(
                list(range(len(encoded.distribution))),
                list(encoded.distribution),
                return_dtype=pl.Float64,
            )
            .alias("q"),
        )
        for level, column in enumerate(level_columns, start=1):
            group_count = pl.col("c").sum().over(["key", column])
            level_q = _aggregate_distribution(encoded, level)
            pairs = pairs.with_columns(
                (group_count / size).alias(f"p{level}"),
                (pl.col("c") / group_count).alias(f"w{level}"),
                pl.col(column)
                .replace_strict(list(range(len(level_q))), level_q, return_dtype=pl.Float64)
                .alias(f"q{level}"),
            )
        height = len(encoded.level_maps) + 1
        monotone = [m for m in models if m in self.monotone]
        aggregations = [pl.col("c").sum().alias("size")]
        aggregations.append(_all(monotone, height).alias("ok_monotone"))
        aggregations.append(_all(models, height).alias("ok"))
        return pairs.group_by("key").agg(aggregations)

    def _check_models(self, keys: pl.Series, want_records: bool) -> NodeCheck:
        keyed: list[PrivacyModel] = [m for m in self.models if m.sensitive is None]
        flags: pl.DataFrame | None = None
        for index, name in enumerate(self.table.sensitive):
            chosen = [m for m in self.models if m.sensitive == name]
            if index == 0:
                chosen = keyed + chosen
            frame = self._class_flags(keys, name, chosen)
            if flags is None:
                flags = frame
            else:
                flags = flags.join(
                    frame.select(
                        "key", pl.col("ok_monotone").alias("m2"), pl.col("ok").alias("o2")
                    ),
                    on="key",
                ).select(
                    "key",
                    "size",
                    (pl.col("ok_monotone") & pl.col("m2")).alias("ok_monotone"),
                    (pl.col("ok") & pl.col("o2")).alias("ok"),
                )
        assert flags is not None
        sums = flags.select(
            pl.col("size").filter(~pl.col("ok_monotone")).sum().alias("monotone"),
            pl.col("size").filter(~pl.col("ok")).sum().alias("all"),
        ).row(0)
        monotone, total = int(sums[0] or 0), int(sums[1] or 0)
        if not want_records:
            return NodeCheck(monotone, total)
        bad = flags.filter(~pl.col("ok")).get_column("key")
        violating = keys.is_in(bad.implode()) if total else None
        return NodeCheck(monotone, total, keys, violating)


def _all(models: list[PrivacyModel], height: int) -> pl.Expr:
    condition: pl.Expr = pl.lit(True)
    for model in models:
        condition = condition & model.class_condition(height)
    return condition


def _aggregate_distribution(encoded: EncodedSensitive, level: int) -> list[float]:
    mapping = encoded.level_maps[level - 1]
    shares = [0.0] * (max(mapping) + 1 if mapping else 0)
    for code, share in zip(mapping, encoded.distribution, strict=True):
        shares[code] += share
    return shares
