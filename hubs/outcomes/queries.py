"""Read side of outcome measures: a person's measures over time."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.outcomes.models import OutcomeMeasure


def history(
    session: Session, person_id: int, episode_id: int | None = None
) -> list[OutcomeMeasure]:
    """A person's measures, oldest first (for charts), optionally for one episode."""
    query = sa.select(OutcomeMeasure).where(OutcomeMeasure.person_id == person_id)
    if episode_id is not None:
        query = query.where(OutcomeMeasure.episode_id == episode_id)
    return list(session.scalars(query.order_by(OutcomeMeasure.recorded_on, OutcomeMeasure.id)))
