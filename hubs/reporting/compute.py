"""Turn an indicator's recipe into set-based SQL over `activity_events` (true counts).

For one indicator this issues one statement covering every period type it reports: the
counted events are read once into a common table expression, turned into *units* (one row
per counted thing and period type: an event, or a person in a period, or a person in a
12-month window), and the units are grouped once per area level (city, hub) and breakdown,
all joined by UNION ALL. Medians use percentile_cont on PostgreSQL and window functions on
SQLite. Python only ever sees grouped cells, never events.

The true counts returned here never leave the refresh: `hubs.reporting.refresh` suppresses
them before anything is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from hubs.reporting import periods
from hubs.reporting.indicators import (
    TOTAL_VALUE,
    UNKNOWN_VALUE,
    Breakdown,
    Granularity,
    Indicator,
    Median,
    Rolling,
)
from hubs.reporting.models import ActivityEvent
from hubs.reporting.sql import as_text, number, text
from hubs.reporting.units import units

EVENTS = ActivityEvent.__table__


class CellKey(NamedTuple):
    """A cell of an indicator (a tuple: cheap to hash, and there are many)."""

    granularity: Granularity
    period_start: dt.date
    team_id: int | None  # None: the whole city
    breakdown: Breakdown
    value: str


@dataclass
class RawCell:
    numerator: int
    denominator: int
    values: int = 0
    median: float | None = None


# --- Snapshots ------------------------------------------------------------------------------


def snapshot_month(start: dt.date, granularity: Granularity, until: dt.date) -> dt.date:
    """The month whose 12-month snapshot stands for a period: its last month, or the
    current month while the period is still running."""
    last = periods.add_months(periods.end_of(start, granularity), -1)
    return min(last, periods.start_of(until, Granularity.MONTH))


def snapshots(
    indicator: Indicator, cells: dict[CellKey, RawCell], until: dt.date
) -> dict[CellKey, RawCell]:
    """Monthly snapshot cells copied to every period type the indicator reports."""
    result: dict[CellKey, RawCell] = {}
    for key, cell in cells.items():
        for g in indicator.periods:
            start = periods.start_of(key.period_start, g)
            if snapshot_month(start, g, until) == key.period_start:
                result[key._replace(granularity=g, period_start=start)] = cell
    return result


# --- Grouping -------------------------------------------------------------------------------


def breakdown_expression(units: Any, breakdown: Breakdown) -> sa.ColumnElement[str]:
    """The breakdown value of a unit as text ("all" for the total, "unknown" when missing)."""
    if breakdown == Breakdown.TOTAL:
        return text(TOTAL_VALUE)
    if breakdown == Breakdown.IMD_QUINTILE:
        return sa.func.coalesce(as_text(units.c.imd_quintile), text(UNKNOWN_VALUE))
    if breakdown == Breakdown.INTERPRETER:
        return sa.case((units.c.interpreter == number(1), text("yes")), else_=text("no"))
    if breakdown == Breakdown.KIND:
        return sa.func.coalesce(units.c.kind, text(UNKNOWN_VALUE))
    return sa.func.coalesce(units.c[breakdown.value], text(UNKNOWN_VALUE))


def _split(units: Any, breakdown: Breakdown, by_team: bool, value: Any) -> list[Any]:
    """What a grouping adds to the period: the hub, and the breakdown value (PostgreSQL
    refuses a constant in GROUP BY, so the total adds nothing)."""
    team = [units.c.team_id] if by_team else []
    return team if breakdown == Breakdown.TOTAL else [*team, value]


def _grouped(units: Any, breakdown: Breakdown, by_team: bool, percentile: bool) -> Select[Any]:
    value = breakdown_expression(units, breakdown)
    team = units.c.team_id if by_team else sa.cast(sa.null(), sa.Integer)
    median = (
        sa.func.percentile_cont(0.5).within_group(units.c.val)
        if percentile
        else sa.cast(sa.null(), sa.Float)
    )
    query = sa.select(
        units.c.granularity,
        units.c.period,
        team.label("team_id"),
        text(breakdown.value).label("breakdown"),
        value.label("value"),
        sa.func.sum(units.c.num).label("num"),
        sa.func.sum(units.c.den).label("den"),
        sa.func.count(units.c.val).label("n_values"),
        median.label("median"),
    ).group_by(units.c.granularity, units.c.period, *_split(units, breakdown, by_team, value))
    return query.where(units.c.team_id.is_not(None)) if by_team else query


def _median(units: Any, breakdown: Breakdown, by_team: bool) -> Select[Any]:
    """The median by window functions (SQLite has no percentile_cont)."""
    value = breakdown_expression(units, breakdown)
    partition = [units.c.granularity, units.c.period, *_split(units, breakdown, by_team, value)]
    ranked = (
        sa.select(
            units.c.granularity,
            units.c.period,
            (units.c.team_id if by_team else sa.cast(sa.null(), sa.Integer)).label("team_id"),
            value.label("value"),
            units.c.val,
            sa.func.row_number().over(partition_by=partition, order_by=units.c.val).label("rn"),
            sa.func.count().over(partition_by=partition).label("n"),
        )
        .where(units.c.val.is_not(None))
        .where(units.c.team_id.is_not(None) if by_team else sa.true())
        .subquery()
    )
    # The middle row, or the mean of the two middle rows (integer division on purpose).
    middle = sa.or_(
        ranked.c.rn == (ranked.c.n + number(1)) // number(2),
        ranked.c.rn == (ranked.c.n + number(2)) // number(2),
    )
    return (
        sa.select(
            ranked.c.granularity,
            ranked.c.period,
            ranked.c.team_id,
            text(breakdown.value).label("breakdown"),
            ranked.c.value,
            sa.func.avg(ranked.c.val).label("median"),
        )
        .where(middle)
        .group_by(ranked.c.granularity, ranked.c.period, ranked.c.team_id, ranked.c.value)
    )


@cache
def _breakdown(value: str) -> Breakdown:
    return Breakdown(value)


@cache
def _granularity(value: str) -> Granularity:
    return Granularity(value)


@cache
def _as_date(value: Any) -> dt.date:
    # SQLite returns the computed period as text; PostgreSQL as a date.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _key(row: Any) -> CellKey:
    return CellKey(
        _granularity(row.granularity),
        _as_date(row.period),
        row.team_id,
        _breakdown(row.breakdown),
        row.value,
    )


def compute(
    session: Session, indicator: Indicator, first: dt.date, until: dt.date
) -> dict[CellKey, RawCell]:
    """True counts for every period type, period, area and breakdown value of one indicator."""
    found = units(indicator, first, until)
    if found is None:
        return {}
    levels = ((found[0], False), (found[1], True))
    percentile = session.get_bind().dialect.name == "postgresql"
    wants_median = isinstance(indicator.recipe, Median)
    grouped = [
        _grouped(u, b, by_team, percentile and wants_median)
        for u, by_team in levels
        for b in indicator.all_breakdowns
    ]
    cells = {
        _key(row): RawCell(
            int(row.num or 0),
            int(row.den or 0),
            int(row.n_values or 0),
            None if row.median is None else float(row.median),
        )
        for row in session.execute(sa.union_all(*grouped))
    }
    if isinstance(indicator.recipe, Rolling):
        return snapshots(indicator, cells, until)
    if wants_median and not percentile:
        ranked = [_median(u, b, by_team) for u, by_team in levels for b in indicator.all_breakdowns]
        for row in session.execute(sa.union_all(*ranked)):
            cell = cells.get(_key(row))
            if cell is not None:
                cell.median = float(row.median)
    return cells


def first_event_date(session: Session) -> dt.date | None:
    """The earliest counted event: periods start there."""
    return session.scalar(
        sa.select(sa.func.min(EVENTS.c.occurred_on)).where(EVENTS.c.opted_out.is_(False))
    )
