"""Whose support log a worker may see and add to (DESIGN §6), as SQL conditions.

Wellbeing connectors and other VCSE workers work only with the people allocated to them:
they lead an open episode of care, or are active members of its care team. Consent to share
with their organisation lets them read a person's summary, not write their support log. Hub
clinicians and managers work with the people their hub may see. Lists and single reads use
the same condition.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.people.access import person_scope
from hubs.people.models import Person
from hubs.referrals.models import CareTeamMember, Episode
from hubs.referrals.states import EpisodeStatus
from hubs.staff.models import User

OPEN_EPISODE_STATUSES = (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE)
SUPPORT_ROLES = frozenset({AccessRole.CLINICIAN, AccessRole.VCSE_WORKER, AccessRole.MANAGER})


def open_episodes_of(user_id: int) -> sa.Select[tuple[int]]:
    """Ids of open episodes the worker leads or is an active care-team member of."""
    in_team = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user_id, CareTeamMember.left_on.is_(None)
    )
    return sa.select(Episode.id).where(
        Episode.status.in_(OPEN_EPISODE_STATUSES),
        sa.or_(Episode.lead_worker_id == user_id, Episode.id.in_(in_team)),
    )


def allocated_person_ids(user_id: int) -> sa.Select[tuple[int]]:
    return sa.select(Episode.person_id).where(Episode.id.in_(open_episodes_of(user_id)))


def support_scope(user: User) -> ColumnElement[bool]:
    """The people whose support log this user may read and add to, as a condition on Person."""
    role = user.access_role
    if role == AccessRole.VCSE_WORKER:
        return Person.id.in_(allocated_person_ids(user.id))
    if role in {AccessRole.CLINICIAN, AccessRole.MANAGER}:
        return person_scope(user)
    return sa.false()


def supported_person_ids(user: User) -> sa.Select[tuple[int]]:
    return sa.select(Person.id).where(support_scope(user))


def get_supported_person(session: Session, user: User, person_id: int | None) -> Person:
    """One person whose support log the user may use; otherwise NotFound (never reveal)."""
    person = (
        session.scalar(sa.select(Person).where(Person.id == person_id, support_scope(user)))
        if person_id is not None
        else None
    )
    if person is None:
        raise NotFound("Page not found")
    return person
