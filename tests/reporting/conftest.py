"""Hand-built activity for indicator tests: pseudonymised rows written straight into the
store, exactly as the live feed would write them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from hubs.directory.models import Team
from hubs.extensions import db as _db
from hubs.reporting.indicator_models import CITY, IndicatorValue
from hubs.reporting.indicators import Granularity
from hubs.reporting.models import ActivityEvent, ActivityType
from hubs.reporting.population import Population
from hubs.reporting.refresh import refresh
from tests import factories

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
JAN = dt.date(2026, 1, 1)
_keys = itertools.count(1)


@dataclass
class Events:
    """Adds activity rows; `person` names become pseudonyms (no real identifiers)."""

    team: Team
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        event_type: ActivityType,
        occurred_on: dt.date,
        *,
        person: str = "",
        value: float | None = None,
        detail: str | None = None,
        started_on: dt.date | None = None,
        team: Team | None = None,
        age_band: str = "26-34",
        sex: str = "female",
        ethnic_group: str = "White",
        imd_quintile: int | None = 3,
        interpreter_needed: bool = False,
        opted_out: bool = False,
        times: int = 1,
    ) -> None:
        for _ in range(times):
            n = next(_keys)
            where = team or self.team
            self.rows.append(
                {
                    "event_key": f"test-{n:08d}",
                    "event_type": event_type,
                    "occurred_on": occurred_on,
                    "started_on": started_on,
                    "pseudonym": person or f"person-{n}",
                    "case_key": f"case-{n}",
                    "team_id": where.id if where else None,
                    "neighbourhood_code": where.neighbourhood.code if where else None,
                    "age_band": age_band,
                    "sex": sex,
                    "ethnic_group": ethnic_group,
                    "imd_quintile": imd_quintile,
                    "interpreter_needed": interpreter_needed,
                    "detail": detail,
                    "value": value,
                    "opted_out": opted_out,
                }
            )

    def save(self) -> None:
        if self.rows:
            _db.session.execute(sa.insert(ActivityEvent), self.rows)
            self.rows = []
        _db.session.flush()


@pytest.fixture
def hubs(db) -> tuple[Team, Team]:  # type: ignore[no-untyped-def]
    return factories.TeamFactory(), factories.TeamFactory()


@pytest.fixture
def events(hubs) -> Iterator[Events]:  # type: ignore[no-untyped-def]
    yield Events(hubs[0])


def population_for(hubs: tuple[Team, ...], people: dict[tuple[str, str, str], int]) -> Population:
    """A population file in memory: {(age band, sex, ethnic group): n} for every hub's LCP."""
    population = Population()
    for team in hubs:
        for (age, sex, group), n in people.items():
            population.people[(team.neighbourhood.code, age, sex, group)] = n
    return population


def run_refresh(population: Population | None = None) -> int:
    return refresh(_db.session, NOW, population or Population())


def value(
    indicator_id: str,
    period: dt.date = JAN,
    granularity: Granularity = Granularity.MONTH,
    *,
    area: str = CITY,
    breakdown: str = "total",
    breakdown_value: str = "all",
) -> IndicatorValue | None:
    return _db.session.scalar(
        sa.select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator_id,
            IndicatorValue.period_type == granularity,
            IndicatorValue.period_start == period,
            IndicatorValue.area == area,
            IndicatorValue.breakdown == breakdown,
            IndicatorValue.breakdown_value == breakdown_value,
        )
    )
