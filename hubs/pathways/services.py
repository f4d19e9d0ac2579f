"""The verbs of transitions: identify, plan, meet, accept or decline, escalate, hand over.

Services take the actor explicitly (None is the scheduler), flush but never commit, and
raise domain errors. Only `_move` writes a transition's state: it checks the state table,
appends the history row, writes the audit row and sends `transition-transitioned`.

The no-gap rule (DESIGN §3 rule 3): the sending episode stays open and responsible until
the receiving side has accepted and named a lead worker; it finishes only when the
transition completes. Accepting into a hub opens the receiving episode through the
referrals services (a referral from Aspire or CAMHS, triaged and accepted with the named
lead worker), so the person is never without an open episode with a lead worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.directory.models import Hub, OrganisationKind, Service, ServiceKind
from hubs.pathways import alerts, rules
from hubs.pathways.access import on_sending_side, sides_of
from hubs.pathways.models import (
    ChecklistItem,
    ChecklistTick,
    EscalationReason,
    Transition,
    TransitionEvent,
    TransitionKind,
)
from hubs.pathways.states import (
    STALLABLE,
    SYSTEM,
    TransitionAction,
    TransitionState,
    check_permission,
    next_state,
)
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, ReferralSource, Severity
from hubs.referrals.states import EpisodeStatus
from hubs.staff.models import HubMembership, User

transition_started = hub_signals.signal("transition-started")
transition_transitioned = hub_signals.signal("transition-transitioned")
transition_completed = hub_signals.signal("transition-completed")

OPEN_EPISODE = (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE)
CHECKLIST_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER, AccessRole.VCSE_WORKER}
# Step-down goes to primary care or the voluntary sector, never to a crisis line.
STEP_DOWN_ORGANISATIONS = (OrganisationKind.GP_PRACTICE, OrganisationKind.VCSE)
NOT_STEP_DOWN = (ServiceKind.HUB_TEAM, ServiceKind.CRISIS, ServiceKind.HELPLINE)


# --- Lookups ------------------------------------------------------------------------------


def open_transition_for(session: Session, episode_id: int) -> Transition | None:
    """The transition under way from this episode, if any (there is at most one)."""
    return session.scalar(
        sa.select(Transition).where(
            Transition.sending_episode_id == episode_id,
            Transition.state != TransitionState.COMPLETED,
        )
    )


def step_down_services(session: Session) -> list[Service]:
    """Directory services a hub can step someone down to: primary care or a VCSE offer."""
    from hubs.directory.models import Organisation

    return list(
        session.scalars(
            sa.select(Service)
            .outerjoin(Organisation, Organisation.id == Service.organisation_id)
            .where(
                Service.is_active.is_(True),
                Service.kind.not_in(NOT_STEP_DOWN),
                sa.or_(
                    Service.kind == ServiceKind.COMMUNITY_OFFER,
                    Organisation.kind.in_(STEP_DOWN_ORGANISATIONS),
                ),
            )
            .order_by(Service.name)
        )
    )


def check_step_down_service(session: Session, service_id: int | None, field: str) -> Service:
    service = session.get(Service, service_id) if service_id else None
    if service is None or service not in step_down_services(session):
        raise ValidationError("Choose a primary care or VCSE offer from the directory", field=field)
    return service


def _staff_of(session: Session, hub_id: int | None, user_id: int | None, field: str) -> User:
    user = (
        session.scalar(
            sa.select(User)
            .join(HubMembership, HubMembership.user_id == User.id)
            .where(
                User.id == user_id,
                HubMembership.hub_id == hub_id,
                User.is_active.is_(True),
                User.kind == "staff",
            )
        )
        if user_id and hub_id
        else None
    )
    if user is None:
        raise ValidationError("Choose a member of that hub's team", field=field)
    return user


def _required(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


def _not_past(day: dt.date | None, field: str, message: str) -> dt.date:
    if day is None:
        raise ValidationError(message, field=field)
    if day < today():
        raise ValidationError("The date cannot be in the past", field=field)
    return day


# --- Writing state ------------------------------------------------------------------------


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "Someone else changed this transition at the same moment. Reload and try again.",
            field="transition",
        ) from None
    except sa.exc.IntegrityError:
        raise Conflict(
            "This episode already has a transition under way. Reload to see it.",
            field="kind",
        ) from None


def _history(
    session: Session,
    transition: Transition,
    action: str,
    before: TransitionState | None,
    actor: User | None,
    note: str = "",
) -> None:
    session.add(
        TransitionEvent(
            transition_id=transition.id,
            action=action,
            from_state=before.value if before else None,
            to_state=transition.state.value,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )


def _audit(action: str, actor: User | None, transition: Transition) -> None:
    audit.record(
        f"transition.{action}",
        actor=actor,
        record_type="transition",
        record_id=transition.id,
        person_id=transition.person_id,
    )


def _authorise(
    session: Session, actor: User | None, transition: Transition, action: TransitionAction
) -> None:
    """The actor's role and side may take the action (403), from the current state (409)."""
    role = actor.access_role if actor else SYSTEM
    check_permission(action, role, sides_of(session, actor, transition))
    next_state(transition.state, action)


