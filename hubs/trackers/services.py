"""The verbs of the trackers: record a health check element, employment status, IPS.

The same people as the support log: a worker records these for people allocated to them
(connectors often accompany people to their physical health check).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Service, ServiceKind
from hubs.referrals.access import SUPPORT_ROLES, get_supported_person
from hubs.staff.models import User
from hubs.trackers.models import (
    CessationOffer,
    EmploymentCheck,
    EmploymentStatus,
    HealthCheckElement,
    HealthCheckRecord,
    IpsOutcome,
    IpsReferral,
    SmokingStatus,
)

# Sender: the record; kwargs: actor. The activity store listens (hubs.activity.feed).
health_check_recorded = hub_signals.signal("health-check-recorded")
employment_status_recorded = hub_signals.signal("employment-status-recorded")
ips_referral_made = hub_signals.signal("ips-referral-made")
ips_outcome_recorded = hub_signals.signal("ips-outcome-recorded")


def _require(actor: User, session: Session, person_id: int) -> int:
    if actor.access_role not in SUPPORT_ROLES:
        raise PermissionDenied("Your role cannot record this")
    return get_supported_person(session, actor, person_id).id


def _past_date(value: dt.date | None, field: str, what: str) -> dt.date:
    if value is None:
        raise ValidationError(f"Enter the date {what}", field=field)
    if value > today():
        raise ValidationError("The date cannot be in the future", field=field)
    return value


def _smoking_fields(
    element: HealthCheckElement,
    status: SmokingStatus | None,
    offer: CessationOffer | None,
) -> tuple[SmokingStatus | None, CessationOffer | None]:
    if element != HealthCheckElement.SMOKING:
        return None, None
    if status is None:
        raise ValidationError("Choose the person's smoking status", field="smoking_status")
    if status == SmokingStatus.CURRENT and offer is None:
        # Everyone who smokes is offered support to stop; record what they said.
        raise ValidationError(
            "Record whether support to stop smoking was offered and accepted",
            field="cessation_offer",
        )
    return status, offer if status == SmokingStatus.CURRENT else None


def record_health_check(
    session: Session,
    actor: User,
    person_id: int,
    *,
    element: HealthCheckElement,
    done_on: dt.date | None,
    where_done: str,
    result: str = "",
    smoking_status: SmokingStatus | None = None,
    cessation_offer: CessationOffer | None = None,
) -> HealthCheckRecord:
    """One element of the annual physical health check was done, on a date, somewhere."""
    pid = _require(actor, session, person_id)
    on = _past_date(done_on, "done_on", "it was done")
    where = where_done.strip()
    if not where:
        raise ValidationError(
            "Enter where it was done, for example the GP practice", field="where_done"
        )
    status, offer = _smoking_fields(element, smoking_status, cessation_offer)
    record = HealthCheckRecord(
        person_id=pid,
        element=element,
        done_on=on,
        where_done=where[:160],
        result=result.strip()[:160],
        smoking_status=status,
        cessation_offer=offer,
        recorded_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        "health_check.record",
        actor=actor,
        record_type="health_check_record",
        record_id=record.id,
        person_id=pid,
    )
    health_check_recorded.send(record, actor=actor)
    return record


def record_employment_status(
    session: Session,
    actor: User,
    person_id: int,
    *,
    asked_on: dt.date | None,
    status: EmploymentStatus | None,
) -> EmploymentCheck:
    """The person was asked about work, and answered (or chose not to say)."""
    pid = _require(actor, session, person_id)
    on = _past_date(asked_on, "asked_on", "you asked")
    if status is None:
        raise ValidationError("Choose the person's answer", field="status")
    check = EmploymentCheck(person_id=pid, asked_on=on, status=status, recorded_by_id=actor.id)
    session.add(check)
    session.flush()
    audit.record(
        "employment.record",
        actor=actor,
        record_type="employment_check",
        record_id=check.id,
        person_id=pid,
    )
    employment_status_recorded.send(check, actor=actor)
    return check


def refer_to_ips(
    session: Session,
    actor: User,
    person_id: int,
    *,
    referred_on: dt.date | None,
    service_id: int | None = None,
    note: str = "",
) -> IpsReferral:
    """Refer the person to Individual Placement and Support (employment support for SMI)."""
    pid = _require(actor, session, person_id)
    on = _past_date(referred_on, "referred_on", "of the referral")
    service = session.get(Service, service_id) if service_id else None
    if service_id and (service is None or service.kind != ServiceKind.EMPLOYMENT):
        raise ValidationError("Choose an employment support service", field="service_id")
    referral = IpsReferral(
        person_id=pid,
        referred_on=on,
        service_id=service.id if service else None,
        note=note.strip(),
        referred_by_id=actor.id,
    )
    session.add(referral)
    session.flush()
    audit.record(
        "ips_referral.create",
        actor=actor,
        record_type="ips_referral",
        record_id=referral.id,
        person_id=pid,
    )
    ips_referral_made.send(referral, actor=actor)
    return referral


def get_ips_referral_for(session: Session, actor: User, ips_referral_id: int) -> IpsReferral:
    referral = session.get(IpsReferral, ips_referral_id)
    if referral is None:
        raise NotFound("Page not found")
    get_supported_person(session, actor, referral.person_id)
    return referral


def record_ips_outcome(
    session: Session,
    actor: User,
    referral: IpsReferral,
    *,
    outcome: IpsOutcome | None,
    outcome_on: dt.date | None,
) -> IpsReferral:
    """What came of an IPS referral: accepted, not, declined, into work, kept work."""
    _require(actor, session, referral.person_id)
    if outcome is None or outcome == IpsOutcome.AWAITING:
        raise ValidationError("Choose what happened", field="outcome")
    on = _past_date(outcome_on, "outcome_on", "it happened")
    if on < referral.referred_on:
        raise ValidationError("The date cannot be before the referral", field="outcome_on")
    referral.outcome, referral.outcome_on = outcome, on
    audit.record(
        "ips_referral.outcome",
        actor=actor,
        record_type="ips_referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    session.flush()
    ips_outcome_recorded.send(referral, actor=actor)
    return referral
