"""Read-side selects over the stored, already suppressed indicator values.

Every page, export and API response reads through here, so nothing outside the refresh
ever sees a true count. Area filters are applied in the query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.reporting.indicator_models import CITY, IndicatorValue
from hubs.reporting.indicators import TOTAL_VALUE, Breakdown, Granularity

V = IndicatorValue


def last_refreshed(session: Session) -> dt.datetime | None:
    return session.scalar(sa.select(sa.func.max(V.computed_at)))


def totals(
    session: Session, granularity: Granularity, areas: Iterable[str], indicator_ids: Iterable[str]
) -> dict[tuple[str, str], list[IndicatorValue]]:
    """Total rows per (indicator, area), oldest period first: the trends of the dashboard."""
    rows = session.scalars(
        sa.select(V)
        .where(
            V.period_type == granularity,
            V.area.in_(list(areas)),
            V.indicator_id.in_(list(indicator_ids)),
            V.breakdown == Breakdown.TOTAL.value,
        )
        .order_by(V.indicator_id, V.area, V.period_start)
    )
    series: dict[tuple[str, str], list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        series[(row.indicator_id, row.area)].append(row)
    return series


def series(
    session: Session, indicator_id: str, granularity: Granularity, areas: Iterable[str]
) -> dict[str, list[IndicatorValue]]:
    """One indicator's total rows per area, oldest period first."""
    found = totals(session, granularity, areas, [indicator_id])
    return {area: rows for (_, area), rows in found.items()}


def breakdown_rows(
    session: Session,
    indicator_id: str,
    granularity: Granularity,
    period_start: dt.date,
    areas: Sequence[str],
    breakdown: Breakdown,
) -> dict[str, list[IndicatorValue]]:
    """The rows of one breakdown in one period, per area (the total row included)."""
    rows = session.scalars(
        sa.select(V)
        .where(
            V.indicator_id == indicator_id,
            V.period_type == granularity,
            V.period_start == period_start,
            V.area.in_(list(areas)),
            V.breakdown.in_([breakdown.value, Breakdown.TOTAL.value]),
        )
        .order_by(V.area, V.breakdown_value)
    )
    found: dict[str, list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        if row.breakdown == breakdown.value or breakdown == Breakdown.TOTAL:
            found[row.area].append(row)
    return found


def hub_rows(
    session: Session, indicator_id: str, granularity: Granularity, period_start: dt.date
) -> list[IndicatorValue]:
    """Every hub's and the city's total for one period (the board pack's comparison)."""
    return list(
        session.scalars(
            sa.select(V)
            .where(
                V.indicator_id == indicator_id,
                V.period_type == granularity,
                V.period_start == period_start,
                V.breakdown == Breakdown.TOTAL.value,
                V.breakdown_value == TOTAL_VALUE,
            )
            .order_by(V.area != CITY, V.area)
        )
    )


def periods_with_values(
    session: Session, granularity: Granularity, indicator_ids: Iterable[str] | None = None
) -> list[dt.date]:
    """Period starts that have stored values, newest first."""
    query = sa.select(V.period_start).where(V.period_type == granularity).distinct()
    if indicator_ids is not None:
        query = query.where(V.indicator_id.in_(list(indicator_ids)))
    return sorted(session.scalars(query), reverse=True)


def export_rows(
    session: Session,
    indicator_id: str,
    granularity: Granularity,
    areas: Iterable[str],
    period_start: dt.date | None = None,
    breakdown: Breakdown | None = None,
) -> list[IndicatorValue]:
    """The tidy rows of an export, in a stable order (period, area, breakdown, value)."""
    query = sa.select(V).where(
        V.indicator_id == indicator_id, V.period_type == granularity, V.area.in_(list(areas))
    )
    if period_start is not None:
        query = query.where(V.period_start == period_start)
    if breakdown is not None:
        query = query.where(V.breakdown == breakdown.value)
    order = (V.period_start, V.area != CITY, V.area, V.breakdown != "total", V.breakdown)
    return list(session.scalars(query.order_by(*order, V.breakdown_value)))
