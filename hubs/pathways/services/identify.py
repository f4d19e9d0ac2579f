"""Identifying a transition: by staff of the sending episode, or by the scheduler when one is
due (CAMHS at 17½, Aspire at 30 months). One transition under way per sending episode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hubs.core.access import AccessRole
from hubs.core.errors import InvalidTransition, PermissionDenied, ValidationError
from hubs.directory.models import Team
from hubs.pathways import alerts, rules
from hubs.pathways.access import on_sending_side
from hubs.pathways.models import Transition, TransitionKind
from hubs.pathways.services.base import (
    OPEN_EPISODE,
    audit_transition,
    check_step_down_service,
    flush_transition,
    not_past,
    open_transition_for,
    record_history,
    transition_started,
)
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode
from hubs.staff.models import User


@dataclass
class StartInput:
    """What a member of staff gives to start a transition from an episode."""

    kind: TransitionKind
    receiving_team_id: int | None = None
    receiving_service_id: int | None = None
    planned_on: dt.date | None = None


def episode_started_on(episode: Episode) -> dt.date:
    """When support in an episode began: its first contact, or when it was opened."""
    return episode.started_on or episode.opened_at.date()


def default_planned_on(kind: TransitionKind, episode: Episode) -> dt.date | None:
    """Handover by 18 (CAMHS) or by the end of Aspire's 3 years; step-down has no default."""
    if kind == TransitionKind.CAMHS_TO_ADULT:
        return rules.camhs_handover_by(episode.person.date_of_birth)
    if kind == TransitionKind.ASPIRE_TO_HUB:
        return rules.aspire_episode_ends(episode_started_on(episode))
    return None


def _receiving_team(session: Session, episode: Episode, team_id: int | None) -> Team:
    """The chosen hub, else the person's own hub (from their GP practice), else the sender's."""
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None:
            raise ValidationError("Choose a hub from the list", field="receiving_team_id")
        return team
    own = referral_services.team_for_person(session, episode.person)
    return own or episode.team


def _check_episode(episode: Episode, kind: TransitionKind) -> None:
    if episode.status not in OPEN_EPISODE:
        raise InvalidTransition("A transition can only start from an open episode")
    if episode.referral.service.kind != kind.sending_service_kind:
        raise ValidationError(
            f"A {kind.label} transition starts from an episode with "
            f"{kind.sending_service_kind.value.replace('_', ' ')}: this episode is with "
            f"{episode.referral.service.name}",
            field="kind",
        )


def _create(session: Session, actor: User | None, episode: Episode, data: StartInput) -> Transition:
    _check_episode(episode, data.kind)
    if open_transition_for(session, episode.id) is not None:
        raise ValidationError("This episode already has a transition under way", field="kind")
    transition = Transition(
        kind=data.kind,
        person_id=episode.person_id,
        sending_episode_id=episode.id,
        planned_on=data.planned_on or default_planned_on(data.kind, episode),
        created_by_id=actor.id if actor else None,
    )
    if data.kind.receives_into_hub:
        transition.receiving_team_id = _receiving_team(session, episode, data.receiving_team_id).id
    else:
        service = check_step_down_service(
            session, data.receiving_service_id, "receiving_service_id"
        )
        transition.receiving_service_id = service.id
    if transition.planned_on is None:
        raise ValidationError("Enter the planned date of the step-down", field="planned_on")
    session.add(transition)
    flush_transition(session)
    record_history(session, transition, "identify", None, actor)
    audit_transition("create", actor, transition)
    flush_transition(session)
    transition_started.send(transition, actor=actor)
    return transition


def start_transition(
    session: Session, actor: User, episode: Episode, data: StartInput
) -> Transition:
    """Staff of the sending episode identify that the person will move on."""
    if actor.access_role not in {AccessRole.CLINICIAN, AccessRole.MANAGER}:
        raise PermissionDenied("Your role cannot start a transition")
    if not on_sending_side(session, actor, episode):
        raise PermissionDenied("Only the team of the sending episode can start a transition")
    if data.planned_on is not None:
        not_past(data.planned_on, "planned_on", "Enter the planned date")
    return _create(session, actor, episode, data)


def identify_due(session: Session, episode: Episode, kind: TransitionKind) -> Transition | None:
    """The scheduler identifies a transition that is due; None if one is already under way
    (so running the job twice for the same day has one effect)."""
    if open_transition_for(session, episode.id) is not None:
        return None
    transition = _create(session, None, episode, StartInput(kind=kind))
    alerts.alert_identified(session, transition)
    return transition
