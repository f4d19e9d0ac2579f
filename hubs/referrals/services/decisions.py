"""The hub's decisions on a referral: triage, accept, signpost, withdraw, enter in error.

Only `_move` writes a referral's status: it checks the state table, appends the history row,
writes the audit row and sends the signal, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Service, ServiceKind
from hubs.referrals.models import (
    CareTeamMember,
    ClockEventKind,
    Episode,
    Priority,
    Referral,
)
from hubs.referrals.services.common import (
    add_history,
    record_clock_event,
    required_text,
    team_staff_member,
)
from hubs.referrals.states import (
    REFERRAL_STATES,
    ReferralAction,
    next_status,
)
from hubs.staff.models import TeamMembership, User

referral_transitioned = hub_signals.signal("referral-transitioned")
episode_opened = hub_signals.signal("episode-opened")


def _require_team_role(
    session: Session, actor: User, referral: Referral, action: ReferralAction
) -> None:
    if not REFERRAL_STATES.permits(action, actor.access_role):
        raise PermissionDenied("Your role cannot take this action on a referral")
    member = session.scalar(
        sa.select(TeamMembership.id).where(
            TeamMembership.user_id == actor.id, TeamMembership.team_id == referral.team_id
        )
    )
    if member is None:
        raise PermissionDenied("Only staff of the receiving hub can act on this referral")


def _move(
    session: Session, actor: User, referral: Referral, action: ReferralAction, note: str
) -> None:
    before = referral.status
    referral.status = next_status(before, action)
    if not referral.status.is_open:
        referral.closed_on = today()
    add_history(session, referral, action.value, before, referral.status, actor, note)
    audit.record(
        f"referral.{action.value}",
        actor=actor,
        record_type="referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    session.flush()
    referral_transitioned.send(referral, actor=actor, action=action, before=before)


def triage(
    session: Session, actor: User, referral: Referral, *, rationale: str, priority: Priority
) -> Referral:
    """The MDT records its triage decision and confirms the priority."""
    _require_team_role(session, actor, referral, ReferralAction.TRIAGE)
    next_status(referral.status, ReferralAction.TRIAGE)
    referral.triage_rationale = required_text(rationale, "rationale", "Enter the MDT's rationale")
    referral.priority = priority
    referral.is_crisis_routed = referral.is_crisis_routed or priority.needs_crisis_routing
    _move(session, actor, referral, ReferralAction.TRIAGE, f"Priority confirmed: {priority.label}")
    return referral


def accept(
    session: Session,
    actor: User,
    referral: Referral,
    *,
    lead_worker_id: int | None,
    package_started_on: dt.date | None = None,
) -> Episode:
    """Accept the referral: an episode opens in the hub with a named lead worker."""
    _require_team_role(session, actor, referral, ReferralAction.ACCEPT)
    next_status(referral.status, ReferralAction.ACCEPT)
    lead = team_staff_member(session, referral.team_id, lead_worker_id, "lead_worker_id")
    if package_started_on and not referral.received_on <= package_started_on <= today():
        raise ValidationError(
            "The start date must be between the referral and today", field="package_started_on"
        )
    episode = Episode(
        referral_id=referral.id,
        person_id=referral.person_id,
        team_id=referral.team_id,
        lead_worker_id=lead.id,
    )
    session.add(episode)
    session.flush()
    session.add(
        CareTeamMember(episode_id=episode.id, user_id=lead.id, role=lead.role, joined_on=today())
    )
    if package_started_on and referral.service.kind == ServiceKind.EARLY_INTERVENTION:
        record_clock_event(
            session,
            referral.person_id,
            ClockEventKind.EIP_PACKAGE_STARTED,
            package_started_on,
            referral_id=referral.id,
            source=("episode", episode.id),
        )
    _move(session, actor, referral, ReferralAction.ACCEPT, f"Lead worker: {lead.display_name}")
    episode_opened.send(episode, actor=actor)
    return episode


def signpost(
    session: Session,
    actor: User,
    referral: Referral,
    *,
    service_id: int | None,
    handover_note: str,
    confirmed_on: dt.date | None,
) -> Referral:
    """Close by a warm handover to a named service that has confirmed it will take over."""
    _require_team_role(session, actor, referral, ReferralAction.SIGNPOST)
    next_status(referral.status, ReferralAction.SIGNPOST)
    service = session.get(Service, service_id) if service_id else None
    if service is None or not service.is_active:
        raise ValidationError("Choose the named service the person is going to", field="service_id")
    if service.team_id == referral.team_id and service.kind == ServiceKind.HUB_TEAM:
        raise ValidationError("Choose a service other than this hub's own team", field="service_id")
    note = required_text(handover_note, "handover_note", "Write the warm-handover note")
    if confirmed_on is None:
        raise ValidationError(
            "Enter the date the receiving service confirmed", field="confirmed_on"
        )
    if confirmed_on > today():
        raise ValidationError("The confirmation date cannot be in the future", field="confirmed_on")
    referral.signposted_service_id = service.id
    referral.handover_note = note
    referral.destination_confirmed_on = confirmed_on
    _move(session, actor, referral, ReferralAction.SIGNPOST, f"To {service.name}")
    return referral


def withdraw(session: Session, actor: User, referral: Referral, *, reason: str) -> Referral:
    """The person has withdrawn their request for support."""
    _require_team_role(session, actor, referral, ReferralAction.WITHDRAW)
    next_status(referral.status, ReferralAction.WITHDRAW)
    referral.withdrawn_reason = required_text(reason, "reason", "Enter the person's reason")
    _move(session, actor, referral, ReferralAction.WITHDRAW, referral.withdrawn_reason)
    return referral


def enter_in_error(session: Session, actor: User, referral: Referral, *, reason: str) -> Referral:
    """The referral was recorded by mistake (e.g. the wrong person); it is kept, not deleted."""
    _require_team_role(session, actor, referral, ReferralAction.ENTER_IN_ERROR)
    next_status(referral.status, ReferralAction.ENTER_IN_ERROR)
    note = required_text(reason, "reason", "Say what was wrong")
    _move(session, actor, referral, ReferralAction.ENTER_IN_ERROR, note)
    return referral


def fast_track(session: Session, referral: Referral, *, reason: str) -> Referral:
    """Flag a referral as fast-tracked (the person is coming back soon after a discharge)."""
    if referral.is_fast_tracked:
        return referral
    referral.is_fast_tracked = True
    referral.fast_track_reason = reason
    add_history(session, referral, "fast_track", referral.status, referral.status, None, reason)
    audit.record(
        "referral.fast_track",
        actor=None,
        record_type="referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    session.flush()
    return referral