def check_action(
    session: Session, actor: User, transition: Transition, action: TransitionAction
) -> None:
    """Refuse (403 or 409) an action this actor cannot take now, before showing its form."""
    _authorise(session, actor, transition, action)


def _move(
    session: Session,
    actor: User | None,
    transition: Transition,
    action: TransitionAction,
    note: str = "",
) -> None:
    before = transition.state
    transition.state = next_state(before, action)
    _history(session, transition, action.value, before, actor, note)
    _audit(action.value, actor, transition)
    _flush(session)
    transition_transitioned.send(transition, actor=actor, action=action, before=before)


# --- Identifying --------------------------------------------------------------------------


@dataclass
class StartInput:
    """What a member of staff gives to start a transition from an episode."""

    kind: TransitionKind
    receiving_hub_id: int | None = None
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


def _receiving_hub(session: Session, episode: Episode, hub_id: int | None) -> Hub:
    """The chosen hub, else the person's own hub (from their GP practice), else the sender's."""
    if hub_id is not None:
        hub = session.get(Hub, hub_id)
        if hub is None:
            raise ValidationError("Choose a hub from the list", field="receiving_hub_id")
        return hub
    own = referral_services.hub_for_person(session, episode.person)
    return own or episode.hub


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
        transition.receiving_hub_id = _receiving_hub(session, episode, data.receiving_hub_id).id
    else:
        service = check_step_down_service(
            session, data.receiving_service_id, "receiving_service_id"
        )
        transition.receiving_service_id = service.id
    if transition.planned_on is None:
        raise ValidationError("Enter the planned date of the step-down", field="planned_on")
    session.add(transition)
    _flush(session)
    _history(session, transition, "identify", None, actor)
    _audit("create", actor, transition)
    _flush(session)
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
        _not_past(data.planned_on, "planned_on", "Enter the planned date")
    return _create(session, actor, episode, data)


def identify_due(session: Session, episode: Episode, kind: TransitionKind) -> Transition | None:
    """The scheduler identifies a transition that is due; None if one is already under way
    (so running the job twice for the same day has one effect)."""
    if open_transition_for(session, episode.id) is not None:
        return None
    transition = _create(session, None, episode, StartInput(kind=kind))
    alerts.alert_identified(session, transition)
    return transition


# --- Planning and the joint meeting -------------------------------------------------------


@dataclass
class PlanInput:
    planned_on: dt.date | None
    joint_meeting_on: dt.date | None
    sending_worker_id: int | None
    receiving_worker_id: int | None = None
    receiving_worker_name: str | None = None


def plan(session: Session, actor: User, transition: Transition, data: PlanInput) -> Transition:
    """Name a transition worker on each side and set the joint meeting and handover dates."""
    _authorise(session, actor, transition, TransitionAction.PLAN)
    planned_on = _not_past(data.planned_on, "planned_on", "Enter the planned handover date")
    meeting = _not_past(data.joint_meeting_on, "joint_meeting_on", "Enter the joint meeting date")
    if meeting > planned_on:
        raise ValidationError(
            "The joint meeting must be on or before the handover date", field="joint_meeting_on"
        )
    sender = _staff_of(
        session,
        transition.sending_episode.hub_id,
        data.sending_worker_id,
        "sending_worker_id",
    )
    if transition.kind.receives_into_hub:
        receiver = _staff_of(
            session, transition.receiving_hub_id, data.receiving_worker_id, "receiving_worker_id"
        )
        transition.receiving_worker_id = receiver.id
    else:
        transition.receiving_worker_name = _required(
            data.receiving_worker_name,
            "receiving_worker_name",
            "Name the contact at the receiving service",
        )
    transition.sending_worker_id = sender.id
    transition.planned_on, transition.joint_meeting_on = planned_on, meeting
    _move(session, actor, transition, TransitionAction.PLAN, f"Handover planned for {planned_on}")
    return transition


