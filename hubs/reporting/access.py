"""Which areas a reporting user may look at (DESIGN §6).

Analysts see the city and every hub; a hub manager sees the hubs they manage, always
against the city. The rule filters the query itself (an area outside it answers 404, like
any record a role has no reason to see). Only directory models are read here: reporting
never imports staff or people models, it reads the signed-in user's memberships as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.directory.models import Team, TeamKind
from hubs.reporting.indicator_models import CITY

CITY_NAME = "Leeds (all hubs)"
MANAGER_MEMBERSHIP = "manager"


@dataclass(frozen=True)
class Area:
    code: str  # "city" or the LCP code
    name: str
    team_id: int | None = None

    @property
    def is_city(self) -> bool:
        return self.code == CITY


CITY_AREA = Area(CITY, CITY_NAME)


def managed_team_ids(user: Any) -> list[int]:
    return [m.team_id for m in user.memberships if m.kind == MANAGER_MEMBERSHIP]


def visible_areas(session: Session, user: Any) -> list[Area]:
    """The city first, then the hubs this user may compare with it."""
    query = (
        sa.select(Team.id, Team.name, Team.code)
        .where(Team.kind == TeamKind.COMMUNITY_HUB)
        .order_by(Team.name)
    )
    if user.access_role == AccessRole.MANAGER:
        query = query.where(Team.id.in_(managed_team_ids(user)))
    elif user.access_role != AccessRole.ANALYST:
        return []
    hubs = [Area(code, name, team_id) for team_id, name, code in session.execute(query)]
    return [CITY_AREA, *hubs]


def choose_area(areas: list[Area], code: str | None, user: Any) -> Area:
    """The requested area if visible (404 otherwise); by default a manager's own hub."""
    if code:
        for area in areas:
            if area.code == code:
                return area
        raise NotFound("Page not found")
    if user.access_role == AccessRole.MANAGER and len(areas) > 1:
        return areas[1]
    return CITY_AREA
