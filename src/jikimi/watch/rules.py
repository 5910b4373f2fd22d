"""Detection rules per role, loaded from YAML or JSON and validated with clear messages.

Thresholds differ by role (a dispatcher views hundreds of waybills a day, an analyst
exports thousands with a reason), so every number is a per-role setting with a default.
The Korean safety-measure rules leave the download threshold to the controller's
internal plan; ``export_reason_records`` is that number.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jikimi.errors import UsageError


@dataclass(frozen=True, slots=True)
class RoleRules:
    """Thresholds for one role; ``None`` switches a check off."""

    # volume: today's running total against the account's own and its peers' daily totals
    daily_min_records: int = 2000  # never alert below this many records in a day
    own_factor: float = 5.0  # x the account's own average day
    peer_factor: float = 3.0  # x the role's 95th-percentile day
    baseline_days: int = 5  # own history needed before the own baseline counts
    # exports and downloads beyond this many records need a recorded reason
    export_reason_records: int | None = 100
    # many distinct subjects in a short window
    window_minutes: int = 60
    window_max_subjects: int | None = 1500
    # sequential enumeration of numeric subject ids
    enumeration_run: int | None = 50
    # working hours (local time), working weekdays (0 = Monday)
    work_start: int = 7
    work_end: int = 21
    workdays: frozenset[int] = frozenset(range(6))
    # one account from two networks within this many minutes
    concurrent_minutes: int | None = 10
    # fields the role's purpose allows (None = any)
    allowed_fields: frozenset[str] | None = None
    # an account unused for this many days that becomes active
    dormant_days: int | None = 30
    # a source address never seen before for an account with this much history (days)
    new_source_after_days: int | None = 7


@dataclass(frozen=True, slots=True)
class WatchRules:
    """Rules for every role, a default for unknown roles, and the local time zone."""

    default: RoleRules = field(default_factory=RoleRules)
    roles: dict[str, RoleRules] = field(default_factory=dict)
    timezone: str = "Asia/Seoul"
    holidays: frozenset[dt.date] = frozenset()

    def for_role(self, role: str | None) -> RoleRules:
        return self.roles.get(role or "", self.default)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_ROLE_FIELDS = {f.name: f for f in fields(RoleRules)}


def _role(raw: Any, where: str, base: RoleRules) -> RoleRules:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a mapping of rule settings")
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _ROLE_FIELDS:
            known = ", ".join(sorted(_ROLE_FIELDS))
            raise UsageError(f"{where}: unknown setting {key!r}; known settings: {known}")
        default = getattr(base, key)
        if key in ("workdays",):
            if not isinstance(value, list) or not all(
                isinstance(d, int) and 0 <= d <= 6 for d in value
            ):
                raise UsageError(f"{where}.{key}: expected a list of weekday numbers 0-6")
            value = frozenset(value)
        elif key == "allowed_fields":
            if value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                raise UsageError(f"{where}.{key}: expected a list of field names or null")
            value = None if value is None else frozenset(value)
        elif value is None:
            pass
        elif (
            isinstance(default, bool)
            or not isinstance(value, int | float)
            or isinstance(value, bool)
        ):
            raise UsageError(f"{where}.{key}: expected a number, got {type(value).__name__}")
        elif isinstance(value, int | float) and value < 0:
            raise UsageError(f"{where}.{key}: must not be negative")
        changes[key] = value
    rules = replace(base, **changes)
    if not (0 <= rules.work_start <= 24 and 0 <= rules.work_end <= 24):
        raise UsageError(f"{where}: work_start and work_end are hours 0-24")
    return rules


def parse_rules(raw: Any, source: str = "rules") -> WatchRules:
    """Rules from the parsed YAML/JSON document (see docs/watch.md for the format)."""
    if raw is None:
        return WatchRules()
    if not isinstance(raw, dict):
        raise UsageError(f"{source}: expected a mapping with 'default', 'roles', 'timezone'")
    unknown = set(raw) - {"default", "roles", "timezone", "holidays"}
    if unknown:
        raise UsageError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    default = _role(raw.get("default", {}), f"{source}: default", RoleRules())
    roles_raw = raw.get("roles", {})
    if not isinstance(roles_raw, dict):
        raise UsageError(f"{source}: roles must map role names to settings")
    roles = {str(k): _role(v, f"{source}: roles.{k}", default) for k, v in roles_raw.items()}
    tz = str(raw.get("timezone", "Asia/Seoul"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{source}: unknown time zone {tz!r}") from None
    holidays: set[dt.date] = set()
    for h in raw.get("holidays", []) or []:
        try:
            holidays.add(dt.date.fromisoformat(str(h)))
        except ValueError:
            raise UsageError(f"{source}: holiday {h!r} is not a YYYY-MM-DD date") from None
    return WatchRules(default, roles, tz, frozenset(holidays))


def load_rules(path: str | Path) -> WatchRules:
    """Read rules from a YAML or JSON file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read rules file {p}: {exc.strerror}") from None
    try:
        if p.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            import yaml

            raw = yaml.safe_load(text)
    except Exception as exc:  # yaml/json syntax errors carry the line number
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{p}:{line} is not valid YAML/JSON") from None
    return parse_rules(raw, str(p))
