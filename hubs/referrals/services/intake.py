"""Intake: a referral by need, routed to the person's hub, recorded once per submission."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Service, ServiceKind, Team
from hubs.directory.queries import patch_teams_of
from hubs.people.access import get_person_for
from hubs.people.models import Person
from hubs.referrals.access import get_referral_for
from hubs.referrals.models import (
    NeedDomain,
    Priority,
    Referral,
    ReferralNeed,
    ReferralSource,
    Severity,
)
from hubs.referrals.services.common import (
    add_history,
)
from hubs.referrals.states import (
    OPEN_REFERRAL_STATUSES,
    ReferralStatus,
)
from hubs.staff.models import User

referral_received = hub_signals.signal("referral-received")

INTAKE_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER, AccessRole.HUB_ADMIN}


class DuplicateReferral(Conflict):
    title = "This person already has an open referral"


@dataclass(frozen=True)
class NeedInput:
    domain: NeedDomain
    severity: Severity
    own_words: str = ""


@dataclass
class ReferralInput:
    """What intake collects, from a form or the API."""

    source: ReferralSource
    referrer_name: str
    received_on: dt.date
    priority: Priority
    needs: list[NeedInput] = field(default_factory=list)
    referrer_organisation: str | None = None
    what_matters: str = ""
    risk_summary: str = ""
    communication_needs: str = ""
    diagnosis: str | None = None
    service_id: int | None = None
    team_id: int | None = None
    team_override_reason: str | None = None
    submission_key: str | None = None
    confirm_duplicate: bool = False


# --- Routing ------------------------------------------------------------------------------


def team_for_person(session: Session, person: Person) -> Team | None:
    """A person's hub follows from their registered GP practice (practice → LCP → hub)."""
    if person.gp_practice_id is None:
        return None
    return session.scalar(
        sa.select(Team).where(Team.id.in_(patch_teams_of(person.gp_practice_id))).order_by(Team.id)
    )


def _route(session: Session, person: Person, data: ReferralInput) -> tuple[Team, str | None]:
    registered = team_for_person(session, person)
    if data.team_id is None or (registered and data.team_id == registered.id):
        if registered is None:
            raise ValidationError(
                "The person has no registered GP practice: choose the receiving hub and say why",
                field="team_id",
            )
        return registered, None
    reason = (data.team_override_reason or "").strip()
    if not reason:
        raise ValidationError(
            "Give a reason for sending the referral to a different hub",
            field="team_override_reason",
        )
    team = session.get(Team, data.team_id)
    if team is None:
        raise ValidationError("Choose a hub from the list", field="team_id")
    return team, reason


def _service(session: Session, team: Team, service_id: int | None) -> Service:
    if service_id is None:
        service = session.scalar(
            sa.select(Service).where(
                Service.team_id == team.id, Service.kind == ServiceKind.HUB_TEAM
            )
        )
        if service is None:
            raise ValidationError(f"{team.name} has no hub team service set up", field="team_id")
        return service
    service = session.get(Service, service_id)
    if service is None or not service.is_active:
        raise ValidationError("Choose a service from the directory", field="service_id")
    return service


# --- Intake -------------------------------------------------------------------------------


