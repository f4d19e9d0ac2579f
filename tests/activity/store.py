"""Reading the activity store back in tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hubs.activity.rows import COMPARED_COLUMNS
from hubs.core.pseudonym import from_config
from hubs.extensions import db
from hubs.people.models import Person
from hubs.reporting.models import ActivityEvent, ActivityType


def rows(*types: ActivityType, person: Person | None = None) -> list[dict[str, Any]]:
    """Every row (all columns but id and recorded_at), in a stable order."""
    query = sa.select(*(getattr(ActivityEvent, c) for c in COMPARED_COLUMNS))
    if types:
        query = query.where(ActivityEvent.event_type.in_(types))
    if person is not None:
        query = query.where(ActivityEvent.pseudonym == from_config().person(person.id))
    found = [dict(r._mapping) for r in db.session.execute(query)]
    return sorted(found, key=lambda r: (r["event_type"].value, r["occurred_on"], r["event_key"]))


def count(*types: ActivityType) -> int:
    query = sa.select(sa.func.count(ActivityEvent.id))
    if types:
        query = query.where(ActivityEvent.event_type.in_(types))
    return db.session.scalar(query) or 0
