"""Request and response bodies. Strings are bounded and free of control characters, numbers
and instants have ranges, so nothing a client sends can reach the database as an error."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from jikimi.ledger.accesslog import Action
from jikimi.ledger.apikeys import Role
from jikimi.ledger.consent import Decision
from jikimi.ledger.obligations import Cause, Law

MAX_INT = 2**31 - 1
MAX_BIG = 2**62


def _clean(value: str) -> str:
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValueError("control characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


def _instant(value: datetime) -> datetime:
    if not 1970 <= value.year <= 2200:
        raise ValueError("instants must fall between 1970 and 2200")
    return value


def _text(max_length: int, min_length: int = 0) -> object:
    return Field(min_length=min_length, max_length=max_length)


_C = AfterValidator(_clean)
Label1 = Annotated[str, _text(128, 1), _C]
Label = Annotated[str, _text(128), _C]
Long1 = Annotated[str, _text(256, 1), _C]
Long = Annotated[str, _text(256), _C]
Short1 = Annotated[str, _text(64, 1), _C]
Short = Annotated[str, _text(64), _C]
Note = Annotated[str, _text(2000), _C]
Prose = Annotated[str, _text(4000), _C]
Tag1 = Annotated[str, _text(32, 1), _C]

Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:@/-]{1,128}$")]
CategoryName = Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+){0,7}$", max_length=128)]
CategoryOrEntity = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_]+(\.[a-z0-9_]+){0,7}$", max_length=128)
]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of items; pass ``next_after`` as ``after`` to get the next page."""

    items: list[T]
    next_after: int | None


# -- access log -----------------------------------------------------------------------
class AccessEventIn(Strict):
    actor: Label1
    action: Action
    resource: Long
    purpose: Label1
    subject_count: int = Field(0, ge=0, le=MAX_INT)
    subject_refs: list[Long] = Field(default_factory=list, max_length=1000)
    fields: list[Long] = Field(default_factory=list, max_length=200)
    location: Short = ""
    reason: Note = ""
    at: Instant | None = None


class AppendIn(Strict):
    events: list[AccessEventIn] = Field(min_length=1, max_length=1000)


class AppendOut(BaseModel):
    first_seq: int
    last_seq: int


class EntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    resource: str
    purpose: str
    subject_count: int
    subject_refs: list[str]
    fields: list[str]
    location: str
    reason: str
    prev_hash: str
    hash: str


class ProblemOut(BaseModel):
    seq: int
    kind: str
    detail: str


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    first_seq: int
    last_seq: int
    checkpoints: int
    signatures_checked: int
    problems_total: int
    problems: list[ProblemOut]


class CheckpointOut(BaseModel):
    seq: int | None


# -- consent --------------------------------------------------------------------------
class ConsentIn(Strict):
    subject_id: Name
    purpose: Name
    category: CategoryName
    decision: Decision
    wording_version: Short1
    separate: bool = False
    channel: Short = ""
    at: Instant | None = None


class ConsentOut(BaseModel):
    event_id: int


class CheckOut(BaseModel):
    allowed: bool
    reason: str
    matched_category: str | None = None
    wording_version: str | None = None
    decided_at: datetime | None = None


class HistoryItemOut(BaseModel):
    id: int
    purpose: str
    category: str
    decision: str
    wording_version: str
    separate: bool
    channel: str
    at: datetime
    recorded_at: datetime


class ProfilingIn(Strict):
    refused: bool
    at: Instant | None = None


class PromptIn(Strict):
    subject_id: Name
    purpose: Name
    at: Instant | None = None


class PromptOut(BaseModel):
    allowed: bool
    reason: str
    next_allowed_at: datetime | None = None


# -- incidents ------------------------------------------------------------------------
class IncidentIn(Strict):
    title: Long1
    aware_at: Instant
    subject_count: int = Field(ge=0, le=MAX_BIG)
    categories: list[CategoryOrEntity] = Field(max_length=100)
    countries: list[Country] = Field(default_factory=list, max_length=60)
    cause: Cause = Cause.OTHER
    occurred_at: Instant | None = None
    found_how: Note = ""
    mitigated: bool = False
    high_risk: bool = True
    controller: Long = ""
    contact: Long = ""
    measures: Prose = ""
    advice: Prose = ""
    laws: list[Law] | None = Field(None, max_length=3)
    authority_tz: Short1 = "Europe/Brussels"


class StepOut(BaseModel):
    key: str
    law: str
    recipient: str
    required: bool
    timing: str
    due: datetime | None
    due_local: datetime | None
    tz: str
    basis: str
    done_at: datetime | None
    done_by: str
    note: str


class IncidentOut(BaseModel):
    id: int
    title: str
    status: str
    aware_at: datetime
    subject_count: int
    categories: list[str]
    countries: list[str]
    cause: str
    opened_by: str
    created_at: datetime
    closed_at: datetime | None
    steps: list[StepOut]


class StepDoneIn(Strict):
    note: Note = ""
    at: Instant | None = None


class NoticeOut(BaseModel):
    key: str
    lang: str
    text: str


# -- transfers ------------------------------------------------------------------------
class LocationIn(Strict):
    dataset: Long1
    system: Long1
    country: Country
    region: Short = ""
    categories: list[CategoryOrEntity] = Field(default_factory=list, max_length=100)
    subject_count: int = Field(0, ge=0, le=MAX_BIG)
    source: Tag1 = "manual"


class LocationOut(LocationIn):
    id: int
    recorded_at: datetime | None


class TransferIn(Strict):
    dataset: Long1
    recipient: Long1
    country: Country
    items: list[Label1] = Field(min_length=1, max_length=200)
    purpose: Long1
    legal_basis: Short1
    transferred_at: Instant
    recipient_contact: Long = ""
    method: Label = ""
    retention: Label = ""
    subjects_told_at: Instant | None = None
    subject_count: int = Field(0, ge=0, le=MAX_BIG)
    sensitive: bool = False
    source: Tag1 = "manual"


class TransferOut(TransferIn):
    id: int


class OutsideOut(BaseModel):
    home: str
    countries: list[str]
    locations: list[LocationOut]
    transfers: list[TransferOut]


class CreatedId(BaseModel):
    id: int


# -- keys -----------------------------------------------------------------------------
class KeyIn(Strict):
    role: Role
    name: Label1


class KeyOut(BaseModel):
    key_id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None


class NewKeyOut(KeyOut):
    token: str = Field(description="shown once; store it now")
