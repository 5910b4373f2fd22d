"""The frozen value types that flow between jikimi's modules.

They are plain slotted dataclasses because millions of them are created on the hot path
and because a finding must never be mutated after a recognizer has scored it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EntityId(StrEnum):
    """Every entity type jikimi knows; the catalogue describes each one."""

    KR_RRN = "KR_RRN"
    KR_FRN = "KR_FRN"
    KR_PASSPORT = "KR_PASSPORT"
    KR_DRIVER_LICENSE = "KR_DRIVER_LICENSE"
    KR_BRN = "KR_BRN"
    KR_CORP_REG = "KR_CORP_REG"
    KR_BANK_ACCOUNT = "KR_BANK_ACCOUNT"
    CN_RESIDENT_ID = "CN_RESIDENT_ID"
    CN_USCC = "CN_USCC"
    CN_PASSPORT = "CN_PASSPORT"
    CN_LICENSE_PLATE = "CN_LICENSE_PLATE"
    HK_ID = "HK_ID"
    MO_ID = "MO_ID"
    TW_ID = "TW_ID"
    JP_MY_NUMBER = "JP_MY_NUMBER"
    US_SSN = "US_SSN"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    CREDIT_CARD = "CREDIT_CARD"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    IBAN = "IBAN"
    IP_ADDRESS = "IP_ADDRESS"
    MAC_ADDRESS = "MAC_ADDRESS"
    PERSON = "PERSON"
    ADDRESS = "ADDRESS"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"


class Category(StrEnum):
    """Coarse grouping used by policies and reports."""

    UNIQUE_ID = "unique_identifier"
    SENSITIVE = "sensitive"
    FINANCIAL = "financial"
    CONTACT = "contact"
    ONLINE_ID = "online_identifier"
    GENERAL = "general"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of character (code point) offsets in a text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError("a span needs 0 <= start <= end")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found in a text.

    ``start``/``end`` are code-point offsets into the scanned text (for files: into the
    decoded file), so ``text[start:end] == finding.text`` always holds. ``explanation``
    says why the score is what it is and never contains the value itself.
    """

    entity: EntityId
    start: int
    end: int
    score: float
    text: str = field(repr=False)
    recognizer: str
    explanation: tuple[str, ...] = ()

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding sits when it is not in a bare string: a file, a table cell, a line."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    table: str | None = None
    row: int | None = None
    field: str | None = None