def open_referrals_for(session: Session, person_id: int) -> list[Referral]:
    """Open referrals for the same person (intake warns before recording another)."""
    return list(
        session.scalars(
            sa.select(Referral)
            .where(Referral.person_id == person_id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
            .order_by(Referral.received_on)
        )
    )


def _validate_intake(data: ReferralInput) -> None:
    if not data.needs:
        raise ValidationError("Add at least one need", field="needs")
    if len({n.domain for n in data.needs}) != len(data.needs):
        raise ValidationError("Each need domain can be added once", field="needs")
    if data.received_on > today():
        raise ValidationError("The received date cannot be in the future", field="received_on")
    if not data.referrer_name.strip():
        raise ValidationError("Enter who made the referral", field="referrer_name")


class SubmissionKeyUsed(Conflict):
    title = "This submission was already recorded"


def _existing_submission(session: Session, actor: User, key: str | None) -> Referral | None:
    """The referral this actor already recorded with this key (a form or a system sending the
    same thing twice). Keys belong to their submitter: another's identical key is a different
    referral, and a replay passes the same access check as any read, audited as one."""
    if not key:
        return None
    repeat_id = session.scalar(
        sa.select(Referral.id).where(
            Referral.created_by_id == actor.id, Referral.submission_key == key
        )
    )
    if repeat_id is None:
        return None
    try:
        repeat = get_referral_for(session, actor, repeat_id)
    except NotFound:
        # Recorded by this actor, who may no longer see it: say so without showing it.
        raise SubmissionKeyUsed(
            "You already sent a referral with this submission key, and can no longer see it."
            " Send a new key to record another referral.",
            field="submission_key",
        ) from None
    audit.record(
        "referral.replay",
        actor=actor,
        record_type="referral",
        record_id=repeat.id,
        person_id=repeat.person_id,
    )
    return repeat


def receive_referral(
    session: Session, actor: User, person: Person, data: ReferralInput
) -> Referral:
    """Record a referral by need for a person the actor may see, routed to their hub."""
    if actor.access_role not in INTAKE_ROLES | {AccessRole.PERSON}:
        raise PermissionDenied("Your role cannot record referrals")
    repeat = _existing_submission(session, actor, data.submission_key)
    if repeat is not None:
        return repeat  # the same form submitted twice
    _validate_intake(data)
    duplicates = open_referrals_for(session, person.id)
    if duplicates and not data.confirm_duplicate:
        raise DuplicateReferral(
            f"{person.full_name} already has {len(duplicates)} open referral(s), received "
            + ", ".join(r.received_on.strftime("%-d %B %Y") for r in duplicates)
            + ". Check it is not the same request, then confirm to record this one too.",
            field="confirm_duplicate",
        )
    team, override_reason = _route(session, person, data)
    referral = _build(session, person, team, data, override_reason, actor)
    session.add(referral)
    session.flush()
    add_history(
        session, referral, "receive", None, ReferralStatus.RECEIVED, actor, override_reason or ""
    )
    audit.record(
        "referral.create",
        actor=actor,
        record_type="referral",
        record_id=referral.id,
        person_id=person.id,
    )
    referral_received.send(referral, actor=actor)
    return referral


def _build(
    session: Session,
    person: Person,
    team: Team,
    data: ReferralInput,
    override_reason: str | None,
    actor: User,
) -> Referral:
    return Referral(
        person_id=person.id,
        team_id=team.id,
        service_id=_service(session, team, data.service_id).id,
        source=data.source,
        referrer_name=data.referrer_name.strip(),
        referrer_organisation=data.referrer_organisation,
        received_on=data.received_on,
        what_matters=data.what_matters,
        risk_summary=data.risk_summary,
        priority=data.priority,
        communication_needs=data.communication_needs,
        diagnosis=(data.diagnosis or "").strip() or None,
        team_override_reason=override_reason,
        is_crisis_routed=data.priority.needs_crisis_routing,
        submission_key=data.submission_key or None,
        created_by_id=actor.id,
        needs=[
            ReferralNeed(domain=n.domain, severity=n.severity, own_words=n.own_words)
            for n in data.needs
        ],
    )


def receive_referral_for_new_person(
    session: Session, actor: User, person_values: dict[str, object], data: ReferralInput
) -> Referral:
    """Register someone new and record their referral, as one piece of work."""
    from hubs.people.services import register_person

    if actor.access_role not in INTAKE_ROLES:
        raise PermissionDenied("Your role cannot record referrals")
    repeat = _existing_submission(session, actor, data.submission_key)
    if repeat is not None:
        return repeat
    _validate_intake(data)
    for name, label in (
        ("given_name", "first name"),
        ("family_name", "last name"),
        ("date_of_birth", "date of birth"),
    ):
        if not person_values.get(name):
            raise ValidationError(f"Enter the person's {label}", field=f"person.{name}")
    try:
        person = register_person(session, actor, **person_values)
    except ValidationError as error:
        raise ValidationError(error.message, field=f"person.{error.field}") from error
    return receive_referral(session, actor, person, data)


def self_refer(session: Session, actor: User, person_id: int, data: ReferralInput) -> Referral:
    """A signed-in person asks for support for themselves."""
    person = get_person_for(session, actor, person_id)
    data.source = ReferralSource.SELF
    data.referrer_name = person.full_name
    data.team_id, data.team_override_reason, data.service_id = None, None, None
    return receive_referral(session, actor, person, data)
