"""The table as small integers: one dense code per quasi-identifier value, per level.

Encoding happens once. A lattice node then needs only ``sum_j column(j, level_j)``, where
``column(j, L)`` holds each record's level-``L`` code already multiplied by a fixed radix,
so a node's equivalence-class key is a handful of integer additions and its class sizes are
one hash count. Columns are cached under a memory budget.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import polars as pl

from jikimi.anonymity.config import AnonymizationConfig
from jikimi.anonymity.errors import ConfigurationError, HierarchyError
from jikimi.anonymity.hierarchy import Hierarchy

_MAX_KEY = 2**62


@dataclass(frozen=True, slots=True)
class EncodedAttribute:
    """One quasi-identifier: record codes at level 0 and the maps to every level."""

    name: str
    hierarchy: Hierarchy
    codes: pl.Series
    """Per record, the dense code of its value (0 .. cardinality-1)."""
    rows: tuple[int, ...]
    """Per dense code, the hierarchy row of that value."""
    level_maps: tuple[tuple[int, ...], ...]
    """Per level, per dense code: the dense code (< cardinality) of its label at that level."""
    level_labels: tuple[tuple[str, ...], ...]
    """Per level, per dense level code: the label."""
    level_shares: tuple[tuple[float, ...], ...]
    """Per level, per dense level code: the label's share of the hierarchy's values (ARX)."""
    frequencies: tuple[int, ...]
    """Per dense code: how many records hold that value."""

    @property
    def height(self) -> int:
        return self.hierarchy.height

    @property
    def cardinality(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class EncodedSensitive:
    """A sensitive attribute: record codes, the table's distribution, and hierarchy levels."""

    name: str
    codes: pl.Series
    distribution: tuple[float, ...]
    level_maps: tuple[tuple[int, ...], ...]
    """Levels 1.. of its hierarchy (empty without one): per dense code, the level code."""


def _as_text(frame: pl.DataFrame, column: str) -> pl.Series:
    series = frame.get_column(column)
    if series.dtype != pl.String:
        series = series.cast(pl.String)
    return series


def encode_attribute(frame: pl.DataFrame, name: str, hierarchy: Hierarchy) -> EncodedAttribute:
    """Encode one column against its hierarchy; an uncovered value is an error."""
    text = _as_text(frame, name)
    missing = text.null_count()
    if missing:
        raise HierarchyError(f"column {name!r} has {missing} missing value(s); fill them first")
    present = text.value_counts()
    index = {value: row for row, value in enumerate(hierarchy.values)}
    uncovered = [value for value in present.get_column(name).to_list() if value not in index]
    if uncovered:
        first = int(text.is_in(uncovered).arg_true()[0]) + 1
        raise HierarchyError(
            f"the hierarchy for {name!r} does not cover {len(uncovered)} distinct value(s) of "
            f"the column (first in data row {first})"
        )
    values = sorted(present.get_column(name).to_list(), key=index.__getitem__)
    dense = {value: code for code, value in enumerate(values)}
    codes = text.replace_strict(dense, return_dtype=pl.UInt32)
    counts = dict(
        zip(present.get_column(name).to_list(), present.get_column("count").to_list(), strict=True)
    )
    rows = tuple(index[value] for value in values)
    levels = hierarchy.levels
    size = len(hierarchy.rows)
    level_maps: list[tuple[int, ...]] = []
    level_labels: list[tuple[str, ...]] = []
    level_shares: list[tuple[float, ...]] = []
    for level in range(hierarchy.height):
        renumber: dict[int, int] = {}
        level_maps.append(
            tuple(renumber.setdefault(levels.codes[level][row], len(renumber)) for row in rows)
        )
        level_labels.append(tuple(levels.labels[level][code] for code in renumber))
        level_shares.append(tuple(levels.leaves[level][code] / size for code in renumber))
    return EncodedAttribute(
        name=name,
        hierarchy=hierarchy,
        codes=codes,
        rows=rows,
        level_maps=tuple(level_maps),
        level_labels=tuple(level_labels),
        level_shares=tuple(level_shares),
        frequencies=tuple(int(counts[value]) for value in values),
    )


def encode_sensitive(
    frame: pl.DataFrame, name: str, hierarchy: Hierarchy | None
) -> EncodedSensitive:
    """Encode a sensitive column; its hierarchy (if any) must cover it."""
    text = _as_text(frame, name).fill_null("")
    present = text.value_counts(sort=True)
    values = present.get_column(name).to_list()
    level_maps: tuple[tuple[int, ...], ...] = ()
    if hierarchy is not None:
        index = {value: row for row, value in enumerate(hierarchy.values)}
        if any(value not in index for value in values):
            raise HierarchyError(
                f"the hierarchy for sensitive attribute {name!r} does not cover every value"
            )
        if len(hierarchy.levels.labels[-1]) != 1:
            raise HierarchyError(
                f"the hierarchy for {name!r} needs a single top label for t-closeness"
            )
        level_maps = tuple(
            tuple(hierarchy.levels.codes[level][index[value]] for value in values)
            for level in range(1, hierarchy.height)
        )
    dense = {value: code for code, value in enumerate(values)}
    total = frame.height
    distribution = tuple(count / total for count in present.get_column("count").to_list())
    return EncodedSensitive(
        name=name,
        codes=text.replace_strict(dense, return_dtype=pl.UInt32),
        distribution=distribution,
        level_maps=level_maps,
    )


