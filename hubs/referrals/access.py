"""Why an actor may see a referral or an episode, as SQL conditions (DESIGN §6).

Lists and single reads use the same conditions. Referral relationships also widen who may
see a *person* (a referral to my hub, a care team I am in), registered with people.access.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql.elements import ColumnElement

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.people.access import hub_ids_of, register_person_relationship
from hubs.people.models import Person, PortalAccount
from hubs.referrals.models import CareTeamMember, Episode, Referral
from hubs.staff.models import User

HUB_ROLES = {AccessRole.CLINICIAN, AccessRole.HUB_ADMIN, AccessRole.MANAGER}


def _care_team_episode_ids(user: User) -> sa.Select[tuple[int]]:
    return sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )


def referral_scope(user: User) -> ColumnElement[bool]:
    """The referrals this user may see, as a WHERE condition on `Referral`."""
    role = user.access_role
    if role in HUB_ROLES:
        in_team = sa.select(Episode.referral_id).where(Episode.id.in_(_care_team_episode_ids(user)))
        return sa.or_(Referral.hub_id.in_(hub_ids_of(user)), Referral.id.in_(in_team))
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


def _person_via_referrals(user: User) -> ColumnElement[bool] | None:
    """People in a referral to my hub, or whose care team I am in."""
    role = user.access_role
    if role not in HUB_ROLES | {AccessRole.VCSE_WORKER}:
        return None
    team = sa.select(Episode.person_id).where(Episode.id.in_(_care_team_episode_ids(user)))
    if role == AccessRole.VCSE_WORKER:
        return Person.id.in_(team)
    to_my_hub = sa.select(Referral.person_id).where(Referral.hub_id.in_(hub_ids_of(user)))
    return sa.or_(Person.id.in_(to_my_hub), Person.id.in_(team))


register_person_relationship(_person_via_referrals)
