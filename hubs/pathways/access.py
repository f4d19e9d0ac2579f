"""Who may see a transition, and which side of it a member of staff is on (DESIGN §6).

Staff on either side with a relationship to the person see a transition: the sending
episode's hub or care team, the receiving hub, and the workers named on it. A transition
into a hub is itself a reason for that hub's staff to see the person (like a referral to
their hub), so the receiving team can plan before it has an episode. Single reads and the
manager's board use the same conditions; a denial answers 404.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.pathways.models import Transition
from hubs.pathways.states import Side, TransitionState
from hubs.people.access import team_ids_of
from hubs.people.models import Person, PortalAccount
from hubs.referrals.models import CareTeamMember, Episode
from hubs.staff.models import MembershipKind, TeamMembership, User

STAFF_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER, AccessRole.VCSE_WORKER}
HUB_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER, AccessRole.HUB_ADMIN}


def _my_team_episodes(user: User) -> sa.Select[tuple[int]]:
    return sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )


def _named(user: User) -> ColumnElement[bool]:
    return sa.or_(
        Transition.sending_worker_id == user.id,
        Transition.receiving_worker_id == user.id,
        Transition.receiving_lead_worker_id == user.id,
    )


def transition_scope(user: User) -> ColumnElement[bool]:
    """The transitions this user may see, as a WHERE condition on `Transition`."""
    role = user.access_role
    in_team = sa.or_(
        Transition.sending_episode_id.in_(_my_team_episodes(user)),
        Transition.receiving_episode_id.in_(_my_team_episodes(user)),
    )
    if role in {AccessRole.CLINICIAN, AccessRole.MANAGER}:
        sending_team = sa.select(Episode.id).where(Episode.team_id.in_(team_ids_of(user)))
        return sa.or_(
            Transition.sending_episode_id.in_(sending_team),
            Transition.receiving_team_id.in_(team_ids_of(user)),
            in_team,
            _named(user),
        )
    if role == AccessRole.VCSE_WORKER:
        return sa.or_(in_team, _named(user))
    if role == AccessRole.PERSON:
        own = sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        return Transition.person_id.in_(own)
    return sa.false()


def get_transition_for(session: Session, user: User, transition_id: int) -> Transition:
    """One transition if the user may see it; otherwise NotFound (never reveal existence)."""
    found = session.scalar(
        sa.select(Transition).where(Transition.id == transition_id, transition_scope(user))
    )
    if found is None:
        raise NotFound("Page not found")
    return found


def managed_team_ids(user: User) -> sa.Select[tuple[int]]:
    return sa.select(TeamMembership.team_id).where(
        TeamMembership.user_id == user.id, TeamMembership.kind == MembershipKind.MANAGER
    )


def managed_scope(user: User) -> ColumnElement[bool]:
    """Transitions sending from or received by a hub this manager manages (their board)."""
    sending = sa.select(Episode.id).where(Episode.team_id.in_(managed_team_ids(user)))
    return sa.or_(
        Transition.sending_episode_id.in_(sending),
        Transition.receiving_team_id.in_(managed_team_ids(user)),
    )


def _team_ids(session: Session, user: User) -> set[int]:
    """Hubs whose membership gives a reason: not for VCSE staff, who need a care team."""
    if user.access_role not in HUB_ROLES:
        return set()
    return set(session.scalars(team_ids_of(user)))


def on_sending_side(session: Session, user: User, episode: Episode) -> bool:
    """The user works in the episode's hub (clinical staff) or is in its care team."""
    if episode.team_id in _team_ids(session, user):
        return True
    return episode.id in set(session.scalars(_my_team_episodes(user)))


def sides_of(session: Session, user: User | None, transition: Transition) -> frozenset[Side]:
    """The sides of this transition the actor works on (none for the system)."""
    if user is None:
        return frozenset()
    hubs = _team_ids(session, user)
    care_teams = set(session.scalars(_my_team_episodes(user)))
    sides: set[Side] = set()
    if on_sending_side(session, user, transition.sending_episode) or (
        user.id == transition.sending_worker_id
    ):
        sides.add(Side.SENDING)
    named = {transition.receiving_worker_id, transition.receiving_lead_worker_id}
    if (
        transition.receiving_team_id in hubs
        or transition.receiving_episode_id in care_teams
        or user.id in named
    ):
        sides.add(Side.RECEIVING)
    # A receiving service (GP-led or VCSE) has no accounts here: the sending team records
    # what it agreed, so the sending side acts for it.
    if transition.receiving_service_id is not None and Side.SENDING in sides:
        sides.add(Side.RECEIVING)
    return frozenset(sides)


def person_via_transitions(user: User) -> ColumnElement[bool] | None:
    """People moving into my hub: the receiving team plans with them before they arrive.
    Registered with people.access by `hubs.pathways.wiring`."""
    if user.access_role not in HUB_ROLES:
        return None
    incoming = sa.select(Transition.person_id).where(
        Transition.receiving_team_id.in_(team_ids_of(user)),
        Transition.state != TransitionState.COMPLETED,
    )
    return Person.id.in_(incoming)
