"""Read side of staff: who is active, and who manages which hub (for alerts and jobs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import NotFound
from hubs.directory.models import Team
from hubs.staff.models import MembershipKind, TeamMembership, User


def active_user_ids(session: Session, user_ids: Iterable[int]) -> set[int]:
    ids = set(user_ids)
    if not ids:
        return set()
    return set(session.scalars(sa.select(User.id).where(User.id.in_(ids), User.is_active)))


def active_managers_by_team(session: Session, team_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active team managers of each hub, in one query."""
    ids = set(team_ids)
    managers: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return managers
    rows = session.execute(
        sa.select(TeamMembership.team_id, User.id)
        .join(User, User.id == TeamMembership.user_id)
        .where(
            TeamMembership.team_id.in_(ids),
            TeamMembership.kind == MembershipKind.MANAGER,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    for team_id, user_id in rows:
        managers[team_id].append(user_id)
    return managers


def teams_by_user(session: Session, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """The hubs each member of staff works in (kept after they leave, for escalation)."""
    ids = set(user_ids)
    hubs: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return hubs
    rows = session.execute(
        sa.select(TeamMembership.user_id, TeamMembership.team_id).where(
            TeamMembership.user_id.in_(ids)
        )
    )
    for user_id, team_id in rows:
        hubs[user_id].append(team_id)
    return hubs


def managed_team_ids(user: User) -> sa.Select[tuple[int]]:
    """Ids of the hubs this user manages (a subquery)."""
    return sa.select(TeamMembership.team_id).where(
        TeamMembership.user_id == user.id, TeamMembership.kind == MembershipKind.MANAGER
    )


def get_managed_team(session: Session, user: User, team_id: int) -> Team:
    """A hub the user manages; any other answers 404 (never reveal)."""
    team = session.scalar(
        sa.select(Team).where(Team.id == team_id, Team.id.in_(managed_team_ids(user)))
    )
    if team is None:
        raise NotFound("Page not found")
    return team
