"""The dashboard and indicator pages, composed from stored values (a bounded number of
queries: one per period type in use, whatever the number of indicators or periods)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.reporting import periods, queries
from hubs.reporting.access import CITY_AREA, Area
from hubs.reporting.indicator_models import IndicatorValue
from hubs.reporting.indicators import (
    INDICATORS,
    Breakdown,
    Granularity,
    Indicator,
    Priority,
    RateRatio,
)
from hubs.reporting.presenters import (
    BreakdownRow,
    Card,
    Chart,
    TrendRow,
    breakdown_table,
    period_text,
    trend_chart,
    trend_rows,
)


def compared(area: Area) -> list[Area]:
    """The area, and the city beside it when the area is a hub."""
    return [area] if area.is_city else [area, CITY_AREA]


def granularity_for(indicator: Indicator, wanted: Granularity) -> Granularity:
    """The wanted period type, or the indicator's own when it is not reported that often."""
    return wanted if wanted in indicator.periods else indicator.default_period


def card_breakdown(indicator: Indicator, wanted: Breakdown) -> Breakdown | None:
    if isinstance(indicator.recipe, RateRatio):
        return indicator.recipe.by  # a ratio is only meaningful group by group
    if wanted != Breakdown.TOTAL and wanted in indicator.breakdowns:
        return wanted
    return None


def _lines(
    found: dict[tuple[str, str], list[IndicatorValue]], indicator: Indicator, areas: list[Area]
) -> list[tuple[str, list[IndicatorValue]]]:
    return [(a.name, found.get((indicator.id, a.code), [])) for a in areas]


def _breakdowns(
    session: Session,
    granularity: Granularity,
    areas: list[Area],
    wanted: dict[str, Breakdown],
    latest: dict[str, dt.date],
) -> dict[str, list[list[IndicatorValue]]]:
    """For each indicator, its breakdown rows in its latest period, one list per area."""
    if not wanted:
        return {}
    rows = session.scalars(
        sa.select(IndicatorValue).where(
            IndicatorValue.period_type == granularity,
            IndicatorValue.area.in_([a.code for a in areas]),
            IndicatorValue.indicator_id.in_(list(wanted)),
            IndicatorValue.breakdown.in_({b.value for b in wanted.values()}),
        )
    )
    found: dict[tuple[str, str], list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        if row.breakdown == wanted[row.indicator_id] and row.period_start == latest.get(
            row.indicator_id
        ):
            found[(row.indicator_id, row.area)].append(row)
    return {i: [found.get((i, a.code), []) for a in areas] for i in wanted}


def dashboard_cards(
    session: Session, area: Area, wanted: Granularity, breakdown: Breakdown
) -> list[Card]:
    """One card per indicator for the area (against the city), in priority order."""
    areas = compared(area)
    chosen = {i.id: granularity_for(i, wanted) for i in INDICATORS}
    cards: dict[str, Card] = {}
    for granularity in set(chosen.values()):
        ids = [i for i, g in chosen.items() if g == granularity]
        found = queries.totals(session, granularity, [a.code for a in areas], ids)
        by_breakdown: dict[str, Breakdown] = {}
        latest: dict[str, dt.date] = {}
        for indicator in (i for i in INDICATORS if i.id in ids):
            cards[indicator.id] = _card(indicator, area, areas, granularity, found, wanted)
            split = card_breakdown(indicator, breakdown)
            if split is not None and cards[indicator.id].latest is not None:
                by_breakdown[indicator.id] = split
                latest[indicator.id] = cards[indicator.id].latest.period_start  # type: ignore[union-attr]
        for indicator_id, per_area in _breakdowns(
            session, granularity, areas, by_breakdown, latest
        ).items():
            card = cards[indicator_id]
            card.breakdown = by_breakdown[indicator_id]
            card.breakdown_rows = breakdown_table(card.indicator, card.breakdown, per_area)
            card.breakdown_period = period_text(card.latest)  # type: ignore[arg-type]
    return [cards[i.id] for i in INDICATORS]


def _card(
    indicator: Indicator,
    area: Area,
    areas: list[Area],
    granularity: Granularity,
    found: dict[tuple[str, str], list[IndicatorValue]],
    wanted: Granularity,
) -> Card:
    lines = _lines(found, indicator, areas)
    own = lines[0][1]
    city = found.get((indicator.id, CITY_AREA.code), [])
    latest = own[-1] if own else None
    latest_city = next((r for r in city if latest and r.period_start == latest.period_start), None)
    ratio = isinstance(indicator.recipe, RateRatio)
    note = ""
    if granularity != wanted:
        note = f"Reported {granularity.label.lower()} only: population figures are yearly."
    return Card(
        indicator=indicator,
        area=area,
        compare=areas,
        granularity=granularity,
        latest=latest,
        latest_city=latest_city,
        chart=None if ratio else trend_chart(indicator, lines, f"chart-{indicator.id}"),
        trend=[] if ratio else trend_rows(indicator, lines),
        note=note,
    )


def priorities(cards: list[Card]) -> list[tuple[Priority, list[Card]]]:
    grouped: dict[Priority, list[Card]] = defaultdict(list)
    for card in cards:
        grouped[card.indicator.priority].append(card)
    return [(p, grouped[p]) for p in Priority if grouped.get(p)]


# --- One indicator -----------------------------------------------------------------------


@dataclass
class IndicatorPage:
    indicator: Indicator
    area: Area
    areas: list[Area]
    granularity: Granularity
    chart: Chart | None
    trend: list[TrendRow]
    period_options: list[tuple[str, str]]
    period: dt.date | None
    tables: list[tuple[Breakdown, list[BreakdownRow]]] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return periods.label(self.period, self.granularity) if self.period else ""


def indicator_page(
    session: Session,
    indicator: Indicator,
    area: Area,
    wanted: Granularity,
    breakdown: Breakdown,
    at: dt.date | None,
) -> IndicatorPage:
    """The trend against the city and every breakdown for one period."""
    areas = compared(area)
    granularity = granularity_for(indicator, wanted)
    found = queries.series(session, indicator.id, granularity, [a.code for a in areas])
    lines = [(a.name, found.get(a.code, [])) for a in areas]
    starts = sorted({r.period_start for _, rows in lines for r in rows}, reverse=True)
    period = at if at in starts else (starts[0] if starts else None)
    ratio = isinstance(indicator.recipe, RateRatio)
    page = IndicatorPage(
        indicator=indicator,
        area=area,
        areas=areas,
        granularity=granularity,
        chart=None if ratio else trend_chart(indicator, lines, f"chart-{indicator.id}"),
        trend=[] if ratio else trend_rows(indicator, lines),
        period_options=[(s.isoformat(), periods.label(s, granularity)) for s in starts],
        period=period,
    )
    if period is None:
        return page
    shown = [breakdown] if breakdown in indicator.breakdowns else list(indicator.breakdowns)
    for split in shown:
        per_area = queries.breakdown_rows(
            session, indicator.id, granularity, period, [a.code for a in areas], split
        )
        rows = [per_area.get(a.code, []) for a in areas]
        page.tables.append((split, breakdown_table(indicator, split, rows)))
    return page
