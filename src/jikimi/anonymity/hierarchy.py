"""Generalization hierarchies: each original value with its generalizations, level by level.

The file format is ARX's: one line per original value, ``;``-separated, level 0 (the value
itself) first and the most general label last, no header. A hierarchy must be a *tree*:
every label on one level has exactly one parent on the next. That is what makes the
generalization lattice monotone (a class at a higher level is a union of classes below it),
and the search relies on it, so it is checked here, once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jikimi.anonymity.errors import HierarchyError


@dataclass(frozen=True, slots=True)
class Levels:
    """Integer codes of one hierarchy: per level, the code of each row and each code's label."""

    codes: tuple[tuple[int, ...], ...]
    labels: tuple[tuple[str, ...], ...]
    leaves: tuple[tuple[int, ...], ...]
    """Per level and code: how many rows (original values) fall under that label."""


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """A validated generalization hierarchy for one attribute.

    ``rows[i][level]`` is the label of original value ``rows[i][0]`` at ``level``. The repr
    shows only the shape, because the rows are domain values.
    """

    attribute: str
    rows: tuple[tuple[str, ...], ...] = field(repr=False)
    _levels: Levels = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_levels", _validate_and_encode(self.attribute, self.rows))

    @classmethod
    def from_rows(cls, attribute: str, rows: Iterable[Sequence[str]]) -> Hierarchy:
        """Build from any iterable of rows (lists or tuples of labels)."""
        return cls(attribute, tuple(tuple(str(cell) for cell in row) for row in rows))

    @classmethod
    def from_mapping(cls, attribute: str, paths: Mapping[str, Sequence[str]]) -> Hierarchy:
        """Build from ``{value: [level1, level2, ...]}``."""
        return cls.from_rows(attribute, ([value, *above] for value, above in paths.items()))

    @property
    def height(self) -> int:
        """Number of levels including level 0 (the original values)."""
        return len(self.rows[0])

    @property
    def values(self) -> tuple[str, ...]:
        """The original values (level 0) in file order."""
        return tuple(row[0] for row in self.rows)

    @property
    def levels(self) -> Levels:
        """The integer encoding used by the search."""
        return self._levels

    def generalize(self, value: str, level: int) -> str:
        """The label of ``value`` at ``level`` (for single lookups; bulk work uses codes)."""
        if not 0 <= level < self.height:
            raise HierarchyError(
                f"hierarchy for {self.attribute!r} has levels 0..{self.height - 1}, not {level}"
            )
        for row in self.rows:
            if row[0] == value:
                return row[level]
        raise HierarchyError(f"hierarchy for {self.attribute!r} does not cover a requested value")

    def to_csv(self, separator: str = ";") -> str:
        """The hierarchy in ARX's CSV format."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
        writer.writerows(self.rows)
        return buffer.getvalue()

    @classmethod
    def from_csv(cls, path: str | Path, attribute: str, separator: str = ";") -> Hierarchy:
        """Read a hierarchy file in ARX's format."""
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise HierarchyError(
                f"cannot read hierarchy file {file.name}: {exc.strerror}"
            ) from None
        except UnicodeDecodeError:
            raise HierarchyError(f"hierarchy file {file.name} is not UTF-8") from None
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=separator)
            if row and any(cell.strip() for cell in row)
        ]
        if not rows:
            raise HierarchyError(f"hierarchy file {file.name} for {attribute!r} is empty")
        try:
            return cls.from_rows(attribute, rows)
        except HierarchyError as exc:
            raise HierarchyError(f"{file.name}: {exc}") from None


def _validate_and_encode(attribute: str, rows: tuple[tuple[str, ...], ...]) -> Levels:
    """Check the shape and the tree property, then encode every level as dense integers."""
    where = f"hierarchy for {attribute!r}"
    if not rows:
        raise HierarchyError(f"{where} has no rows")
    height = len(rows[0])
    if height < 1:
        raise HierarchyError(f"{where}: row 1 has no values")
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if len(row) != height:
            raise HierarchyError(f"{where}: row {number} has {len(row)} levels, row 1 has {height}")
        if any(cell == "" for cell in row):
            raise HierarchyError(f"{where}: row {number} has an empty label")
        first = seen.setdefault(row[0], number)
        if first != number:
            raise HierarchyError(f"{where}: the value in row {number} repeats row {first}")
    codes: list[tuple[int, ...]] = []
    labels: list[tuple[str, ...]] = []
    leaves: list[tuple[int, ...]] = []
    for level in range(height):
        index: dict[str, int] = {}
        level_codes = tuple(index.setdefault(row[level], len(index)) for row in rows)
        counts = [0] * len(index)
        for code in level_codes:
            counts[code] += 1
        codes.append(level_codes)
        labels.append(tuple(index))
        leaves.append(tuple(counts))
    for level in range(height - 1):
        parent: dict[int, int] = {}
        for number, (child, above) in enumerate(
            zip(codes[level], codes[level + 1], strict=True), start=1
        ):
            if parent.setdefault(child, above) != above:
                raise HierarchyError(
                    f"{where} is not a tree: the level-{level} label of row {number} has two "
                    f"different parents on level {level + 1}"
                )
    return Levels(codes=tuple(codes), labels=tuple(labels), leaves=tuple(leaves))


def find_hierarchy_file(directory: Path, attribute: str) -> Path | None:
    """ARX names files ``<dataset>_hierarchy_<attribute>.csv``; ``<attribute>.csv`` also works."""
    for pattern in (f"*hierarchy_{attribute}.csv", f"{attribute}.csv"):
        matches = sorted(directory.glob(pattern))
        if matches:
            return matches[0]
    return None


def load_hierarchies(
    directory: str | Path, attributes: Sequence[str], separator: str = ";"
) -> dict[str, Hierarchy]:
    """Load the hierarchy file of each attribute that has one in ``directory``."""
    folder = Path(directory)
    if not folder.is_dir():
        raise HierarchyError(f"hierarchy directory {folder} does not exist")
    found: dict[str, Hierarchy] = {}
    for attribute in attributes:
        file = find_hierarchy_file(folder, attribute)
        if file is not None:
            found[attribute] = Hierarchy.from_csv(file, attribute, separator)
    return found