class EncodedTable:
    """A table encoded for one configuration, with a budgeted cache of key columns."""

    def __init__(
        self, frame: pl.DataFrame, config: AnonymizationConfig, cache_bytes: int = 512 * 2**20
    ) -> None:
        columns = set(frame.columns)
        absent = [qi for qi in config.quasi_identifiers if qi not in columns]
        absent += [s for s in config.sensitive_attributes if s not in columns]
        if absent:
            raise ConfigurationError(f"column(s) not in the table: {', '.join(absent)}")
        if frame.height == 0:
            raise ConfigurationError("the table has no rows")
        if config.k > frame.height:
            raise ConfigurationError(f"k={config.k} is larger than the table ({frame.height} rows)")
        self.config = config
        self.rows = frame.height
        self.attributes = tuple(
            encode_attribute(frame, qi, config.hierarchies[qi]) for qi in config.quasi_identifiers
        )
        self.sensitive = {
            name: encode_sensitive(frame, name, config.hierarchies.get(name))
            for name in config.sensitive_attributes
        }
        radix = 1
        radices: list[int] = []
        for attribute in self.attributes:
            radices.append(radix)
            radix *= attribute.cardinality
        if radix >= _MAX_KEY:
            raise ConfigurationError(
                "the quasi-identifiers have too many value combinations to encode in 64 bits; "
                "use fewer or coarser quasi-identifiers"
            )
        self.radices = tuple(radices)
        self.max_suppressed = int(config.suppression_limit * frame.height + 1e-9)
        self._cache: OrderedDict[tuple[int, int, int], pl.Series] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._used = 0
        self._recent: OrderedDict[tuple[int, ...], pl.Series] = OrderedDict()

    @property
    def heights(self) -> tuple[int, ...]:
        return tuple(attribute.height for attribute in self.attributes)

    def column(self, dimension: int, level: int, base: int = -1) -> pl.Series:
        """Per record, the level-``level`` code of ``dimension`` times its radix (Int64).

        With ``base`` >= 0: the difference to the column of level ``base``, so that a node's
        keys follow from a nearby node's keys with one addition per differing attribute.
        """
        key = (dimension, level, base)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        attribute = self.attributes[dimension]
        if base >= 0:
            mapping = pl.Series(
                [
                    new - old
                    for new, old in zip(
                        attribute.level_maps[level], attribute.level_maps[base], strict=True
                    )
                ],
                dtype=pl.Int64,
            )
        else:
            mapping = pl.Series(attribute.level_maps[level], dtype=pl.Int64)
        column = mapping.gather(attribute.codes) * self.radices[dimension]
        self._remember(key, column)
        return column

    def _remember(self, key: tuple[int, int, int], column: pl.Series) -> None:
        size = int(column.estimated_size())
        while self._cache and self._used + size > self._cache_bytes:
            _, evicted = self._cache.popitem(last=False)
            self._used -= int(evicted.estimated_size())
        self._cache[key] = column
        self._used += size

    def keys(self, node: tuple[int, ...]) -> pl.Series:
        """Each record's equivalence-class key under ``node`` (one level per quasi-identifier).

        Derived from the closest of the last few nodes when that takes fewer additions.
        """
        best: tuple[int, ...] | None = None
        best_distance = len(node) - 1
        for recent in self._recent:
            distance = sum(1 for a, b in zip(recent, node, strict=True) if a != b)
            if distance < best_distance:
                best, best_distance = recent, distance
        if best is not None:
            total = self._recent[best]
            for dimension, (old, new) in enumerate(zip(best, node, strict=True)):
                if old != new:
                    total = total + self.column(dimension, new, old)
        else:
            total = self.column(0, node[0])
            for dimension in range(1, len(node)):
                total = total + self.column(dimension, node[dimension])
        self._recent[node] = total
        self._recent.move_to_end(node)
        if len(self._recent) > 6:
            self._recent.popitem(last=False)
        return total

    def level_codes(self, dimension: int, level: int) -> pl.Series:
        """Per record, the level code (not multiplied), for building output and metrics."""
        attribute = self.attributes[dimension]
        return pl.Series(attribute.level_maps[level], dtype=pl.UInt32).gather(attribute.codes)
