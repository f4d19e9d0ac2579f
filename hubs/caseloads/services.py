"""Rebalancing caseloads: a manager moves people from one worker to another, in bulk.

All or nothing: every person chosen is checked before anything changes, and any failure
raises, so the caller's single transaction is rolled back as a whole. The changes themselves
go through the referrals services (lead worker history, care team, audit).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.caseloads.models import CaseloadTransfer, CaseloadTransferEpisode
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.directory.models import Team
from hubs.referrals import services as referral_services
from hubs.referrals.access import OPEN_EPISODE_STATUSES
from hubs.referrals.models import CareTeamMember, Episode
from hubs.staff.models import AccountKind, MembershipKind, TeamMembership, User

MAX_BULK_REASSIGN = 100


def _require_manager(session: Session, actor: User, team: Team) -> None:
    manages = session.scalar(
        sa.select(TeamMembership.id).where(
            TeamMembership.user_id == actor.id,
            TeamMembership.team_id == team.id,
            TeamMembership.kind == MembershipKind.MANAGER,
        )
    )
    if actor.access_role != AccessRole.MANAGER or manages is None:
        raise PermissionDenied("Only the hub's team manager can move people between workers")


def _team_worker(session: Session, team: Team, user_id: int | None, field: str) -> User:
    worker = (
        session.scalar(
            sa.select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(
                User.id == user_id,
                TeamMembership.team_id == team.id,
                User.kind == AccountKind.STAFF,
            )
        )
        if user_id
        else None
    )
    if worker is None:
        raise ValidationError("Choose a member of this hub's team", field=field)
    return worker


def _episodes(
    session: Session, team: Team, from_user: User, episode_ids: Sequence[int]
) -> list[Episode]:
    """The chosen episodes, each open, in this hub and on the from-worker's caseload."""
    wanted = list(dict.fromkeys(episode_ids))
    if not wanted:
        raise ValidationError("Choose at least one person to move", field="episode_ids")
    if len(wanted) > MAX_BULK_REASSIGN:
        raise ValidationError(
            f"Move at most {MAX_BULK_REASSIGN} people at a time", field="episode_ids"
        )
    in_team = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == from_user.id, CareTeamMember.left_on.is_(None)
    )
    found = list(
        session.scalars(
            sa.select(Episode)
            .where(
                Episode.id.in_(wanted),
                Episode.team_id == team.id,
                Episode.status.in_(OPEN_EPISODE_STATUSES),
                sa.or_(Episode.lead_worker_id == from_user.id, Episode.id.in_(in_team)),
            )
            .order_by(Episode.id)
        )
    )
    if len(found) != len(wanted):
        missing = len(wanted) - len(found)
        raise ValidationError(
            f"{missing} of the people chosen are no longer on {from_user.display_name}'s "
            "caseload in this hub. Nobody has been moved: check the list and try again.",
            field="episode_ids",
        )
    return found


def bulk_reassign(
    session: Session,
    actor: User,
    team: Team,
    *,
    from_user_id: int | None,
    to_user_id: int | None,
    episode_ids: Sequence[int],
    reason: str,
) -> CaseloadTransfer:
    """The manager moves up to 100 people from one worker to another, with a reason."""
    _require_manager(session, actor, team)
    from_user = _team_worker(session, team, from_user_id, "from_user_id")
    to_user = _team_worker(session, team, to_user_id, "to_user_id")
    if not to_user.is_active:
        raise ValidationError("Choose a worker whose account is active", field="to_user_id")
    if to_user.id == from_user.id:
        raise ValidationError("Choose a different worker to move people to", field="to_user_id")
    why = (reason or "").strip()
    if not why:
        raise ValidationError("Give a reason for moving these people", field="reason")
    episodes = _episodes(session, team, from_user, episode_ids)
    transfer = CaseloadTransfer(
        team_id=team.id,
        from_user_id=from_user.id,
        to_user_id=to_user.id,
        reason=why,
        by_id=actor.id,
    )
    session.add(transfer)
    session.flush()
    for episode in episodes:
        _move(session, actor, transfer, episode, from_user, to_user)
    session.flush()
    return transfer


def _move(
    session: Session,
    actor: User,
    transfer: CaseloadTransfer,
    episode: Episode,
    from_user: User,
    to_user: User,
) -> None:
    was_lead = episode.lead_worker_id == from_user.id
    if was_lead:
        referral_services.reassign_lead_worker(
            session, actor, episode, lead_worker_id=to_user.id, reason=transfer.reason
        )
    else:
        referral_services.add_to_care_team(session, episode, to_user)
    if _in_team(session, episode, from_user):
        referral_services.leave_care_team(session, actor, episode, from_user.id)
    session.add(
        CaseloadTransferEpisode(transfer_id=transfer.id, episode_id=episode.id, was_lead=was_lead)
    )
    audit.record(
        "caseload.transfer",
        actor=actor,
        record_type="caseload_transfer",
        record_id=transfer.id,
        person_id=episode.person_id,
    )


def _in_team(session: Session, episode: Episode, user: User) -> bool:
    return (
        session.scalar(
            sa.select(CareTeamMember.id).where(
                CareTeamMember.episode_id == episode.id,
                CareTeamMember.user_id == user.id,
                CareTeamMember.left_on.is_(None),
            )
        )
        is not None
    )
