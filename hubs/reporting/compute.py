"""Turn an indicator's recipe into set-based SQL over `activity_events` (true counts).

For one indicator and one granularity this issues a single statement: a *units* query (one
row per counted thing: an event, or a person in a period) as a common table expression,
grouped once per area level (city, hub) and breakdown, all joined by UNION ALL. Medians use
window functions in a second statement. Python only sees the grouped cells, never events.

The true counts returned here never leave the refresh: `hubs.reporting.refresh` suppresses
them before anything is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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
# Columns every units query carries, in this order.
UNIT_COLUMNS = (
    "period",
    "hub_id",
    "age_band",
    "sex",
    "ethnic_group",
    "imd_quintile",
    "interpreter",
    "kind",
    "num",
    "den",
    "val",
)


@dataclass(frozen=True)
class CellKey:
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


def _event_units(indicator: Indicator, g: Granularity, until: dt.date) -> Select[Any]:
    """One row per event (shares, medians, event counts)."""
    recipe = indicator.recipe
    assert isinstance(recipe, Share | Median | Count)
    filters = _counted_events(recipe.events, until)
    num: sa.ColumnElement[int] = number(1)
    if isinstance(recipe, Share):
        num = sa.case((_condition(recipe.numerator), number(1)), else_=number(0))
    if isinstance(recipe, Count):
        if recipe.where is not None:
            filters.append(_condition(recipe.where))
        if recipe.age_bands:
            filters.append(EVENTS.c.age_band.in_(recipe.age_bands))
    return sa.select(
        period_start(EVENTS.c.occurred_on, g).label("period"),
        EVENTS.c.hub_id,
        EVENTS.c.age_band,
        EVENTS.c.sex,
        EVENTS.c.ethnic_group,
        EVENTS.c.imd_quintile,
        _interpreter(EVENTS.c.interpreter_needed).label("interpreter"),
        EVENTS.c.detail.label("kind"),
        num.label("num"),
        number(1).label("den"),
        EVENTS.c.value.label("val"),
    ).where(*filters)


def _person_attributes(source: Any) -> list[sa.ColumnElement[Any]]:
    # A person is one unit per period; if a breakdown attribute changed between their
    # events (a birthday into the next band), the highest code is used so they count once.
    return [
        sa.func.max(source.age_band).label("age_band"),
        sa.func.max(source.sex).label("sex"),
        sa.func.max(source.ethnic_group).label("ethnic_group"),
        sa.func.max(source.imd_quintile).label("imd_quintile"),
        sa.func.max(source.interpreter).label("interpreter"),
        sa.func.max(source.kind).label("kind"),
    ]


def _people_units(
    indicator: Indicator, g: Granularity, until: dt.date, by_hub: bool
) -> Select[Any]:
    """One row per person per period (and per hub, for the hub level)."""
    recipe = indicator.recipe
    assert isinstance(recipe, Count | PopulationRate | RateRatio)
    filters = _counted_events(recipe.events, until)
    where = getattr(recipe, "where", None)
    if where is not None:
        filters.append(_condition(where))
    if getattr(recipe, "age_bands", None):
        filters.append(EVENTS.c.age_band.in_(recipe.age_bands))  # type: ignore[union-attr]
    events = (
        sa.select(
            period_start(EVENTS.c.occurred_on, g).label("period"),
            EVENTS.c.pseudonym,
            EVENTS.c.hub_id,
            EVENTS.c.age_band,
            EVENTS.c.sex,
            EVENTS.c.ethnic_group,
            EVENTS.c.imd_quintile,
            _interpreter(EVENTS.c.interpreter_needed).label("interpreter"),
            EVENTS.c.detail.label("kind"),
        )
        .where(*filters)
        .subquery("person_events")
    )
    keys = [events.c.period, events.c.pseudonym] + ([events.c.hub_id] if by_hub else [])
    hub = events.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer).label("hub_id")
    return sa.select(
        events.c.period,
        hub,
        *_person_attributes(events.c),
        number(1).label("num"),
        number(1).label("den"),
        sa.cast(sa.null(), sa.Float).label("val"),
    ).group_by(*keys)


def _period_windows(g: Granularity, first: dt.date, until: dt.date, months: int) -> Any:
    """A small inline table: each period, and the 12 months that end with it."""
    rows = []
    for start in periods.between(first, until, g):
        end = periods.end_of(start, g)
        rows.append(
            sa.select(
                sa.literal(start, sa.Date).label("period"),
                sa.literal(periods.add_months(end, -months), sa.Date).label("window_start"),
                sa.literal(end, sa.Date).label("window_end"),
            )
        )
    if not rows:
        return None
    return sa.union_all(*rows).subquery("windows")


def _rolling_units(
    indicator: Indicator, g: Granularity, first: dt.date, until: dt.date, by_hub: bool
) -> Select[Any] | None:
    """One row per person in the cohort at the end of each period (12-month window)."""
    recipe = indicator.recipe
    assert isinstance(recipe, Rolling)
    windows = _period_windows(g, first, until, recipe.months)
    if windows is None:
        return None
    types = tuple(dict.fromkeys(recipe.cohort + recipe.numerator))
    in_cohort = EVENTS.c.event_type.in_([t.value for t in recipe.cohort])
    counts = EVENTS.c.event_type.in_([t.value for t in recipe.numerator])
    if recipe.detail_in:
        counts = sa.and_(counts, EVENTS.c.detail.in_(recipe.detail_in))
    rows = (
        sa.select(
            windows.c.period,
            EVENTS.c.pseudonym,
            EVENTS.c.hub_id,
            EVENTS.c.age_band,
            EVENTS.c.sex,
            EVENTS.c.ethnic_group,
            EVENTS.c.imd_quintile,
            _interpreter(EVENTS.c.interpreter_needed).label("interpreter"),
            EVENTS.c.detail.label("kind"),
            sa.case((in_cohort, number(1)), else_=number(0)).label("in_cohort"),
            sa.case((counts, number(1)), else_=number(0)).label("counts"),
            EVENTS.c.detail.label("detail"),
        )
        .select_from(windows)
        .join(
            EVENTS,
            sa.and_(
                EVENTS.c.occurred_on >= windows.c.window_start,
                EVENTS.c.occurred_on < windows.c.window_end,
            ),
        )
        .where(*_counted_events(types, until))
        .subquery("window_events")
    )
    if recipe.distinct_details:
        met = sa.func.count(sa.distinct(sa.case((rows.c.counts == number(1), rows.c.detail)))) >= (
            number(recipe.distinct_details)
        )
    else:
        met = sa.func.sum(rows.c.counts) > number(0)
    keys = [rows.c.period, rows.c.pseudonym] + ([rows.c.hub_id] if by_hub else [])
    hub = rows.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer).label("hub_id")
    return (
        sa.select(
            rows.c.period,
            hub,
            *_person_attributes(rows.c),
            sa.case((met, number(1)), else_=number(0)).label("num"),
            number(1).label("den"),
            sa.cast(sa.null(), sa.Float).label("val"),
        )
        .group_by(*keys)
        .having(sa.func.sum(rows.c.in_cohort) > number(0))
    )


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


def _grouped(units: Any, breakdown: Breakdown, by_hub: bool) -> Select[Any]:
    value = breakdown_expression(units, breakdown)
    hub = units.c.hub_id if by_hub else sa.cast(sa.null(), sa.Integer)
    query = sa.select(
        units.c.period,
        hub.label("hub_id"),
        text(breakdown.value).label("breakdown"),
        value.label("value"),
        sa.func.sum(units.c.num).label("num"),
        sa.func.sum(units.c.den).label("den"),
        sa.func.count(units.c.val).label("values"),
    ).group_by(units.c.period, *([units.c.hub_id] if by_hub else []), value)
    return query.where(units.c.hub_id.is_not(None)) if by_hub else query


def _median(units: Any, breakdown: Breakdown, by_hub: bool) -> Select[Any]:
    value = breakdown_expression(units, breakdown)
    partition = [units.c.period, *([units.c.hub_id] if by_hub else []), value]
    ranked = (
        sa.select(
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
            ranked.c.period,
            ranked.c.hub_id,
            text(breakdown.value).label("breakdown"),
            ranked.c.value,
            sa.func.avg(ranked.c.val).label("median"),
        )
        .where(middle)
        .group_by(ranked.c.period, ranked.c.hub_id, ranked.c.value)
    )


def _units(
    indicator: Indicator, g: Granularity, first: dt.date, until: dt.date, by_hub: bool
) -> Select[Any] | None:
    recipe = indicator.recipe
    if isinstance(recipe, Rolling):
        return _rolling_units(indicator, g, first, until, by_hub)
    if isinstance(recipe, PopulationRate | RateRatio) or (
        isinstance(recipe, Count) and recipe.people
    ):
        return _people_units(indicator, g, until, by_hub)
    return _event_units(indicator, g, until)


def _run(
    session: Session, indicator: Indicator, g: Granularity, first: dt.date, until: dt.date
) -> tuple[list[Any], list[Any]]:
    city = _units(indicator, g, first, until, by_hub=False)
    hub = _units(indicator, g, first, until, by_hub=True)
    if city is None or hub is None:
        return [], []
    city_units, hub_units = city.cte("city_units"), hub.cte("hub_units")
    grouped = [
        _grouped(units, breakdown, by_hub)
        for units, by_hub in ((city_units, False), (hub_units, True))
        for breakdown in indicator.all_breakdowns
    ]
    rows = list(session.execute(sa.union_all(*grouped)))
    medians: list[Any] = []
    if isinstance(indicator.recipe, Median):
        ranked = [
            _median(units, breakdown, by_hub)
            for units, by_hub in ((city_units, False), (hub_units, True))
            for breakdown in indicator.all_breakdowns
        ]
        medians = list(session.execute(sa.union_all(*ranked)))
    return rows, medians


def _as_date(value: Any) -> dt.date:
    # SQLite returns the computed period as text; PostgreSQL as a date.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def compute(
    session: Session, indicator: Indicator, g: Granularity, first: dt.date, until: dt.date
) -> dict[CellKey, RawCell]:
    """True counts for every period, area and breakdown value of one indicator."""
    rows, medians = _run(session, indicator, g, first, until)
    cells: dict[CellKey, RawCell] = {}
    for row in rows:
        key = CellKey(g, _as_date(row.period), row.hub_id, Breakdown(row.breakdown), row.value)
        cells[key] = RawCell(int(row.num or 0), int(row.den or 0), int(row.values or 0))
    for row in medians:
        key = CellKey(g, _as_date(row.period), row.hub_id, Breakdown(row.breakdown), row.value)
        if key in cells:
            cells[key].median = float(row.median)
    return cells


def first_event_date(session: Session) -> dt.date | None:
    """The earliest counted event: periods start there."""
    return session.scalar(
        sa.select(sa.func.min(EVENTS.c.occurred_on)).where(EVENTS.c.opted_out.is_(False))
    )
