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
    Count,
    Granularity,
    Indicator,
    Median,
    PopulationRate,
    RateRatio,
    Rolling,
    Share,
    Where,
)
from hubs.reporting.models import ActivityEvent
from hubs.reporting.sql import as_text, number, period_start, text

EVENTS = ActivityEvent.__table__
ATTRIBUTES = ("age_band", "sex", "ethnic_group", "imd_quintile", "interpreter", "kind")


class CellKey(NamedTuple):
    """A cell of an indicator (a tuple: cheap to hash, and there are many)."""

    granularity: Granularity
    period_start: dt.date
    hub_id: int | None  # None: the whole city
    breakdown: Breakdown
    value: str


@dataclass
class RawCell:
    numerator: int
    denominator: int
    values: int = 0
    median: float | None = None


# --- Counted events -------------------------------------------------------------------------


def _condition(where: Where) -> sa.ColumnElement[bool]:
    column = EVENTS.c[where.column]
    operand = where.operand
    if where.op == "<=":
        return column <= operand
    if where.op == "==":
        return column == operand
    if where.op == "in":
        return column.in_(operand)  # type: ignore[arg-type]
    if where.op == "not in":
        # A missing code is not a plan: "not in" is false for NULL, as SQL has it.
        return sa.and_(column.is_not(None), column.not_in(operand))  # type: ignore[arg-type]
    raise ValueError(f"unknown operator {where.op}")


def _counted_events(types: tuple[Any, ...], until: dt.date) -> list[sa.ColumnElement[bool]]:
    # Opted-out people never count: the strategy indicators are a secondary use.
    return [
        EVENTS.c.event_type.in_([t.value for t in types]),
        EVENTS.c.opted_out.is_(False),
        EVENTS.c.occurred_on <= until,
    ]


def _interpreter(column: Any) -> sa.ColumnElement[int]:
    return sa.case((column.is_(True), number(1)), else_=number(0))


def _event_columns() -> list[sa.ColumnElement[Any]]:
    return [
        EVENTS.c.pseudonym,
        EVENTS.c.hub_id,
        EVENTS.c.age_band,
        EVENTS.c.sex,
        EVENTS.c.ethnic_group,
        EVENTS.c.imd_quintile,
        _interpreter(EVENTS.c.interpreter_needed).label("interpreter"),
        EVENTS.c.detail.label("kind"),
    ]


def _periods_of(date: Any, granularities: tuple[Granularity, ...]) -> list[Any]:
    return [period_start(date, g).label(f"p_{g.value}") for g in granularities]


def _filters(indicator: Indicator, until: dt.date) -> list[sa.ColumnElement[bool]]:
    recipe = indicator.recipe
    assert not isinstance(recipe, Rolling)
    filters = _counted_events(recipe.events, until)
    where = getattr(recipe, "where", None)
    if where is not None:
        filters.append(_condition(where))
    bands = getattr(recipe, "age_bands", None)
    if bands:
        filters.append(EVENTS.c.age_band.in_(bands))
    return filters


def _base(indicator: Indicator, until: dt.date) -> Any:
    """The counted events, read once, with the start of each period they fall in."""
    recipe = indicator.recipe
    num: sa.ColumnElement[int] = number(1)
    if isinstance(recipe, Share):
        num = sa.case((_condition(recipe.numerator), number(1)), else_=number(0))
    return (
        sa.select(
            *_periods_of(EVENTS.c.occurred_on, indicator.periods),
            *_event_columns(),
            num.label("num"),
            EVENTS.c.value.label("val"),
        )
        .where(*_filters(indicator, until))
        .cte("counted")
    )


# --- Units: one row per counted thing, per period type --------------------------------------


def _event_units(indicator: Indicator, base: Any) -> Any:
    """One row per event and period type (shares, medians, event counts)."""
    return sa.union_all(
        *[
            sa.select(
                text(g.value).label("granularity"),
                base.c[f"p_{g.value}"].label("period"),
                base.c.hub_id,
                *[base.c[a] for a in ATTRIBUTES],
                base.c.num,
                number(1).label("den"),
                base.c.val,
            )
            for g in indicator.periods
        ]
    )


def _person_attributes(source: Any) -> list[sa.ColumnElement[Any]]:
    # A person is one unit per period; if a breakdown attribute changed between their
    # events (a birthday into the next band), the highest code is used so they count once.
    return [sa.func.max(source[a]).label(a) for a in ATTRIBUTES]


