"""Pieces the referral services share: the history row, required text, a hub's staff
member, and the dated events the clocks count."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import NotFound, ValidationError
from hubs.core.signals import hub_signals
from hubs.directory.models import Service
from hubs.referrals.models import (
    ClockEvent,
    ClockEventKind,
    Referral,
    ReferralEvent,
)
from hubs.referrals.states import (
    ReferralStatus,
)
from hubs.staff.models import TeamMembership, User

#: A dated event the clocks count was recorded. Sender: the ClockEvent; no kwargs.
clock_event_recorded = hub_signals.signal("clock-event-recorded")


def add_history(
    session: Session,
    referral: Referral,
    action: str,
    before: ReferralStatus | None,
    after: ReferralStatus,
    actor: User | None,
    note: str = "",
) -> None:
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            action=action,
            from_status=before.value if before else None,
            to_status=after.value,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )


def required_text(value: str | None, field_name: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field_name)
    return text


def team_staff_member(session: Session, team_id: int, user_id: int | None, field_name: str) -> User:
    user = (
        session.scalar(
            sa.select(User)
            .join(TeamMembership)
            .where(
                User.id == user_id,
                TeamMembership.team_id == team_id,
                User.is_active.is_(True),
                User.kind == "staff",
            )
        )
        if user_id
        else None
    )
    if user is None:
        raise ValidationError("Choose a member of this hub's team", field=field_name)
    return user


def record_clock_event(
    session: Session,
    person_id: int,
    kind: ClockEventKind,
    occurred_on: dt.date,
    *,
    referral_id: int | None = None,
    source: tuple[str, int] | None = None,
) -> ClockEvent:
    """Note a dated event the clocks count; later features call this from their services."""
    event = ClockEvent(
        person_id=person_id,
        referral_id=referral_id,
        kind=kind,
        occurred_on=occurred_on,
        source_type=source[0] if source else None,
        source_id=source[1] if source else None,
    )
    session.add(event)
    session.flush()
    clock_event_recorded.send(event)
    return event


def get_service(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound("No such service")
    return service
