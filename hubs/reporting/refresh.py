"""The refresh: recompute every indicator from the activity store, suppress, and replace the
stored values in one transaction.

Counting happens in the database (`hubs.reporting.compute`: GROUP BY over
`activity_events`); Python only sees the grouped cells, applies suppression
(`hubs.reporting.suppression`) and writes the rows in bulk. Running it twice over the same
events gives the same rows: everything is deleted and rewritten in the caller's
transaction, so readers see either the old values or the new ones, never a mixture.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.directory.models import Team
from hubs.reporting import stats
from hubs.reporting.compute import CellKey, RawCell, compute, first_event_date
from hubs.reporting.differencing import MEASURES, Measured, protected_counts
from hubs.reporting.indicator_models import CITY, IndicatorValue
from hubs.reporting.indicators import (
    INDICATORS,
    Breakdown,
    Count,
    Indicator,
    Median,
    PopulationRate,
    RateRatio,
    Rolling,
    Share,
)
from hubs.reporting.population import Population, configured_population
from hubs.reporting.suppression import (
    average_allowed,
    percentage,
    round_count,
)

# Any constant will do: it only has to be the same in every process that refreshes.
REFRESH_LOCK_ID = 7_212_026


def hub_areas(session: Session) -> dict[int, str]:
    """Each team's reporting code (a Leeds hub's is the code of the LCP it serves)."""
    return dict(session.execute(sa.select(Team.id, Team.code)).tuples().all())


# --- Rows ----------------------------------------------------------------------------------


class Populations:
    """Population denominators per area and breakdown value (from the CSVs)."""

    def __init__(self, population: Population, areas: dict[int, str]) -> None:
        self.population = population
        self.areas = areas
        self._cache: dict[tuple[Breakdown, tuple[str, ...] | None], dict[tuple[str, str], int]] = {}

    def _split(
        self, breakdown: Breakdown, age_bands: tuple[str, ...] | None
    ) -> dict[tuple[str, str], int]:
        key = (breakdown, age_bands)
        if key not in self._cache:
            by_neighbourhood = self.population.split(breakdown, age_bands)
            city: dict[tuple[str, str], int] = defaultdict(int)
            for (_, value), n in by_neighbourhood.items():
                city[(CITY, value)] += n
            self._cache[key] = {**by_neighbourhood, **city}
        return self._cache[key]

    def _area(self, team_id: int | None) -> str | None:
        return CITY if team_id is None else self.areas.get(team_id)

    def of(
        self,
        team_id: int | None,
        breakdown: Breakdown,
        value: str,
        age_bands: tuple[str, ...] | None,
    ) -> int | None:
        """People in the area with this breakdown value (None when the files have none)."""
        if breakdown not in POPULATION_BREAKDOWNS:
            return None
        return self._split(breakdown, age_bands).get((self._area(team_id) or "", value))

    def comparable(self, team_id: int | None, by: Breakdown) -> dict[str, int]:
        """Population of each group of `by` in the area: the groups a ratio compares."""
        area = self._area(team_id)
        return {v: n for (a, v), n in self._split(by, None).items() if a == area}


POPULATION_BREAKDOWNS = (
    Breakdown.TOTAL,
    Breakdown.AGE_BAND,
    Breakdown.SEX,
    Breakdown.ETHNIC_GROUP,
    Breakdown.IMD_QUINTILE,
)


def _base_row(
    indicator: Indicator, key: CellKey, areas: dict[int, str], now: dt.datetime
) -> dict[str, Any]:
    return {
        "indicator_id": indicator.id,
        "period_type": key.granularity,
        "period_start": key.period_start,
        "area": CITY if key.team_id is None else areas[key.team_id],
        "team_id": key.team_id,
        "breakdown": key.breakdown.value,
        "breakdown_value": key.value,
        "numerator": None,
        "numerator_suppressed": False,
        "denominator": None,
        "denominator_suppressed": False,
        "value": None,
        "value_suppressed": False,
        "ci_low": None,
        "ci_high": None,
        "computed_at": now,
    }


def _set_counts(
    row: dict[str, Any], shown: dict[Measured, int | None], key: CellKey, measures: tuple[str, ...]
) -> None:
    for m in measures:
        row[m] = shown[(m, key)]
        row[f"{m}_suppressed"] = shown[(m, key)] is None


def _set_denominator(row: dict[str, Any], population: int | None) -> None:
    if population is not None:
        row["denominator"] = round_count(population)
        row["denominator_suppressed"] = row["denominator"] is None


def _share(row: dict[str, Any]) -> None:
    row["value"] = percentage(row["numerator"], row["denominator"])
    row["value_suppressed"] = row["numerator_suppressed"] or row["denominator_suppressed"]


def _median(row: dict[str, Any], cell: RawCell) -> None:
    if average_allowed(cell.values):
        row["value"] = cell.median
    else:
        row["value_suppressed"] = cell.values > 0


def _count(row: dict[str, Any]) -> None:
    row["value"] = None if row["numerator"] is None else float(row["numerator"])
    row["value_suppressed"] = row["numerator_suppressed"]


def _population_rate(row: dict[str, Any], per: int) -> None:
    if row["numerator"] is None or row["denominator"] is None:
        row["value_suppressed"] = row["numerator_suppressed"] or row["denominator_suppressed"]
    elif row["denominator"]:
        row["value"] = round(per * row["numerator"] / row["denominator"], 2)


def _ratio(row: dict[str, Any], others: int | None, other_population: int | None) -> None:
    """The group's rate against everyone else's, from the rounded counts only."""
    a, population = row["numerator"], row["denominator"]
    if None in (a, population, others, other_population):
        row["value_suppressed"] = True
    elif a == 0:
        row["value"] = 0.0
    else:
        ratio = stats.rate_ratio(a, population, others, other_population)  # type: ignore[arg-type]
        if ratio is not None:
            row["value"], row["ci_low"], row["ci_high"] = ratio.ratio, ratio.low, ratio.high


class RowBuilder:
    """Builds the stored rows of one indicator from its true cells and protected counts."""

    def __init__(
        self,
        indicator: Indicator,
        cells: dict[CellKey, RawCell],
        populations: Populations,
        now: dt.datetime,
    ) -> None:
        self.indicator = indicator
        self.cells = cells
        self.populations = populations
        self.now = now
        self.shown = protected_counts(indicator, cells)
        self.measures = MEASURES[type(indicator.recipe)]
        self._compared_totals: dict[tuple[Any, ...], int] = defaultdict(int)
        if isinstance(indicator.recipe, RateRatio):
            self._sum_compared(indicator.recipe.by)

    def _sum_compared(self, by: Breakdown) -> None:
        # People in compared groups per period and area, summed once (not per cell).
        for key, cell in self.cells.items():
            if key.breakdown == by and key.value in self.populations.comparable(key.team_id, by):
                self._compared_totals[(key.granularity, key.period_start, key.team_id)] += (
                    cell.numerator
                )

    def rows(self) -> list[dict[str, Any]]:
        return [self.row(key, cell) for key, cell in self.cells.items()]

    def row(self, key: CellKey, cell: RawCell) -> dict[str, Any]:
        row = _base_row(self.indicator, key, self.populations.areas, self.now)
        _set_counts(row, self.shown, key, self.measures)
        recipe = self.indicator.recipe
        if isinstance(recipe, Share | Rolling):
            _share(row)
        elif isinstance(recipe, Median):
            _median(row, cell)
        elif isinstance(recipe, Count):
            _count(row)
        elif isinstance(recipe, PopulationRate):
            bands = recipe.age_bands
            _set_denominator(row, self.populations.of(key.team_id, key.breakdown, key.value, bands))
            _population_rate(row, recipe.per)
        elif isinstance(recipe, RateRatio):
            self._ratio_row(row, key, cell, recipe)
        return row

    def _ratio_row(
        self, row: dict[str, Any], key: CellKey, cell: RawCell, recipe: RateRatio
    ) -> None:
        compared = self.populations.comparable(key.team_id, recipe.by)
        if key.breakdown == Breakdown.TOTAL:
            _set_denominator(row, sum(compared.values()) if compared else None)
            return
        if key.value not in compared:
            return  # ethnicity not stated or not known: counted, never compared
        _set_denominator(row, compared[key.value])
        everyone = self._compared_totals[(key.granularity, key.period_start, key.team_id)]
        others = round_count(everyone - cell.numerator)
        other_population = round_count(sum(compared.values()) - compared[key.value])
        _ratio(row, others, other_population)


# --- The refresh ---------------------------------------------------------------------------


def _lock(session: Session) -> None:
    """Two refreshes at once (the nightly job and an analyst's button) take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(REFRESH_LOCK_ID)))


def compute_rows(
    session: Session,
    now: dt.datetime,
    population: Population,
    indicators: Iterable[Indicator] = INDICATORS,
) -> list[dict[str, Any]]:
    """Every indicator's suppressed rows, computed from the activity store as it is now."""
    first = first_event_date(session)
    if first is None:
        return []
    until = now.date()
    populations = Populations(population, hub_areas(session))
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        cells = compute(session, indicator, first, until)
        rows += RowBuilder(indicator, cells, populations, now).rows()
    return rows


def refresh(
    session: Session,
    now: dt.datetime,
    population: Population | None = None,
    indicators: Iterable[Indicator] = INDICATORS,
) -> int:
    """Recompute every strategy indicator and replace the stored values (flushes, never
    commits): the nightly job and the on-demand refresh both call this."""
    _lock(session)
    rows = compute_rows(session, now, population or configured_population(), indicators)
    table = IndicatorValue.__table__
    session.execute(table.delete())
    if rows:
        # Core executemany: one statement for every row, not the ORM's per-row bookkeeping.
        session.execute(table.insert(), rows)
    session.flush()
    return len(rows)