def record_meeting(
    session: Session, actor: User, transition: Transition, *, held_on: dt.date | None
) -> Transition:
    """The person met both teams together (NICE NG43's joint meeting)."""
    _authorise(session, actor, transition, TransitionAction.RECORD_MEETING)
    if held_on is None:
        raise ValidationError("Enter the date the joint meeting was held", field="held_on")
    if held_on > today() or held_on < transition.created_at.date():
        raise ValidationError(
            "The meeting date must be between the start of the transition and today",
            field="held_on",
        )
    transition.joint_meeting_held_on = held_on
    _move(session, actor, transition, TransitionAction.RECORD_MEETING)
    return transition


# --- The receiver decides -----------------------------------------------------------------


def accept(
    session: Session,
    actor: User,
    transition: Transition,
    *,
    lead_worker_id: int | None = None,
    lead_name: str | None = None,
) -> Transition:
    """The receiving side accepts and names the person's new lead worker. Into a hub, an
    episode opens there; from now on the sending episode may finish."""
    _authorise(session, actor, transition, TransitionAction.ACCEPT)
    if transition.kind.receives_into_hub:
        lead = _staff_of(session, transition.receiving_hub_id, lead_worker_id, "lead_worker_id")
        episode = _open_receiving_episode(session, actor, transition, lead)
        transition.receiving_episode_id = episode.id
        transition.receiving_lead_worker_id = lead.id
        note = f"Lead worker: {lead.display_name}"
    else:
        transition.receiving_lead_name = _required(
            lead_name, "lead_name", "Name who will support the person at the receiving service"
        )
        note = f"Named contact: {transition.receiving_lead_name}"
    transition.accepted_at = utcnow()
    _move(session, actor, transition, TransitionAction.ACCEPT, note)
    return transition


def _open_receiving_episode(
    session: Session, actor: User, transition: Transition, lead: User
) -> Episode:
    """A referral from the sending service to the receiving hub, accepted at once with the
    named lead worker: the same records, clocks and care team as any other acceptance."""
    sending = transition.sending_episode.referral
    needs = [
        referral_services.NeedInput(n.domain, n.severity, n.own_words) for n in sending.needs
    ] or [referral_services.NeedInput(NeedDomain.MENTAL_HEALTH, Severity.MODERATE, "")]
    sender = transition.sending_worker or transition.sending_episode.lead_worker
    data = referral_services.ReferralInput(
        source=(
            ReferralSource.ASPIRE
            if transition.kind == TransitionKind.ASPIRE_TO_HUB
            else ReferralSource.CAMHS
        ),
        referrer_name=sender.display_name,
        referrer_organisation=sending.service.name,
        received_on=today(),
        priority=Priority.ROUTINE,
        needs=needs,
        what_matters=sending.what_matters,
        communication_needs=sending.communication_needs,
        hub_id=transition.receiving_hub_id,
        hub_override_reason=f"Planned {transition.kind.label} transition",
        submission_key=f"transition-{transition.id}",
        confirm_duplicate=True,
    )
    referral = referral_services.receive_referral(session, actor, transition.person, data)
    referral_services.triage(
        session,
        actor,
        referral,
        rationale=f"Planned {transition.kind.label} transition: joint meeting held",
        priority=Priority.ROUTINE,
    )
    return referral_services.accept(session, actor, referral, lead_worker_id=lead.id)


def decline(session: Session, actor: User, transition: Transition, *, reason: str) -> Transition:
    """The receiving side declines. The sender keeps the person, and the transition is
    escalated to both managers at once (DESIGN §3 rule 3)."""
    _authorise(session, actor, transition, TransitionAction.DECLINE)
    transition.decline_reason = _required(reason, "reason", "Say why the team is declining")
    _move(session, actor, transition, TransitionAction.DECLINE)
    _escalate(session, actor, transition, EscalationReason.DECLINED, "Escalated automatically")
    return transition


# --- Escalation ---------------------------------------------------------------------------


def _escalate(
    session: Session,
    actor: User | None,
    transition: Transition,
    reason: EscalationReason,
    note: str = "",
) -> None:
    transition.escalated_at = utcnow()
    transition.escalation_reason = reason
    transition.escalation_count += 1
    _move(session, actor, transition, TransitionAction.ESCALATE, note or reason.label)
    alerts.alert_escalation(session, transition)


def escalate(session: Session, manager: User, transition: Transition, *, reason: str) -> Transition:
    """A manager escalates a transition that is stuck, before its date has passed."""
    _authorise(session, manager, transition, TransitionAction.ESCALATE)
    why = _required(reason, "reason", "Say why you are escalating")
    _escalate(session, manager, transition, EscalationReason.MANAGER, why)
    return transition


def is_stalled(transition: Transition, on: dt.date) -> bool:
    """Not accepted, not already escalated, and past its planned date."""
    return transition.state in STALLABLE and transition.planned_on < on


