"""Reporting periods: calendar months, and NHS financial quarters and years (April to March)."""

from __future__ import annotations

import datetime as dt

from hubs.reporting.indicators import Granularity

MONTHS = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (periods always start on the 1st)."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def start_of(day: dt.date, granularity: Granularity) -> dt.date:
    """The first day of the period containing `day` (as `hubs.reporting.sql.period_start`)."""
    first = day.replace(day=1)
    if granularity == Granularity.MONTH:
        return first
    if granularity == Granularity.QUARTER:
        return add_months(first, -((day.month - 1) % 3))
    year = day.year if day.month >= 4 else day.year - 1
    return dt.date(year, 4, 1)


def end_of(start: dt.date, granularity: Granularity) -> dt.date:
    """The day after the period (periods are half-open: start <= day < end)."""
    return add_months(start, MONTHS[granularity])


def last_day(start: dt.date, granularity: Granularity) -> dt.date:
    return end_of(start, granularity) - dt.timedelta(days=1)


def financial_year(start: dt.date) -> str:
    year = start.year if start.month >= 4 else start.year - 1
    return f"{year}/{(year + 1) % 100:02d}"


def label(start: dt.date, granularity: Granularity) -> str:
    """How people name the period: "January 2026", "2025/26 Q4", "2025/26"."""
    if granularity == Granularity.MONTH:
        return start.strftime("%B %Y")
    if granularity == Granularity.QUARTER:
        quarter = ((start.month - 4) % 12) // 3 + 1
        return f"{financial_year(start)} Q{quarter}"
    return financial_year(start)


def short_label(start: dt.date, granularity: Granularity) -> str:
    if granularity == Granularity.MONTH:
        return start.strftime("%b %Y")
    return label(start, granularity)


def code(start: dt.date, granularity: Granularity) -> str:
    """A stable code for URLs and exports: 2026-01, 2025-26-Q4, 2025-26."""
    if granularity == Granularity.MONTH:
        return start.strftime("%Y-%m")
    return label(start, granularity).replace("/", "-").replace(" ", "-")


def between(first: dt.date, last: dt.date, granularity: Granularity) -> list[dt.date]:
    """Every period start from the period containing `first` to the one containing `last`."""
    starts = []
    current = start_of(first, granularity)
    while current <= last:
        starts.append(current)
        current = end_of(current, granularity)
    return starts


def contains(outer: dt.date, outer_g: Granularity, inner: dt.date, inner_g: Granularity) -> bool:
    return outer <= inner and end_of(inner, inner_g) <= end_of(outer, outer_g)
