"""Typed results of discovery: a column, a table, a source, and the whole inventory.

Frozen dataclasses with explicit ``to_dict``/``from_dict`` so the saved JSON is a
stable, versioned format that a later scan can be compared with. Nothing here holds a
value from the data: only names, counts, shares and reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jikimi.catalog import CATALOG
from jikimi.types import EntityId

FORMAT = "jikimi.inventory"
FORMAT_VERSION = 1


class QuasiIdentifier(StrEnum):
    """Attributes that identify people only in combination; de-identification needs them."""

    BIRTH_DATE = "birth_date"
    GENDER = "gender"
    POSTCODE = "postcode"
    REGION = "region"
    AGE = "age"
    JOB = "job"


class Protection(StrEnum):
    """What state the values of a column are in."""

    PLAIN = "plain"  # readable values
    MASKED = "masked"  # partly starred out (900101-1******)
    HASHED = "hashed"  # hex digests, bcrypt/argon strings
    ENCRYPTED = "encrypted"  # long base64 ciphertexts
    EMPTY = "empty"  # nothing but NULLs and blanks in the sample


@dataclass(frozen=True, slots=True)
class ColumnResult:
    """What one column holds.

    ``entity`` is the column's single entity (None for no personal data, and for free text,
    which is summarised in ``text_entities`` instead: entity -> cells containing it).
    ``match_share`` is the share of sampled non-empty values the entity matched;
    ``checksum_share`` the share of those whose checksum verified (None when the entity has
    no checksum). ``evidence`` lists the reasons, e.g. ``header:ko:주민번호``.
    """

    name: str
    dtype: str
    entity: EntityId | None
    confidence: float
    match_share: float
    checksum_share: float | None
    evidence: tuple[str, ...]
    quasi_identifier: QuasiIdentifier | None = None
    free_text: bool = False
    text_entities: tuple[tuple[EntityId, int], ...] = ()
    protection: Protection = Protection.PLAIN
    values_sampled: int = 0
    nulls_sampled: int = 0
    distinct_sampled: int = 0

    @property
    def category(self) -> str | None:
        """The catalogue category, or ``quasi_identifier``; None for no personal data."""
        if self.entity is not None:
            return CATALOG[self.entity].category.value
        if self.quasi_identifier is not None:
            return "quasi_identifier"
        if self.text_entities:
            return "free_text"
        return None

    @property
    def unprotected_unique_id(self) -> bool:
        """A unique identifier readable in the clear: a column of them, or inside free text."""
        if self.protection is not Protection.PLAIN:
            return False
        if self.entity is not None and CATALOG[self.entity].is_unique_identifier:
            return True
        return any(CATALOG[e].is_unique_identifier for e, _ in self.text_entities)

    @property
    def is_personal(self) -> bool:
        return (
            self.entity is not None
            or bool(self.text_entities)
            or (self.quasi_identifier is not None)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "entity": None if self.entity is None else self.entity.value,
            "confidence": self.confidence,
            "match_share": self.match_share,
            "checksum_share": self.checksum_share,
            "evidence": list(self.evidence),
            "quasi_identifier": None
            if self.quasi_identifier is None
            else self.quasi_identifier.value,
            "free_text": self.free_text,
            "text_entities": {e.value: n for e, n in self.text_entities},
            "protection": self.protection.value,
            "category": self.category,
            "sensitivity": sensitivity(self.entity, self.quasi_identifier),
            "values_sampled": self.values_sampled,
            "nulls_sampled": self.nulls_sampled,
            "distinct_sampled": self.distinct_sampled,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnResult:
        return cls(
            name=d["name"],
            dtype=d.get("dtype", ""),
            entity=None if d.get("entity") is None else EntityId(d["entity"]),
            confidence=float(d.get("confidence", 0.0)),
            match_share=float(d.get("match_share", 0.0)),
            checksum_share=d.get("checksum_share"),
            evidence=tuple(d.get("evidence", ())),
            quasi_identifier=None
            if d.get("quasi_identifier") is None
            else QuasiIdentifier(d["quasi_identifier"]),
            free_text=bool(d.get("free_text", False)),
            text_entities=tuple(
                (EntityId(k), int(v)) for k, v in d.get("text_entities", {}).items()
            ),
            protection=Protection(d.get("protection", "plain")),
            values_sampled=int(d.get("values_sampled", 0)),
            nulls_sampled=int(d.get("nulls_sampled", 0)),
            distinct_sampled=int(d.get("distinct_sampled", 0)),
        )


@dataclass(frozen=True, slots=True)
class TableResult:
    """One table (a file, an Excel sheet, a database table) and its columns."""

    name: str
    columns: tuple[ColumnResult, ...]
    rows_total: int | None
    rows_exact: bool
    rows_sampled: int
    sample_method: str
    issues: tuple[str, ...] = ()
    error: str | None = None  # the table could not be sampled at all

    def column(self, name: str) -> ColumnResult:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows_total": self.rows_total,
            "rows_exact": self.rows_exact,
            "rows_sampled": self.rows_sampled,
            "sample_method": self.sample_method,
            "issues": list(self.issues),
            "error": self.error,
            "columns": [c.to_dict() for c in self.columns],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableResult:
        return cls(
            name=d["name"],
            columns=tuple(ColumnResult.from_dict(c) for c in d.get("columns", ())),
            rows_total=d.get("rows_total"),
            rows_exact=bool(d.get("rows_exact", False)),
            rows_sampled=int(d.get("rows_sampled", 0)),
            sample_method=d.get("sample_method", ""),
            issues=tuple(d.get("issues", ())),
            error=d.get("error"),
        )


@dataclass(frozen=True, slots=True)
class SourceResult:
    """A file or database, where it lives, and its tables.

    ``uri`` never contains a password. ``country`` is what the operator declared (the
    tool cannot know where a disk physically is).
    """

    uri: str
    kind: str  # csv, json, jsonl, parquet, excel, sqlite, postgresql, ...
    tables: tuple[TableResult, ...] = ()
    host: str | None = None
    path: str | None = None
    country: str | None = None
    error: str | None = None  # the source could not be opened at all

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "kind": self.kind,
            "host": self.host,
            "path": self.path,
            "country": self.country,
            "error": self.error,
            "tables": [t.to_dict() for t in self.tables],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceResult:
        return cls(
            uri=d["uri"],
            kind=d.get("kind", ""),
            tables=tuple(TableResult.from_dict(t) for t in d.get("tables", ())),
            host=d.get("host"),
            path=d.get("path"),
            country=d.get("country"),
            error=d.get("error"),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two inventories."""

    kind: str  # added, removed, changed
    source: str
    table: str
    column: str | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "table": self.table,
            "column": self.column,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Change:
        return cls(d["kind"], d["source"], d["table"], d.get("column"), d.get("detail", ""))


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every source scanned in one run, plus what changed since the previous saved run."""

    sources: tuple[SourceResult, ...]
    created_at: str
    sample_size: int
    seed: int
    revision: int = 1
    tool_version: str = ""
    changes: tuple[Change, ...] = field(default=())

    def columns(self) -> list[tuple[SourceResult, TableResult, ColumnResult]]:
        return [(s, t, c) for s in self.sources for t in s.tables for c in t.columns]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "revision": self.revision,
            "created_at": self.created_at,
            "tool_version": self.tool_version,
            "sample_size": self.sample_size,
            "seed": self.seed,
            "changes": [c.to_dict() for c in self.changes],
            "sources": [s.to_dict() for s in self.sources],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Inventory:
        if d.get("format") != FORMAT:
            raise ValueError("not a jikimi inventory")
        if int(d.get("format_version", 0)) > FORMAT_VERSION:
            raise ValueError(
                f"inventory format version {d.get('format_version')} is newer "
                f"than this jikimi reads ({FORMAT_VERSION})"
            )
        return cls(
            sources=tuple(SourceResult.from_dict(s) for s in d.get("sources", ())),
            created_at=d.get("created_at", ""),
            sample_size=int(d.get("sample_size", 0)),
            seed=int(d.get("seed", 0)),
            revision=int(d.get("revision", 1)),
            tool_version=d.get("tool_version", ""),
            changes=tuple(Change.from_dict(c) for c in d.get("changes", ())),
        )


def sensitivity(entity: EntityId | None, qi: QuasiIdentifier | None) -> dict[str, str]:
    """How PIPA and PIPL class a column, read from the catalogue's law tags."""
    if entity is None:
        level = "quasi-identifier" if qi is not None else "none"
        return {"pipa": level, "pipl": level}
    laws = " ".join(CATALOG[entity].laws)
    if "Art.24-2" in laws:
        pipa = "resident registration number (Art.24-2)"
    elif "PIPA Art.24 " in laws:
        pipa = "unique identifier (Art.24)"
    elif "encrypt at rest" in laws:
        pipa = "personal, encrypt at rest"
    elif "PIPA" in laws:
        pipa = "personal"
    else:
        pipa = "not personal by itself"
    if "PIPL Art.28" in laws:
        pipl = "sensitive (Art.28)"
    elif "PIPL" in laws or "GB/T" in laws:
        pipl = "personal"
    else:
        pipl = "not personal by itself"
    return {"pipa": pipa, "pipl": pipl}
