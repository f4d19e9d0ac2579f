"""Changing a directory service's profile: where, when and how accessibly it runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import ValidationError
from hubs.directory.models import (
    AccessFeature,
    Neighbourhood,
    Service,
    ServiceAccessFeature,
    ServiceSession,
)


@dataclass(frozen=True)
class SessionTimes:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time


def set_service_profile(
    session: Session,
    service: Service,
    *,
    neighbourhood_code: str | None,
    sessions: list[SessionTimes],
    features: list[AccessFeature],
) -> Service:
    """Replace where, when and how accessibly a service runs (what offer searches read)."""
    neighbourhood = None
    if neighbourhood_code:
        neighbourhood = session.scalar(
            sa.select(Neighbourhood).where(Neighbourhood.code == neighbourhood_code)
        )
        if neighbourhood is None:
            raise ValidationError(
                f"Unknown neighbourhood code {neighbourhood_code!r}", field="neighbourhood_code"
            )
    for times in sessions:
        if not 0 <= times.weekday <= 6:
            raise ValidationError("A weekday is 0 (Monday) to 6 (Sunday)", field="sessions")
    service.neighbourhood_id = neighbourhood.id if neighbourhood else None
    service.sessions = [
        ServiceSession(weekday=t.weekday, opens_at=t.opens_at, closes_at=t.closes_at)
        for t in sessions
    ]
    # Keep rows that stay: replacing them all would insert a duplicate before the delete.
    wanted = set(features)
    kept = [row for row in service.access_features if row.feature in wanted]
    have = {row.feature for row in kept}
    service.access_features = kept + [
        ServiceAccessFeature(feature=f) for f in sorted(wanted - have)
    ]
    session.flush()
    return service
