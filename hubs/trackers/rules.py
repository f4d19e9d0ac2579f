"""The SMI physical health check rule (DESIGN §4), as a pure function of dates.

Complete means all six elements were done within the last 12 months. A person's check
becomes incomplete again on the anniversary of its oldest element, so "due by" is shown too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hubs.trackers.models import HealthCheckElement

VALID_FOR_MONTHS = 12


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier; a day the month lacks (29 February) falls back."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return dt.date(year, month_index + 1, min(day.day, last_day))


def months_after(day: dt.date, months: int) -> dt.date:
    return months_before(day, -months)


@dataclass(frozen=True)
class HealthCheckStatus:
    """Which elements are in date today, and when the check stops being complete."""

    latest: dict[HealthCheckElement, dt.date]
    in_date: frozenset[HealthCheckElement]

    @property
    def missing(self) -> list[HealthCheckElement]:
        return [e for e in HealthCheckElement if e not in self.in_date]

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def complete_until(self) -> dt.date | None:
        """The last day the check counts as complete, while it is."""
        if not self.is_complete:
            return None
        return months_after(min(self.latest.values()), VALID_FOR_MONTHS)


def health_check_status(
    records: Iterable[tuple[HealthCheckElement, dt.date]], today: dt.date
) -> HealthCheckStatus:
    """Complete when each of the six elements was done in the 12 months up to today."""
    earliest_valid = months_before(today, VALID_FOR_MONTHS)
    latest: dict[HealthCheckElement, dt.date] = {}
    for element, done_on in records:
        if done_on <= today and (element not in latest or done_on > latest[element]):
            latest[element] = done_on
    in_date = frozenset(e for e, d in latest.items() if d >= earliest_valid)
    return HealthCheckStatus(latest, in_date)
