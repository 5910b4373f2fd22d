"""Baselines: findings a team has acknowledged, stored as salted HMACs, never as values.

As with detect-secrets, a baseline lets a CI gate fail only on *new* personal data while
the old data is being cleaned up. The file holds a random salt and, per acknowledged
finding, its path, its entity id and ``HMAC-SHA256(salt, entity + NUL + normalized
value)`` in hex. Values are normalized (NFKC, case-folded, separators dropped from
identifier-like entities) so that ``900101-1234568`` and ``9001011234568`` are the same
finding.

What the salt does and does not do: it stops anyone from matching hashes across
repositories or against precomputed tables, but the salt is stored in the file, so
whoever can read the baseline can still test guesses one by one, and many identifiers
have little entropy (a resident number is a birth date plus a few digits). Keep a
baseline only where its readers may read the scanned files anyway.

A baseline that is not valid JSON, not in this format, or from a newer format version
raises :class:`~jikimi.errors.BaselineError`; the CLI turns that into exit code 2.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TextIO

from jikimi.errors import BaselineError
from jikimi.reports.atomic import atomic_write
from jikimi.types import Category, EntityId

FORMAT: Final = "jikimi-baseline"
VERSION: Final = 1
ALGORITHM: Final = "hmac-sha256"
SALT_BYTES: Final = 32
DEFAULT_PATH: Final = ".jikimi-baseline.json"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SEPARATORS = re.compile(r"[\s\-‐-―.·/()\[\]:_+]")
# Entities whose separators are formatting, not content: 900101-1234568 == 9001011234568.
_COMPACT_CATEGORIES = frozenset({Category.UNIQUE_ID, Category.FINANCIAL})
_COMPACT_ENTITIES = frozenset(
    {EntityId.PHONE, EntityId.MAC_ADDRESS, EntityId.KR_BRN, EntityId.KR_CORP_REG, EntityId.CN_USCC}
)


def normalize(entity: EntityId, value: str) -> str:
    """The form of ``value`` that is hashed, so formatting differences do not matter."""
    from jikimi.catalog import entity as lookup

    text = unicodedata.normalize("NFKC", value).casefold().strip()
    if entity in _COMPACT_ENTITIES or lookup(entity).category in _COMPACT_CATEGORIES:
        return _SEPARATORS.sub("", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One acknowledged finding: where, what kind, and the keyed hash of its value."""

    path: str
    entity: EntityId
    hmac: str


class Baseline:
    """A set of acknowledged findings under one salt."""

    __slots__ = ("_entries", "_index", "_salt", "created_at", "tool_version")

    def __init__(
        self,
        salt: bytes,
        entries: Iterable[BaselineEntry] = (),
        *,
        created_at: str | None = None,
        tool_version: str | None = None,
    ) -> None:
        if len(salt) < 16:
            raise BaselineError("baseline salt is shorter than 16 bytes")
        self._salt = salt
        self._entries: list[BaselineEntry] = []
        self._index: dict[tuple[str, EntityId], list[str]] = {}
        self.created_at = created_at
        self.tool_version = tool_version
        for e in entries:
            self._add_entry(e)

    @classmethod
    def new(cls, *, tool_version: str | None = None) -> Baseline:
        """An empty baseline with a fresh random salt."""
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        return cls(secrets.token_bytes(SALT_BYTES), created_at=now, tool_version=tool_version)

    def __repr__(self) -> str:
        return f"Baseline(entries={len(self._entries)})"

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> tuple[BaselineEntry, ...]:
        return tuple(self._entries)

    def fingerprint(self, entity: EntityId, value: str) -> str:
        """HMAC-SHA256(salt, entity NUL normalized value), hex; stable for this baseline."""
        message = f"{entity.value}\0{normalize(entity, value)}".encode()
        return hmac.new(self._salt, message, hashlib.sha256).hexdigest()

    def add(self, path: str, entity: EntityId, value: str) -> None:
        """Acknowledge a finding (a repeated one is stored once)."""
        if not self.contains(path, entity, value):
            self._add_entry(BaselineEntry(path, entity, self.fingerprint(entity, value)))

    def contains(self, path: str, entity: EntityId, value: str) -> bool:
        """Whether this exact finding (same path, entity and value) was acknowledged."""
        return self.contains_fingerprint(path, entity, self.fingerprint(entity, value))

    def contains_fingerprint(self, path: str, entity: EntityId, fingerprint: str) -> bool:
        candidates = self._index.get((path, entity), ())
        found = False
        for known in candidates:  # compare every candidate: no early exit on a match
            found |= hmac.compare_digest(known, fingerprint)
        return found

    def _add_entry(self, entry: BaselineEntry) -> None:
        self._entries.append(entry)
        self._index.setdefault((entry.path, entry.entity), []).append(entry.hmac)

    # -- file format -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        entries = sorted(self._entries, key=lambda e: (e.path, e.entity.value, e.hmac))
        return {
            "format": FORMAT,
            "version": VERSION,
            "tool_version": self.tool_version,
            "created_at": self.created_at,
            "algorithm": ALGORITHM,
            "salt": self._salt.hex(),
            "findings": [
                {"path": e.path, "entity": e.entity.value, "hmac": e.hmac} for e in entries
            ],
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the baseline atomically (temporary file + rename)."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

        def write(fh: TextIO) -> None:
            fh.write(text)

        atomic_write(path, write)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "baseline") -> Baseline:
        """Parse and validate a baseline document; raises ``BaselineError`` naming the fault."""

        def fail(why: str) -> BaselineError:
            return BaselineError(f"{source} is not a valid jikimi baseline: {why}")

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise fail(f'missing "format": "{FORMAT}"')
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise fail('"version" must be an integer')
        if version != VERSION:
            raise fail(f"format version {version} is not supported (this jikimi reads {VERSION})")
        if data.get("algorithm") != ALGORITHM:
            raise fail(f'"algorithm" must be "{ALGORITHM}"')
        salt_hex = data.get("salt")
        if not isinstance(salt_hex, str) or not re.fullmatch(r"(?:[0-9a-f]{2}){16,}", salt_hex):
            raise fail('"salt" must be at least 16 bytes of lower-case hex')
        rows = data.get("findings")
        if not isinstance(rows, list):
            raise fail('"findings" must be a list')
        entries = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise fail(f"findings[{i}] is not an object")
            path, ent, digest = row.get("path"), row.get("entity"), row.get("hmac")
            if not isinstance(path, str) or not path:
                raise fail(f"findings[{i}].path must be a non-empty string")
            if not isinstance(ent, str) or ent not in EntityId.__members__:
                raise fail(f"findings[{i}].entity is not a known entity id")
            if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
                raise fail(f"findings[{i}].hmac must be 64 lower-case hex digits")
            entries.append(BaselineEntry(path, EntityId(ent), digest))
        created, tool = data.get("created_at"), data.get("tool_version")
        return cls(
            bytes.fromhex(salt_hex),
            entries,
            created_at=created if isinstance(created, str) else None,
            tool_version=tool if isinstance(tool, str) else None,
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        """Read a baseline file; raises ``BaselineError`` if it is unreadable or malformed."""
        name = os.fspath(path)
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(f"baseline file {name} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise BaselineError(f"baseline file {name} cannot be read: {reason}") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BaselineError(
                f"baseline file {name} is not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        return cls.from_dict(data, source=f"baseline file {name}")
