"""Episodes of care: the lead worker, the care team, starting and finishing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.referrals.models import (
    CareTeamMember,
    Episode,
    LeadWorkerChange,
)
from hubs.referrals.services.common import (
    required_text,
    team_staff_member,
)
from hubs.referrals.states import (
    EpisodeAction,
    next_episode_status,
)
from hubs.staff.models import MembershipKind, TeamMembership, User

#: Sent before an episode finishes. A receiver refuses by raising a domain error, so a
#: higher feature's rule (pathways' no-gap rule) holds for every caller of finish_episode.
episode_finishing = hub_signals.signal("episode-finishing")


def _require_manager_of(session: Session, actor: User, team_id: int) -> None:
    managed = session.scalar(
        sa.select(TeamMembership.id).where(
            TeamMembership.user_id == actor.id,
            TeamMembership.team_id == team_id,
            TeamMembership.kind == MembershipKind.MANAGER,
        )
    )
    if actor.access_role != AccessRole.MANAGER or managed is None:
        raise PermissionDenied("Only the hub's team manager can reassign lead workers")


def reassign_lead_worker(
    session: Session, actor: User, episode: Episode, *, lead_worker_id: int | None, reason: str
) -> Episode:
    """The manager names a new lead worker; who, when and why are kept."""
    _require_manager_of(session, actor, episode.team_id)
    new_lead = team_staff_member(session, episode.team_id, lead_worker_id, "lead_worker_id")
    if new_lead.id == episode.lead_worker_id:
        raise ValidationError("This person is already the lead worker", field="lead_worker_id")
    why = required_text(reason, "reason", "Give a reason for the reassignment")
    session.add(
        LeadWorkerChange(
            episode_id=episode.id,
            from_user_id=episode.lead_worker_id,
            to_user_id=new_lead.id,
            reason=why,
            by_id=actor.id,
        )
    )
    episode.lead_worker_id = new_lead.id
    add_to_care_team(session, episode, new_lead)
    audit.record(
        "episode.reassign",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=episode.person_id,
    )
    session.flush()
    return episode


def add_to_care_team(session: Session, episode: Episode, user: User) -> CareTeamMember:
    member = session.scalar(
        sa.select(CareTeamMember).where(
            CareTeamMember.episode_id == episode.id, CareTeamMember.user_id == user.id
        )
    )
    if member is None:
        member = CareTeamMember(
            episode_id=episode.id, user_id=user.id, role=user.role, joined_on=today()
        )
        session.add(member)
    member.left_on = None
    session.flush()
    return member


def leave_care_team(
    session: Session, actor: User, episode: Episode, user_id: int, *, on: dt.date | None = None
) -> CareTeamMember:
    """A worker stops working with the person (e.g. their caseload was moved to a colleague).

    The membership is ended, never deleted, so who was in the team when stays on record."""
    if user_id == episode.lead_worker_id:
        raise ValidationError(
            "Name a new lead worker before the current one leaves the care team", field="user_id"
        )
    member = session.scalar(
        sa.select(CareTeamMember).where(
            CareTeamMember.episode_id == episode.id,
            CareTeamMember.user_id == user_id,
            CareTeamMember.left_on.is_(None),
        )
    )
    if member is None:
        raise ValidationError("This worker is not in the person's care team", field="user_id")
    member.left_on = on or today()
    audit.record(
        "episode.care_team_leave",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=episode.person_id,
    )
    session.flush()
    return member


def start_episode(session: Session, actor: User, episode: Episode, started_on: dt.date) -> Episode:
    """The first planned contact happened: the episode is active."""
    episode.status = next_episode_status(episode.status, EpisodeAction.START)
    episode.started_on = started_on
    audit.record(
        "episode.start",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=episode.person_id,
    )
    session.flush()
    return episode


def finish_episode(
    session: Session, actor: User | None, episode: Episode, finished_on: dt.date
) -> Episode:
    """The episode of care ends (a discharge, or the end of a completed transition).

    Callers check their own rules first (an onward plan for a discharge); receivers of
    `episode-finishing` may still refuse, e.g. while a transition from it is under way."""
    status = next_episode_status(episode.status, EpisodeAction.FINISH)
    if finished_on > today() or finished_on < episode.opened_at.date():
        raise ValidationError(
            "The end date must be between the episode's start and today", field="finished_on"
        )
    episode_finishing.send(episode, actor=actor)
    episode.status = status
    episode.finished_on = finished_on
    audit.record(
        "episode.finish",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=episode.person_id,
    )
    session.flush()
    return episode
