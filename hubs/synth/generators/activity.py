"""The pseudonymised activity store at the run's scale, then the indicator refresh.

The other generators write operational rows directly (bulk inserts bypass the services'
signals), so the store is filled here with the reporting module's own synthetic journeys,
scaled so a city holds about 1.5 million rows (a city-year), and the indicators are then
materialised so the dashboard opens on data. Appended history (`--append`) adds none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from hubs.directory.models import Team, TeamKind
from hubs.reporting.demo import Generator
from hubs.reporting.models import ActivityEvent
from hubs.reporting.refresh import refresh
from hubs.synth.context import SynthContext
from hubs.synth.registry import generator

# The reporting demo's journeys at scale 1 give about 41,000 rows a year for 19 hubs;
# 36 times that is a city-year of about 1.5 million rows for 60,000 people.
CITY_PEOPLE = 60_000
CITY_FACTOR = 36.0


@generator("activity", after=("directory",))
def activity(ctx: SynthContext) -> None:
    if ctx.append:
        return
    with Session(bind=ctx.connection) as session:
        hubs = list(
            session.scalars(
                sa.select(Team)
                .where(Team.kind == TeamKind.COMMUNITY_HUB)
                .options(selectinload(Team.neighbourhoods))
                .order_by(Team.id)
            )
        )
        journeys = Generator(hubs, ctx.as_of, CITY_FACTOR * ctx.scale.people / CITY_PEOPLE)
        columns = [c.name for c in ActivityEvent.__table__.columns if c.name != "id"]
        # A fixed moment, so the same seed gives the same rows.
        journeys.recorded_at = dt.datetime.combine(ctx.as_of, dt.time(2, 30), tzinfo=dt.UTC)
        ctx.insert(ActivityEvent.__table__, columns, _tuples(journeys.rows(), columns))
        refresh(session, dt.datetime.combine(ctx.as_of, dt.time(3), tzinfo=dt.UTC))
        # The session began the connection's transaction, so closing it would roll back.
        session.commit()


def _tuples(rows: Iterator[dict[str, Any]], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        row["event_type"] = str(row["event_type"])
        yield tuple(row.get(name) for name in columns)