def _people_units(indicator: Indicator, base: Any, by_hub: bool) -> Any:
    """One row per person per period (and per hub, for the hub level)."""
    selects = []
    for g in indicator.periods:
        period = base.c[f"p_{g.value}"]
        keys = [period, base.c.pseudonym] + ([base.c.hub_id] if by_hub else [])
        hub = base.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer).label("hub_id")
        selects.append(
            sa.select(
                text(g.value).label("granularity"),
                period.label("period"),
                hub,
                *_person_attributes(base.c),
                number(1).label("num"),
                number(1).label("den"),
                sa.cast(sa.null(), sa.Float).label("val"),
            ).group_by(*keys)
        )
    return sa.union_all(*selects)


def _period_windows(first: dt.date, until: dt.date, months: int) -> Any:
    """A small inline table: each month, and the 12 months that end with it. A quarter's
    or year's figure is the snapshot at its last month (`snapshots`), so only months are
    computed."""
    rows = []
    for start in periods.between(first, until, Granularity.MONTH):
        end = periods.end_of(start, Granularity.MONTH)
        rows.append(
            sa.select(
                text(Granularity.MONTH.value).label("granularity"),
                sa.literal(start, sa.Date).label("period"),
                sa.literal(periods.add_months(end, -months), sa.Date).label("window_start"),
                sa.literal(end, sa.Date).label("window_end"),
            )
        )
    return sa.union_all(*rows).cte("windows") if rows else None


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


def _person_months(recipe: Rolling, until: dt.date) -> Any:
    """One narrow row per person, hub and month (and counted detail code, when distinct
    codes matter), so the 12-month windows join months, not every event twelve times."""
    types = tuple(dict.fromkeys(recipe.cohort + recipe.numerator))
    in_cohort = EVENTS.c.event_type.in_([t.value for t in recipe.cohort])
    counts = EVENTS.c.event_type.in_([t.value for t in recipe.numerator])
    if recipe.detail_in:
        counts = sa.and_(counts, EVENTS.c.detail.in_(recipe.detail_in))
    counted_detail = sa.case((counts, EVENTS.c.detail)) if recipe.distinct_details else None
    month = period_start(EVENTS.c.occurred_on, Granularity.MONTH)
    keys = [month, EVENTS.c.pseudonym, EVENTS.c.hub_id]
    if counted_detail is not None:
        keys.append(counted_detail)
    return (
        sa.select(
            month.label("month"),
            EVENTS.c.pseudonym,
            EVENTS.c.hub_id,
            sa.func.max(sa.case((in_cohort, number(1)), else_=number(0))).label("in_cohort"),
            sa.func.max(sa.case((counts, number(1)), else_=number(0))).label("counts"),
            (counted_detail if counted_detail is not None else sa.null()).label("detail"),
        )
        .where(*_counted_events(types, until))
        .group_by(*keys)
        .cte("person_months")
    )


def _rolling_people(recipe: Rolling, until: dt.date, by_hub: bool) -> Any:
    """Each person's breakdown values (per hub at the hub level), joined after the windows
    so the amplified 12-month rows stay narrow. Values that changed over time (an age band)
    take the highest code, as for every people count."""
    types = tuple(dict.fromkeys(recipe.cohort + recipe.numerator))
    columns = _event_columns()
    keys = [EVENTS.c.pseudonym] + ([EVENTS.c.hub_id] if by_hub else [])
    return (
        sa.select(*keys, *[sa.func.max(c).label(c.name) for c in columns[2:]])
        .where(*_counted_events(types, until))
        .group_by(*keys)
        .cte("people_hub" if by_hub else "people_city")
    )