def escalate_if_stalled(session: Session, transition: Transition, on: dt.date) -> bool:
    """The scheduler escalates a stalled transition; False (no change) otherwise, so running
    it twice escalates once."""
    if not is_stalled(transition, on):
        return False
    _authorise(session, None, transition, TransitionAction.ESCALATE)
    _escalate(
        session,
        None,
        transition,
        EscalationReason.STALLED,
        f"Not accepted by the planned date, {transition.planned_on}",
    )
    return True


def replan(
    session: Session,
    manager: User,
    transition: Transition,
    *,
    planned_on: dt.date | None,
    reason: str,
    joint_meeting_on: dt.date | None = None,
) -> Transition:
    """The managers have resolved the escalation: back to planning with a new date."""
    _authorise(session, manager, transition, TransitionAction.REPLAN)
    new_date = _not_past(planned_on, "planned_on", "Enter the new handover date")
    why = _required(reason, "reason", "Say what the managers agreed")
    if joint_meeting_on is not None:
        meeting = _not_past(joint_meeting_on, "joint_meeting_on", "Enter the meeting date")
        if meeting > new_date:
            raise ValidationError(
                "The joint meeting must be on or before the handover date",
                field="joint_meeting_on",
            )
        transition.joint_meeting_on = meeting
    transition.planned_on = new_date
    _move(session, manager, transition, TransitionAction.REPLAN, why)
    return transition


# --- Handover -----------------------------------------------------------------------------


def start_parallel_support(
    session: Session, actor: User, transition: Transition, *, overlap_ends_on: dt.date | None
) -> Transition:
    """Both teams support the person together until the overlap ends."""
    _authorise(session, actor, transition, TransitionAction.START_PARALLEL_SUPPORT)
    ends = _not_past(overlap_ends_on, "overlap_ends_on", "Enter when the overlap ends")
    transition.overlap_ends_on = ends
    _move(session, actor, transition, TransitionAction.START_PARALLEL_SUPPORT, f"Until {ends}")
    return transition


def missing_checklist(transition: Transition) -> list[ChecklistItem]:
    done = transition.ticked
    return [item for item in ChecklistItem if item not in done]


def complete(session: Session, actor: User, transition: Transition) -> Transition:
    """The handover is done: the sending episode ends and the receiving lead worker carries
    on. A step-down completes with the discharge instead (it needs an onward plan)."""
    _authorise(session, actor, transition, TransitionAction.COMPLETE)
    if not transition.kind.receives_into_hub:
        raise ValidationError(
            "A step-down completes with the discharge: record the onward support plan",
            field="onward_plan",
        )
    finish_handover(session, actor, transition)
    referral_services.finish_episode(session, actor, transition.sending_episode, today())
    return transition


def finish_handover(session: Session, actor: User, transition: Transition) -> None:
    """Move a transition to completed once the checklist is done (the caller then ends the
    sending episode, in the same transaction)."""
    _authorise(session, actor, transition, TransitionAction.COMPLETE)
    missing = missing_checklist(transition)
    if missing:
        raise ValidationError(
            "Finish the checklist first: " + "; ".join(i.label.lower() for i in missing),
            field="checklist",
        )
    transition.completed_at = utcnow()
    _move(session, actor, transition, TransitionAction.COMPLETE)
    transition_completed.send(transition, actor=actor)


# --- The checklist ------------------------------------------------------------------------


def tick(
    session: Session,
    actor: User,
    transition: Transition,
    item: ChecklistItem,
    *,
    done_on: dt.date | None = None,
    note: str = "",
) -> ChecklistTick:
    """Record that a checklist item is done, by whom and when; either team may record it."""
    if actor.access_role not in CHECKLIST_ROLES or not sides_of(session, actor, transition):
        raise PermissionDenied("Only staff on either side of the transition can record this")
    if transition.state == TransitionState.COMPLETED:
        raise InvalidTransition("The transition is complete: its checklist is closed")
    existing = transition.ticked.get(item)
    if existing is not None:
        return existing  # the same tick sent twice records it once
    day = done_on or today()
    if day > today():
        raise ValidationError("The date cannot be in the future", field="done_on")
    tick_row = ChecklistTick(
        transition_id=transition.id,
        item=item,
        done_on=day,
        recorded_by_id=actor.id,
        note=note.strip(),
    )
    session.add(tick_row)
    transition.checklist.append(tick_row)
    audit.record(
        "transition.checklist",
        actor=actor,
        record_type="transition",
        record_id=transition.id,
        person_id=transition.person_id,
    )
    _flush(session)
    return tick_row
