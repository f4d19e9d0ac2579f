"""Read side of staff: who is active, and who manages which hub (for alerts and jobs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import NotFound
from hubs.directory.models import Hub
from hubs.staff.models import HubMembership, MembershipKind, User


def active_user_ids(session: Session, user_ids: Iterable[int]) -> set[int]:
    ids = set(user_ids)
    if not ids:
        return set()
    return set(session.scalars(sa.select(User.id).where(User.id.in_(ids), User.is_active)))


def active_managers_by_hub(session: Session, hub_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active team managers of each hub, in one query."""
    ids = set(hub_ids)
    managers: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return managers
    rows = session.execute(
        sa.select(HubMembership.hub_id, User.id)
        .join(User, User.id == HubMembership.user_id)
        .where(
            HubMembership.hub_id.in_(ids),
            HubMembership.kind == MembershipKind.MANAGER,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    for hub_id, user_id in rows:
        managers[hub_id].append(user_id)
    return managers


def hubs_by_user(session: Session, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """The hubs each member of staff works in (kept after they leave, for escalation)."""
    ids = set(user_ids)
    hubs: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return hubs
    rows = session.execute(
        sa.select(HubMembership.user_id, HubMembership.hub_id).where(HubMembership.user_id.in_(ids))
    )
    for user_id, hub_id in rows:
        hubs[user_id].append(hub_id)
    return hubs


def managed_hub_ids(user: User) -> sa.Select[tuple[int]]:
    """Ids of the hubs this user manages (a subquery)."""
    return sa.select(HubMembership.hub_id).where(
        HubMembership.user_id == user.id, HubMembership.kind == MembershipKind.MANAGER
    )


def get_managed_hub(session: Session, user: User, hub_id: int) -> Hub:
    """A hub the user manages; any other answers 404 (never reveal)."""
    hub = session.scalar(sa.select(Hub).where(Hub.id == hub_id, Hub.id.in_(managed_hub_ids(user))))
    if hub is None:
        raise NotFound("Page not found")
    return hub
