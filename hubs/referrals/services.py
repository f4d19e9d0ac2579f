"""The verbs of referrals: intake, transitions, allocation and reassignment.

Services take the actor and values explicitly, flush but never commit, and raise domain
errors. Only `_move` writes a referral's status: it checks the state table, appends the
history row, writes the audit row and sends the signal, all in the caller's transaction.
"""

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
from hubs.directory.models import GpPractice, Hub, Service, ServiceKind
from hubs.people.access import get_person_for
from hubs.people.models import Person
from hubs.referrals.access import get_referral_for
from hubs.referrals.models import (
    CareTeamMember,
    ClockEvent,
    ClockEventKind,
    Episode,
    LeadWorkerChange,
    NeedDomain,
    Priority,
    Referral,
    ReferralEvent,
    ReferralNeed,
    ReferralSource,
    Severity,
)
from hubs.referrals.states import (
    OPEN_REFERRAL_STATUSES,
    REFERRAL_TRANSITIONS,
    EpisodeAction,
    ReferralAction,
    ReferralStatus,
    next_episode_status,
    next_status,
)
from hubs.staff.models import HubMembership, MembershipKind, User

referral_received = hub_signals.signal("referral-received")
referral_transitioned = hub_signals.signal("referral-transitioned")
episode_opened = hub_signals.signal("episode-opened")
#: A dated event the clocks count was recorded. Sender: the ClockEvent; no kwargs.
clock_event_recorded = hub_signals.signal("clock-event-recorded")
#: Sent before an episode finishes. A receiver refuses by raising a domain error, so a
#: higher feature's rule (pathways' no-gap rule) holds for every caller of finish_episode.
episode_finishing = hub_signals.signal("episode-finishing")

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
    hub_id: int | None = None
    hub_override_reason: str | None = None
    submission_key: str | None = None
    confirm_duplicate: bool = False


# --- Routing ------------------------------------------------------------------------------


def hub_for_person(session: Session, person: Person) -> Hub | None:
    """A person's hub follows from their registered GP practice (practice → LCP → hub)."""
    if person.gp_practice_id is None:
        return None
    return session.scalar(
        sa.select(Hub)
        .join(GpPractice, GpPractice.lcp_id == Hub.lcp_id)
        .where(GpPractice.id == person.gp_practice_id)
    )


def _route(session: Session, person: Person, data: ReferralInput) -> tuple[Hub, str | None]:
    registered = hub_for_person(session, person)
    if data.hub_id is None or (registered and data.hub_id == registered.id):
        if registered is None:
            raise ValidationError(
                "The person has no registered GP practice: choose the receiving hub and say why",
                field="hub_id",
            )
        return registered, None
    reason = (data.hub_override_reason or "").strip()
    if not reason:
        raise ValidationError(
            "Give a reason for sending the referral to a different hub",
            field="hub_override_reason",
        )
    hub = session.get(Hub, data.hub_id)
    if hub is None:
        raise ValidationError("Choose a hub from the list", field="hub_id")
    return hub, reason


