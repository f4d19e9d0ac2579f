"""Referral events: received, triaged, accepted, signposted, withdrawn.

A referral entered in error (e.g. recorded against the wrong person) never counted: none of
its events are in the store, and marking it so removes the ones the feed had written.
Every referral event carries the referral as its case and the hub that owns it.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from hubs.activity.rows import Fact, days_between
from hubs.activity.sources.registry import Scope, source
from hubs.directory.models import Service
from hubs.referrals.models import Referral, ReferralEvent
from hubs.referrals.states import ReferralAction, ReferralStatus
from hubs.reporting.models import ActivityType

COUNTED = Referral.status != ReferralStatus.ENTERED_IN_ERROR


def case_of(referral_id: int) -> str:
    """The case identity every event of one referral shares."""
    return f"referral:{referral_id}"


@source(ActivityType.REFERRAL_RECEIVED)
def referral_received(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = kind of service referred to (e.g. early_intervention); no value."""
    rows = session.execute(
        sa.select(
            Referral.id, Referral.person_id, Referral.team_id, Referral.received_on, Service.kind
        )
        .join(Service, Service.id == Referral.service_id)
        .where(people(Referral.person_id), COUNTED)
    )
    for rid, person_id, team_id, received_on, kind in rows:
        yield Fact(
            ActivityType.REFERRAL_RECEIVED,
            f"referral-received:{rid}",
            person_id,
            team_id,
            received_on,
            case=case_of(rid),
            detail=str(kind),
        )


@source(ActivityType.REFERRAL_TRIAGED)
def referral_triaged(session: Session, people: Scope) -> Iterator[Fact]:
    """The MDT's decision: detail = confirmed priority; value = days since received."""
    rows = session.execute(
        sa.select(
            ReferralEvent.id,
            ReferralEvent.at,
            Referral.id,
            Referral.person_id,
            Referral.team_id,
            Referral.received_on,
            Referral.priority,
        )
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .where(
            people(Referral.person_id),
            COUNTED,
            ReferralEvent.action == ReferralAction.TRIAGE.value,
        )
    )
    for event_id, at, rid, person_id, team_id, received_on, priority in rows:
        day = at.date()  # UTC, as the service stamps it
        yield Fact(
            ActivityType.REFERRAL_TRIAGED,
            f"referral-triaged:{event_id}",
            person_id,
            team_id,
            day,
            started_on=received_on,
            case=case_of(rid),
            detail=str(priority),
            value=days_between(received_on, day),
        )


def _closed(
    session: Session, people: Scope, status: ReferralStatus, event_type: ActivityType
) -> Iterator[Fact]:
    """A referral that ended with `status`, dated the day it closed.

    detail = kind of service now responsible (the hub's own for an acceptance, the named
    destination for a signposting); value = days from received to the decision."""
    destination = aliased(Service)
    rows = session.execute(
        sa.select(
            Referral.id,
            Referral.person_id,
            Referral.team_id,
            Referral.received_on,
            Referral.closed_on,
            Service.kind,
            destination.kind,
        )
        .join(Service, Service.id == Referral.service_id)
        .outerjoin(destination, destination.id == Referral.signposted_service_id)
        .where(people(Referral.person_id), Referral.status == status)
    )
    for rid, person_id, team_id, received_on, closed_on, kind, destination_kind in rows:
        detail = {
            ReferralStatus.ACCEPTED: kind,
            ReferralStatus.SIGNPOSTED: destination_kind,
        }.get(status)
        yield Fact(
            event_type,
            f"{event_type.value.replace('_', '-')}:{rid}",
            person_id,
            team_id,
            closed_on,
            started_on=received_on,
            case=case_of(rid),
            detail=str(detail) if detail else None,
            value=days_between(received_on, closed_on),
        )


@source(ActivityType.REFERRAL_ACCEPTED)
def referral_accepted(session: Session, people: Scope) -> Iterator[Fact]:
    return _closed(session, people, ReferralStatus.ACCEPTED, ActivityType.REFERRAL_ACCEPTED)


@source(ActivityType.REFERRAL_SIGNPOSTED)
def referral_signposted(session: Session, people: Scope) -> Iterator[Fact]:
    return _closed(session, people, ReferralStatus.SIGNPOSTED, ActivityType.REFERRAL_SIGNPOSTED)


@source(ActivityType.REFERRAL_WITHDRAWN)
def referral_withdrawn(session: Session, people: Scope) -> Iterator[Fact]:
    return _closed(session, people, ReferralStatus.WITHDRAWN, ActivityType.REFERRAL_WITHDRAWN)
