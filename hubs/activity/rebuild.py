"""Rebuild the activity store from the operational tables, in one transaction.

People are taken in batches of consecutive ids; for each batch every source runs one
set-based query (or two, for the spells of the 4-week clock), and the rows go in with one
bulk insert. The number of statements grows with the number of batches, never with the
number of rows, so a city's several years take minutes, not hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session
from tqdm import tqdm

from hubs.activity.demographics import person_facts
from hubs.activity.feed import neighbourhood_codes
from hubs.activity.rows import row_values
from hubs.activity.sources import SOURCES, person_range
from hubs.core.db import refresh_planner_statistics
from hubs.core.pseudonym import from_config
from hubs.people.models import Person
from hubs.reporting.models import SYNTHETIC_KEY_PREFIX, ActivityEvent, ActivityType

BATCH_SIZE = 2000


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild(
    session: Session, *, batch_size: int = BATCH_SIZE, progress: bool = False
) -> Counter[ActivityType]:
    """Delete every activity row and write them again; flushes, the caller commits.

    Demo-only synthetic rows (no operational row makes them) are left as they are."""
    session.execute(
        sa.delete(ActivityEvent).where(ActivityEvent.event_key.not_like(f"{SYNTHETIC_KEY_PREFIX}%"))
    )
    pseudonyms = from_config()
    neighbourhoods = neighbourhood_codes(session)
    ids = list(session.scalars(sa.select(Person.id).order_by(Person.id)))
    counts: Counter[ActivityType] = Counter({event_type: 0 for event_type in SOURCES})
    with tqdm(total=len(ids), unit="people", disable=not progress, desc="Rebuilding") as bar:
        for batch in _batches(ids, batch_size):
            scope = person_range(batch[0], batch[-1])
            people = person_facts(session, scope(Person.id))
            rows = []
            for event_type, facts in SOURCES.items():
                for fact in facts(session, scope):
                    person = people[fact.person_id]
                    rows.append(
                        row_values(fact, person, neighbourhoods.get(fact.team_id or 0), pseudonyms)
                    )
                    counts[event_type] += 1
            if rows:
                # Core insert of the table: the ORM's bulk path costs more than the database.
                session.execute(ActivityEvent.__table__.insert(), rows)
            bar.update(len(batch))
    session.flush()
    refresh_planner_statistics(session, ActivityEvent.__tablename__)
    return counts