def _rolling_units(
    recipe: Rolling, windows: Any, months: Any, people: Any, by_hub: bool
) -> Select[Any]:
    """One row per person in the cohort at the end of each month (12-month window)."""
    joined = sa.and_(
        months.c.month >= windows.c.window_start, months.c.month < windows.c.window_end
    )
    if recipe.distinct_details:
        met = sa.func.count(sa.distinct(months.c.detail)) >= number(recipe.distinct_details)
    else:
        met = sa.func.max(months.c.counts) > number(0)
    keys = [windows.c.granularity, windows.c.period, months.c.pseudonym]
    keys += [months.c.hub_id] if by_hub else []
    members = (
        sa.select(*keys, sa.case((met, number(1)), else_=number(0)).label("num"))
        .select_from(windows)
        .join(months, joined)
        .group_by(*keys)
        .having(sa.func.max(months.c.in_cohort) > number(0))
        .subquery("members")
    )
    on = members.c.pseudonym == people.c.pseudonym
    if by_hub:
        on = sa.and_(on, members.c.hub_id == people.c.hub_id)
    hub = members.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer).label("hub_id")
    return sa.select(
        members.c.granularity,
        members.c.period,
        hub,
        *[people.c[a] for a in ATTRIBUTES],
        members.c.num,
        number(1).label("den"),
        sa.cast(sa.null(), sa.Float).label("val"),
    ).join_from(members, people, on)


def units(indicator: Indicator, first: dt.date, until: dt.date) -> tuple[Any, Any] | None:
    """The (city, hub) units of an indicator as common table expressions."""
    recipe = indicator.recipe
    if isinstance(recipe, Rolling):
        windows = _period_windows(first, until, recipe.months)
        if windows is None:
            return None
        months = _person_months(recipe, until)
        city = _rolling_units(
            recipe, windows, months, _rolling_people(recipe, until, False), by_hub=False
        )
        hub = _rolling_units(
            recipe, windows, months, _rolling_people(recipe, until, True), by_hub=True
        )
        return city.cte("city_units"), hub.cte("hub_units")
    base = _base(indicator, until)
    if isinstance(recipe, PopulationRate | RateRatio) or (
        isinstance(recipe, Count) and recipe.people
    ):
        return (
            _people_units(indicator, base, by_hub=False).cte("city_units"),
            _people_units(indicator, base, by_hub=True).cte("hub_units"),
        )
    events = _event_units(indicator, base).cte("units")
    return events, events


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


def _split(units: Any, breakdown: Breakdown, by_hub: bool, value: Any) -> list[Any]:
    """What a grouping adds to the period: the hub, and the breakdown value (PostgreSQL
    refuses a constant in GROUP BY, so the total adds nothing)."""
    hub = [units.c.hub_id] if by_hub else []
    return hub if breakdown == Breakdown.TOTAL else [*hub, value]


def _grouped(units: Any, breakdown: Breakdown, by_hub: bool, percentile: bool) -> Select[Any]:
    value = breakdown_expression(units, breakdown)
    hub = units.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer)
    median = (
        sa.func.percentile_cont(0.5).within_group(units.c.val)
        if percentile
        else sa.cast(sa.null(), sa.Float)
    )
    query = sa.select(
        units.c.granularity,
        units.c.period,
        hub.label("hub_id"),
        text(breakdown.value).label("breakdown"),
        value.label("value"),
        sa.func.sum(units.c.num).label("num"),
        sa.func.sum(units.c.den).label("den"),
        sa.func.count(units.c.val).label("n_values"),
        median.label("median"),
    ).group_by(units.c.granularity, units.c.period, *_split(units, breakdown, by_hub, value))
    return query.where(units.c.hub_id.is_not(None)) if by_hub else query


def _median(units: Any, breakdown: Breakdown, by_hub: bool) -> Select[Any]:
    """The median by window functions (SQLite has no percentile_cont)."""
    value = breakdown_expression(units, breakdown)
    partition = [units.c.granularity, units.c.period, *_split(units, breakdown, by_hub, value)]
    ranked = (
        sa.select(
            units.c.granularity,
            units.c.period,
            (units.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer)).label("hub_id"),
            value.label("value"),
            units.c.val,
            sa.func.row_number().over(partition_by=partition, order_by=units.c.val).label("rn"),
            sa.func.count().over(partition_by=partition).label("n"),
        )
        .where(units.c.val.is_not(None))
        .where(units.c.hub_id.is_not(None) if by_hub else sa.true())
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
            ranked.c.hub_id,
            text(breakdown.value).label("breakdown"),
            ranked.c.value,
            sa.func.avg(ranked.c.val).label("median"),
        )
        .where(middle)
        .group_by(ranked.c.granularity, ranked.c.period, ranked.c.hub_id, ranked.c.value)
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
        row.hub_id,
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
        _grouped(u, b, by_hub, percentile and wants_median)
        for u, by_hub in levels
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
        ranked = [_median(u, b, by_hub) for u, by_hub in levels for b in indicator.all_breakdowns]
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
