"""Units: one row per counted thing and period type, as SQL (no rows reach Python).

An event (shares, medians, event counts), a person in a period (people counts and rates),
or a person in the 12 months to a month's end (rolling cohorts). `hubs.reporting.compute`
groups them by area and breakdown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from hubs.reporting import periods
from hubs.reporting.indicators import (
    Count,
    Granularity,
    Indicator,
    PopulationRate,
    RateRatio,
    Rolling,
    Share,
    Where,
)
from hubs.reporting.models import ActivityEvent
from hubs.reporting.sql import number, period_start, text

EVENTS = ActivityEvent.__table__
ATTRIBUTES = ("age_band", "sex", "ethnic_group", "imd_quintile", "interpreter", "kind")


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
        EVENTS.c.team_id,
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
                base.c.team_id,
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


def _people_units(indicator: Indicator, base: Any, by_team: bool) -> Any:
    """One row per person per period (and per hub, for the hub level)."""
    selects = []
    for g in indicator.periods:
        period = base.c[f"p_{g.value}"]
        keys = [period, base.c.pseudonym] + ([base.c.team_id] if by_team else [])
        team = base.c.team_id if by_team else sa.cast(sa.null(), sa.Integer).label("team_id")
        selects.append(
            sa.select(
                text(g.value).label("granularity"),
                period.label("period"),
                team,
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
    keys = [month, EVENTS.c.pseudonym, EVENTS.c.team_id]
    if counted_detail is not None:
        keys.append(counted_detail)
    return (
        sa.select(
            month.label("month"),
            EVENTS.c.pseudonym,
            EVENTS.c.team_id,
            sa.func.max(sa.case((in_cohort, number(1)), else_=number(0))).label("in_cohort"),
            sa.func.max(sa.case((counts, number(1)), else_=number(0))).label("counts"),
            (counted_detail if counted_detail is not None else sa.null()).label("detail"),
        )
        .where(*_counted_events(types, until))
        .group_by(*keys)
        .cte("person_months")
    )


def _rolling_people(recipe: Rolling, until: dt.date, by_team: bool) -> Any:
    """Each person's breakdown values (per hub at the hub level), joined after the windows
    so the amplified 12-month rows stay narrow. Values that changed over time (an age band)
    take the highest code, as for every people count."""
    types = tuple(dict.fromkeys(recipe.cohort + recipe.numerator))
    columns = _event_columns()
    keys = [EVENTS.c.pseudonym] + ([EVENTS.c.team_id] if by_team else [])
    return (
        sa.select(*keys, *[sa.func.max(c).label(c.name) for c in columns[2:]])
        .where(*_counted_events(types, until))
        .group_by(*keys)
        .cte("people_team" if by_team else "people_city")
    )


def _rolling_units(
    recipe: Rolling, windows: Any, months: Any, people: Any, by_team: bool
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
    keys += [months.c.team_id] if by_team else []
    members = (
        sa.select(*keys, sa.case((met, number(1)), else_=number(0)).label("num"))
        .select_from(windows)
        .join(months, joined)
        .group_by(*keys)
        .having(sa.func.max(months.c.in_cohort) > number(0))
        .subquery("members")
    )
    on = members.c.pseudonym == people.c.pseudonym
    if by_team:
        on = sa.and_(on, members.c.team_id == people.c.team_id)
    team = members.c.team_id if by_team else sa.cast(sa.null(), sa.Integer).label("team_id")
    return sa.select(
        members.c.granularity,
        members.c.period,
        team,
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
            recipe, windows, months, _rolling_people(recipe, until, False), by_team=False
        )
        team = _rolling_units(
            recipe, windows, months, _rolling_people(recipe, until, True), by_team=True
        )
        return city.cte("city_units"), team.cte("team_units")
    base = _base(indicator, until)
    if isinstance(recipe, PopulationRate | RateRatio) or (
        isinstance(recipe, Count) and recipe.people
    ):
        return (
            _people_units(indicator, base, by_team=False).cte("city_units"),
            _people_units(indicator, base, by_team=True).cte("team_units"),
        )
    events = _event_units(indicator, base).cte("units")
    return events, events