def _service(session: Session, hub: Hub, service_id: int | None) -> Service:
    if service_id is None:
        service = session.scalar(
            sa.select(Service).where(Service.hub_id == hub.id, Service.kind == ServiceKind.HUB_TEAM)
        )
        if service is None:
            raise ValidationError(f"{hub.name} has no hub team service set up", field="hub_id")
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
    hub, override_reason = _route(session, person, data)
    referral = _build(session, person, hub, data, override_reason, actor)
    session.add(referral)
    session.flush()
    _history(
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
    hub: Hub,
    data: ReferralInput,
    override_reason: str | None,
    actor: User,
) -> Referral:
    return Referral(
        person_id=person.id,
        hub_id=hub.id,
        service_id=_service(session, hub, data.service_id).id,
        source=data.source,
        referrer_name=data.referrer_name.strip(),
        referrer_organisation=data.referrer_organisation,
        received_on=data.received_on,
        what_matters=data.what_matters,
        risk_summary=data.risk_summary,
        priority=data.priority,
        communication_needs=data.communication_needs,
        diagnosis=(data.diagnosis or "").strip() or None,
        hub_override_reason=override_reason,
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
    data.hub_id, data.hub_override_reason, data.service_id = None, None, None
    return receive_referral(session, actor, person, data)


# --- Transitions --------------------------------------------------------------------------


def _history(
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


def _require_hub_role(
    session: Session, actor: User, referral: Referral, action: ReferralAction
) -> None:
    if actor.access_role not in REFERRAL_TRANSITIONS[action].roles:
        raise PermissionDenied("Your role cannot take this action on a referral")
    member = session.scalar(
        sa.select(HubMembership.id).where(
            HubMembership.user_id == actor.id, HubMembership.hub_id == referral.hub_id
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
    _history(session, referral, action.value, before, referral.status, actor, note)
    audit.record(
        f"referral.{action.value}",
        actor=actor,
        record_type="referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    session.flush()
    referral_transitioned.send(referral, actor=actor, action=action, before=before)


def _required(value: str | None, field_name: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field_name)
    return text


def triage(
    session: Session, actor: User, referral: Referral, *, rationale: str, priority: Priority
) -> Referral:
    """The MDT records its triage decision and confirms the priority."""
    _require_hub_role(session, actor, referral, ReferralAction.TRIAGE)
    next_status(referral.status, ReferralAction.TRIAGE)
    referral.triage_rationale = _required(rationale, "rationale", "Enter the MDT's rationale")
    referral.priority = priority
    referral.is_crisis_routed = referral.is_crisis_routed or priority.needs_crisis_routing
    _move(session, actor, referral, ReferralAction.TRIAGE, f"Priority confirmed: {priority.label}")
    return referral


def _hub_staff(session: Session, hub_id: int, user_id: int | None, field_name: str) -> User:
    user = (
        session.scalar(
            sa.select(User)
            .join(HubMembership)
            .where(
                User.id == user_id,
                HubMembership.hub_id == hub_id,
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


def accept(
    session: Session,
    actor: User,
    referral: Referral,
    *,
    lead_worker_id: int | None,
    package_started_on: dt.date | None = None,
) -> Episode:
    """Accept the referral: an episode opens in the hub with a named lead worker."""
    _require_hub_role(session, actor, referral, ReferralAction.ACCEPT)
    next_status(referral.status, ReferralAction.ACCEPT)
    lead = _hub_staff(session, referral.hub_id, lead_worker_id, "lead_worker_id")
    if package_started_on and not referral.received_on <= package_started_on <= today():
        raise ValidationError(
            "The start date must be between the referral and today", field="package_started_on"
        )
    episode = Episode(
        referral_id=referral.id,
        person_id=referral.person_id,
        hub_id=referral.hub_id,
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
    _require_hub_role(session, actor, referral, ReferralAction.SIGNPOST)
    next_status(referral.status, ReferralAction.SIGNPOST)
    service = session.get(Service, service_id) if service_id else None
    if service is None or not service.is_active:
        raise ValidationError("Choose the named service the person is going to", field="service_id")
    if service.hub_id == referral.hub_id and service.kind == ServiceKind.HUB_TEAM:
        raise ValidationError("Choose a service other than this hub's own team", field="service_id")
    note = _required(handover_note, "handover_note", "Write the warm-handover note")
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
    _require_hub_role(session, actor, referral, ReferralAction.WITHDRAW)
    next_status(referral.status, ReferralAction.WITHDRAW)
    referral.withdrawn_reason = _required(reason, "reason", "Enter the person's reason")
    _move(session, actor, referral, ReferralAction.WITHDRAW, referral.withdrawn_reason)
    return referral


def enter_in_error(session: Session, actor: User, referral: Referral, *, reason: str) -> Referral:
    """The referral was recorded by mistake (e.g. the wrong person); it is kept, not deleted."""
    _require_hub_role(session, actor, referral, ReferralAction.ENTER_IN_ERROR)
    next_status(referral.status, ReferralAction.ENTER_IN_ERROR)
    note = _required(reason, "reason", "Say what was wrong")
    _move(session, actor, referral, ReferralAction.ENTER_IN_ERROR, note)
    return referral


# --- Episodes -----------------------------------------------------------------------------


def _require_manager_of(session: Session, actor: User, hub_id: int) -> None:
    managed = session.scalar(
        sa.select(HubMembership.id).where(
            HubMembership.user_id == actor.id,
            HubMembership.hub_id == hub_id,
            HubMembership.kind == MembershipKind.MANAGER,
        )
    )
    if actor.access_role != AccessRole.MANAGER or managed is None:
        raise PermissionDenied("Only the hub's team manager can reassign lead workers")


def reassign_lead_worker(
    session: Session, actor: User, episode: Episode, *, lead_worker_id: int | None, reason: str
) -> Episode:
    """The manager names a new lead worker; who, when and why are kept."""
    _require_manager_of(session, actor, episode.hub_id)
    new_lead = _hub_staff(session, episode.hub_id, lead_worker_id, "lead_worker_id")
    if new_lead.id == episode.lead_worker_id:
        raise ValidationError("This person is already the lead worker", field="lead_worker_id")
    why = _required(reason, "reason", "Give a reason for the reassignment")
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


def fast_track(session: Session, referral: Referral, *, reason: str) -> Referral:
    """Flag a referral as fast-tracked (the person is coming back soon after a discharge)."""
    if referral.is_fast_tracked:
        return referral
    referral.is_fast_tracked = True
    referral.fast_track_reason = reason
    _history(session, referral, "fast_track", referral.status, referral.status, None, reason)
    audit.record(
        "referral.fast_track",
        actor=None,
        record_type="referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    session.flush()
    return referral


# --- Clock events -------------------------------------------------------------------------


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
