"""Planning, the joint meeting, the receiver's decision, escalation and the handover.

The no-gap rule (DESIGN §3 rule 3): the sending episode stays open and responsible until
the receiving side has accepted and named a lead worker; it finishes only when the
transition completes. Accepting into a hub opens the receiving episode through the
referrals services (a referral from Aspire or CAMHS, triaged and accepted with the named
lead worker), so the person is never without an open episode with a lead worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hubs.core.errors import ValidationError
from hubs.core.types import today, utcnow
from hubs.pathways import alerts
from hubs.pathways.models import EscalationReason, Transition, TransitionKind
from hubs.pathways.services.base import (
    authorise,
    move,
    not_past,
    required_text,
    staff_of,
    transition_completed,
)
from hubs.pathways.services.checklist import missing_checklist
from hubs.pathways.states import STALLABLE, TransitionAction
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, ReferralSource, Severity
from hubs.staff.models import User

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
    authorise(session, actor, transition, TransitionAction.PLAN)
    _apply_plan(session, transition, data)
    note = f"Handover planned for {transition.planned_on}"
    move(session, actor, transition, TransitionAction.PLAN, note)
    return transition


def _apply_plan(session: Session, transition: Transition, data: PlanInput) -> None:
    """Check and set the workers and dates a transition in planning always has."""
    planned_on = not_past(data.planned_on, "planned_on", "Enter the planned handover date")
    meeting = not_past(data.joint_meeting_on, "joint_meeting_on", "Enter the joint meeting date")
    if meeting > planned_on:
        raise ValidationError(
            "The joint meeting must be on or before the handover date", field="joint_meeting_on"
        )
    sender = staff_of(
        session, transition.sending_episode.team_id, data.sending_worker_id, "sending_worker_id"
    )
    if transition.kind.receives_into_hub:
        receiver = staff_of(
            session, transition.receiving_team_id, data.receiving_worker_id, "receiving_worker_id"
        )
        transition.receiving_worker_id = receiver.id
    else:
        transition.receiving_worker_name = required_text(
            data.receiving_worker_name,
            "receiving_worker_name",
            "Name the contact at the receiving service",
        )
    transition.sending_worker_id = sender.id
    transition.planned_on, transition.joint_meeting_on = planned_on, meeting


def record_meeting(
    session: Session, actor: User, transition: Transition, *, held_on: dt.date | None
) -> Transition:
    """The person met both teams together (NICE NG43's joint meeting)."""
    authorise(session, actor, transition, TransitionAction.RECORD_MEETING)
    if held_on is None:
        raise ValidationError("Enter the date the joint meeting was held", field="held_on")
    if held_on > today() or held_on < transition.created_at.date():
        raise ValidationError(
            "The meeting date must be between the start of the transition and today",
            field="held_on",
        )
    transition.joint_meeting_held_on = held_on
    move(session, actor, transition, TransitionAction.RECORD_MEETING)
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
    authorise(session, actor, transition, TransitionAction.ACCEPT)
    if transition.kind.receives_into_hub:
        lead = staff_of(session, transition.receiving_team_id, lead_worker_id, "lead_worker_id")
        episode = _open_receiving_episode(session, actor, transition, lead)
        transition.receiving_episode_id = episode.id
        transition.receiving_lead_worker_id = lead.id
        note = f"Lead worker: {lead.display_name}"
    else:
        transition.receiving_lead_name = required_text(
            lead_name, "lead_name", "Name who will support the person at the receiving service"
        )
        note = f"Named contact: {transition.receiving_lead_name}"
    transition.accepted_at = utcnow()
    move(session, actor, transition, TransitionAction.ACCEPT, note)
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
        team_id=transition.receiving_team_id,
        team_override_reason=f"Planned {transition.kind.label} transition",
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
    authorise(session, actor, transition, TransitionAction.DECLINE)
    transition.decline_reason = required_text(reason, "reason", "Say why the team is declining")
    move(session, actor, transition, TransitionAction.DECLINE)
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
    move(session, actor, transition, TransitionAction.ESCALATE, note or reason.label)
    alerts.alert_escalation(session, transition)


def escalate(session: Session, manager: User, transition: Transition, *, reason: str) -> Transition:
    """A manager escalates a transition that is stuck, before its date has passed."""
    authorise(session, manager, transition, TransitionAction.ESCALATE)
    why = required_text(reason, "reason", "Say why you are escalating")
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
    authorise(session, None, transition, TransitionAction.ESCALATE)
    _escalate(
        session,
        None,
        transition,
        EscalationReason.STALLED,
        f"Not accepted by the planned date, {transition.planned_on}",
    )
    return True


def replan(
    session: Session, manager: User, transition: Transition, data: PlanInput, *, reason: str
) -> Transition:
    """The managers have resolved the escalation: back to planning with a new handover date
    (and a new meeting date or workers where needed; what is not given is kept)."""
    authorise(session, manager, transition, TransitionAction.REPLAN)
    why = required_text(reason, "reason", "Say what the managers agreed")
    kept = PlanInput(
        planned_on=data.planned_on,
        joint_meeting_on=data.joint_meeting_on or transition.joint_meeting_on,
        sending_worker_id=data.sending_worker_id or transition.sending_worker_id,
        receiving_worker_id=data.receiving_worker_id or transition.receiving_worker_id,
        receiving_worker_name=data.receiving_worker_name or transition.receiving_worker_name,
    )
    _apply_plan(session, transition, kept)
    move(session, manager, transition, TransitionAction.REPLAN, why)
    return transition


# --- Handover -----------------------------------------------------------------------------


def start_parallel_support(
    session: Session, actor: User, transition: Transition, *, overlap_ends_on: dt.date | None
) -> Transition:
    """Both teams support the person together until the overlap ends."""
    authorise(session, actor, transition, TransitionAction.START_PARALLEL_SUPPORT)
    ends = not_past(overlap_ends_on, "overlap_ends_on", "Enter when the overlap ends")
    transition.overlap_ends_on = ends
    move(session, actor, transition, TransitionAction.START_PARALLEL_SUPPORT, f"Until {ends}")
    return transition


def complete(session: Session, actor: User, transition: Transition) -> Transition:
    """The handover is done: the sending episode ends and the receiving lead worker carries
    on. A step-down completes with the discharge instead (it needs an onward plan)."""
    authorise(session, actor, transition, TransitionAction.COMPLETE)
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
    authorise(session, actor, transition, TransitionAction.COMPLETE)
    missing = missing_checklist(transition)
    if missing:
        raise ValidationError(
            "Finish the checklist first: " + "; ".join(i.label.lower() for i in missing),
            field="checklist",
        )
    transition.completed_at = utcnow()
    move(session, actor, transition, TransitionAction.COMPLETE)
    transition_completed.send(transition, actor=actor)
