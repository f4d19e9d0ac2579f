"""The person's proposals: they propose new words for a section of their agreed safety plan;
their care team accepts them into a draft (agreed with the person later) or declines them
(DESIGN §6: people change their plan by proposal)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hubs.careplans.access import require_editor
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.core.types import utcnow
from hubs.people.models import Person
from hubs.safetyplans.access import own_person_id
from hubs.safetyplans.content import MAX_SECTION, TEXT_SECTIONS
from hubs.safetyplans.models import SafetyPlan, SafetyPlanProposal
from hubs.safetyplans.queries import SAFETY_PLANS, current_agreed
from hubs.safetyplans.services.drafting import open_safety_draft
from hubs.safetyplans.states import PROPOSAL_STATES, ProposalAction
from hubs.staff.models import User


def propose_change(
    session: Session, person_actor: User, section: str, proposed_text: str
) -> SafetyPlanProposal:
    """The person proposes new words for one section of their agreed plan, for their care
    team to accept into a new version (DESIGN §6: people change their plan by proposal)."""
    if person_actor.access_role != AccessRole.PERSON:
        raise PermissionDenied("Only the person can propose changes to their own safety plan")
    person_id = own_person_id(session, person_actor)
    if section not in TEXT_SECTIONS:
        raise ValidationError("Choose a section of your safety plan", field="section")
    text = proposed_text.strip()
    if not text:
        raise ValidationError(
            "Write what you would like this section to say", field="proposed_text"
        )
    if len(text) > MAX_SECTION:
        raise ValidationError(f"Keep it under {MAX_SECTION:,} characters", field="proposed_text")
    agreed = current_agreed(session, person_id)
    if agreed is None:
        raise ValidationError(
            "You do not have an agreed safety plan to change yet", field="section"
        )
    proposal = SafetyPlanProposal(
        person_id=person_id,
        based_on_id=agreed.id,
        section=section,
        proposed_text=text,
        created_by_id=person_actor.id,
    )
    session.add(proposal)
    session.flush()
    _audit_proposal("safety_plan.propose", person_actor, proposal, session)
    return proposal


def _audit_proposal(
    action: str, actor: User, proposal: SafetyPlanProposal, session: Session
) -> None:
    audit.record(
        action,
        actor=actor,
        record_type="safety_plan_proposal",
        record_id=proposal.id,
        person_id=proposal.person_id,
        session=session,
    )


def _decide(
    session: Session, actor: User, proposal: SafetyPlanProposal, action: ProposalAction
) -> None:
    require_editor(session, actor, proposal.person_id)
    proposal.status = PROPOSAL_STATES.next(proposal.status, action)
    proposal.decided_at, proposal.decided_by_id = utcnow(), actor.id


def accept_proposal(
    session: Session, staff_actor: User, proposal: SafetyPlanProposal
) -> SafetyPlan:
    """Put the person's words into their draft (starting one from the agreed plan if needed);
    the change reaches their plan when the draft is agreed with them."""
    _decide(session, staff_actor, proposal, ProposalAction.ACCEPT)
    person = session.get(Person, proposal.person_id)
    assert person is not None  # a proposal always belongs to a person (foreign key)
    draft = open_safety_draft(session, staff_actor, person)
    setattr(draft, proposal.section, proposal.proposed_text)
    draft.updated_at, draft.updated_by_id = utcnow(), staff_actor.id
    SAFETY_PLANS.flush(session)
    _audit_proposal("safety_plan.accept_proposal", staff_actor, proposal, session)
    return draft


def decline_proposal(
    session: Session, staff_actor: User, proposal: SafetyPlanProposal
) -> SafetyPlanProposal:
    """The care team does not take the proposal into the plan (the person sees it declined)."""
    _decide(session, staff_actor, proposal, ProposalAction.DECLINE)
    session.flush()
    _audit_proposal("safety_plan.decline_proposal", staff_actor, proposal, session)
    return proposal
