"""Why an actor may see a referral or an episode, as SQL conditions (DESIGN §6).

Lists and single reads use the same conditions. Referral relationships also widen who may
see a *person* (a referral to my hub, a care team I am in): `person_via_referrals`, which
`hubs.referrals.wiring` registers with people.access.

Whose support log and trackers a worker may use (`support_scope`) is here too: it rests on
episodes of care and care teams, and both support and trackers (each above referrals;
trackers must not import support, whose pages show the trackers) need it. Wellbeing
connectors and other VCSE workers work only with the people allocated to them: they lead an
open episode of care, or are active members of its care team. Consent to share with their
organisation lets them read a person's summary, not write their support log. Hub clinicians
and managers work with the people their hub may see.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql.elements import ColumnElement

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.people.access import person_scope, team_ids_of
from hubs.people.models import Person, PortalAccount
from hubs.referrals.models import CareTeamMember, Episode, Referral
from hubs.referrals.states import EpisodeStatus
from hubs.staff.models import User

HUB_ROLES = {AccessRole.CLINICIAN, AccessRole.HUB_ADMIN, AccessRole.MANAGER}
OPEN_EPISODE_STATUSES = (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE)
SUPPORT_ROLES = frozenset({AccessRole.CLINICIAN, AccessRole.VCSE_WORKER, AccessRole.MANAGER})


def _care_team_episode_ids(user: User) -> sa.Select[tuple[int]]:
    return sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )


def referral_scope(user: User) -> ColumnElement[bool]:
    """The referrals this user may see, as a WHERE condition on `Referral`."""
    role = user.access_role
    if role in HUB_ROLES:
        in_team = sa.select(Episode.referral_id).where(Episode.id.in_(_care_team_episode_ids(user)))
        return sa.or_(Referral.team_id.in_(team_ids_of(user)), Referral.id.in_(in_team))
    if role == AccessRole.VCSE_WORKER:
        in_team = sa.select(Episode.referral_id).where(Episode.id.in_(_care_team_episode_ids(user)))
        return Referral.id.in_(in_team)
    if role == AccessRole.PERSON:
        own = sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        return Referral.person_id.in_(own)
    return sa.false()


def get_referral_for(
    session: Session, user: User, referral_id: int, options: Sequence[ORMOption] = ()
) -> Referral:
    """One referral if the user may see it; otherwise NotFound (never reveal existence).
    `options` eager-load what the caller will show, in the same read."""
    referral = session.scalar(
        sa.select(Referral)
        .where(Referral.id == referral_id, referral_scope(user))
        .options(*options)
    )
    if referral is None:
        raise NotFound("Page not found")
    return referral


def episode_scope(user: User) -> ColumnElement[bool]:
    return Episode.referral_id.in_(sa.select(Referral.id).where(referral_scope(user)))


def get_episode_for(session: Session, user: User, episode_id: int) -> Episode:
    episode = session.scalar(
        sa.select(Episode).where(Episode.id == episode_id, episode_scope(user))
    )
    if episode is None:
        raise NotFound("Page not found")
    return episode


def person_via_referrals(user: User) -> ColumnElement[bool] | None:
    """People in a referral to my hub, or whose care team I am in. Registered with
    people.access by `hubs.referrals.wiring`."""
    role = user.access_role
    if role not in HUB_ROLES | {AccessRole.VCSE_WORKER}:
        return None
    care_team = sa.select(Episode.person_id).where(Episode.id.in_(_care_team_episode_ids(user)))
    if role == AccessRole.VCSE_WORKER:
        return Person.id.in_(care_team)
    to_my_team = sa.select(Referral.person_id).where(Referral.team_id.in_(team_ids_of(user)))
    return sa.or_(Person.id.in_(to_my_team), Person.id.in_(care_team))


def teams_of_episodes(person_id: int) -> sa.Select[tuple[int]]:
    """The hubs of a person's episodes of care: their managers answer for the person too
    (they review emergency access). Registered with people.access by `hubs.referrals.wiring`."""
    return sa.select(Episode.team_id).where(Episode.person_id == person_id)


# --- Working with a person: their support log and trackers ------------------------------


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
