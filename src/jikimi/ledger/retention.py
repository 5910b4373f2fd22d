"""How long access logs must be kept (PIPC safety-measure standard, Art. 8(1)).

One year by default; two years when the controller handles the data of 50,000 or more
subjects, handles unique identification or sensitive information, or is a registered
facility-based telecommunications carrier. The thresholds are data so a new notice changes a
number, not the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LONG_RETENTION_SUBJECTS = 50_000
BASE_YEARS = 1
LONG_YEARS = 2


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """The facts about a controller that decide the access-log retention period."""

    subjects: int = 0
    unique_ids: bool = False
    sensitive: bool = False
    telecom_carrier: bool = False

    @property
    def years(self) -> int:
        long = (
            self.subjects >= LONG_RETENTION_SUBJECTS
            or self.unique_ids
            or self.sensitive
            or self.telecom_carrier
        )
        return LONG_YEARS if long else BASE_YEARS

    @property
    def reason(self) -> str:
        if self.years == BASE_YEARS:
            return "PIPC safety measures Art. 8(1): at least 1 year"
        causes = [
            c
            for c, on in (
                (
                    f">= {LONG_RETENTION_SUBJECTS:,} subjects",
                    self.subjects >= LONG_RETENTION_SUBJECTS,
                ),
                ("unique identification information", self.unique_ids),
                ("sensitive information", self.sensitive),
                ("facility-based telecom carrier", self.telecom_carrier),
            )
            if on
        ]
        return "PIPC safety measures Art. 8(1): at least 2 years (" + ", ".join(causes) + ")"

    def keep_since(self, now: datetime) -> datetime:
        """Entries at or after this instant must be kept; older ones may be purged."""
        return years_before(now, self.years)


def years_before(when: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)
