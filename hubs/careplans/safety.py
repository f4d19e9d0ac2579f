"""The verbs of safety plans: one current plan per person, versioned like care plans.

The sections follow Stanley-Brown. Agreeing snapshots a version the person sees in their
portal; an edit after agreement starts a new draft version while the agreed one stays in
force; a save made against an older version or revision is refused as a conflict that names
what changed, never a silent overwrite (DESIGN §3 rules 5-8). The person proposes changes
to a section; their care team accepts them into a draft.

Services take the actor explicitly, flush but never commit, and raise domain errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.access import PlanAccess, plan_access, require_editor
from hubs.careplans.models import (
    AgreementMethod,
    PlanStatus,
    ProposalStatus,
    SafetyPlan,
    SafetyPlanProposal,
)
from hubs.careplans.states import PROPOSAL_STATES, ProposalAction
from hubs.careplans.versioning import IN_FORCE, PlanKind, PlanReview, ReviewState, at, who
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hubs.core.types import today, utcnow
from hubs.directory.models import Service, ServiceKind
from hubs.people.access import get_person_for
from hubs.people.models import Person, PortalAccount
from hubs.referrals.models import Episode
from hubs.staff.models import User

# The person's own words for each section, in the order a safety plan is worked through.
TEXT_SECTIONS: dict[str, str] = {
    "warning_signs": "Warning signs",
    "coping_alone": "Things I can do on my own",
    "distractions": "People and places that take my mind off things",
    "people_to_ask": "People I can ask for help",
    "professionals_note": "Professionals and crisis services I can contact",
    "environment_safety": "Making my environment safer",
    "reasons_for_living": "What keeps me going",
}
SECTION_LABELS: dict[str, str] = {
    **TEXT_SECTIONS,
    "services": "Crisis services and helplines",
    "review_due_on": "Review date",
}
# The kinds of directory service a person may need in a crisis, shown first on the plan.
CRISIS_KINDS = (ServiceKind.CRISIS, ServiceKind.HELPLINE, ServiceKind.HUB_TEAM)
MAX_SECTION = 4000
# A person's safety plan: one current version per person, kept with all its versions.
SAFETY_PLANS: PlanKind[SafetyPlan] = PlanKind(SafetyPlan, "person_id", "safety plan")


@dataclass
class SafetyPlanContent:
    warning_signs: str = ""
    coping_alone: str = ""
    distractions: str = ""
    people_to_ask: str = ""
    professionals_note: str = ""
    environment_safety: str = ""
    reasons_for_living: str = ""
    service_ids: list[int] = field(default_factory=list)
    review_due_on: dt.date | None = None


# --- Snapshots and comparison -------------------------------------------------------------


def snapshot(plan: SafetyPlan) -> dict[str, Any]:
    """A version's content as plain values, for comparing versions and spotting conflicts."""
    values: dict[str, Any] = {name: getattr(plan, name) for name in TEXT_SECTIONS}
    values["services"] = sorted(s.name for s in plan.services)
    values["review_due_on"] = plan.review_due_on
    return values


def _content_snapshot(content: SafetyPlanContent, chosen: Sequence[Service]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(content, name).strip() for name in TEXT_SECTIONS}
    values["services"] = sorted(s.name for s in chosen)
    values["review_due_on"] = content.review_due_on
    return values


def compare_safety_versions(older: SafetyPlan, newer: SafetyPlan) -> list[versioning.Change]:
    """The sections that differ between two versions of a person's safety plan."""
    return versioning.compare(snapshot(older), snapshot(newer), SECTION_LABELS)


def has_content(plan: SafetyPlan) -> bool:
    return any(getattr(plan, name).strip() for name in TEXT_SECTIONS) or bool(plan.services)


# --- Reads --------------------------------------------------------------------------------


def get_safety_person(session: Session, actor: User, person_id: int) -> tuple[Person, PlanAccess]:
    """The person, if the actor may see their safety plan; otherwise NotFound (never 403)."""
    person = get_person_for(session, actor, person_id)
    access = plan_access(session, actor, person)
    if not access.safety_plan:
        raise NotFound("Page not found")
    return person, access


def own_person_id(session: Session, actor: User) -> int:
    """The person a portal account belongs to."""
    person_id = session.scalar(
        sa.select(PortalAccount.person_id).where(PortalAccount.user_id == actor.id)
    )
    if actor.access_role != AccessRole.PERSON or person_id is None:
        raise NotFound("Your account is not linked to a record yet. Contact your hub.")
    return person_id


def record_read(
    session: Session, actor: User, person_id: int, plan: SafetyPlan | None, what: str = "view"
) -> None:
    """Every read of a person's safety plan is attributable (DESIGN §3 rule 7)."""
    audit.record(
        f"safety_plan.{what}",
        actor=actor,
        record_type="safety_plan",
        record_id=plan.id if plan else None,
        person_id=person_id,
        session=session,
    )


def safety_versions(session: Session, person_id: int, *, drafts: bool) -> list[SafetyPlan]:
    """Every version the viewer may see, newest first (the person never sees drafts)."""
    return SAFETY_PLANS.versions(session, person_id, drafts=drafts)


def current_agreed(session: Session, person_id: int) -> SafetyPlan | None:
    return SAFETY_PLANS.current_agreed(session, person_id)


def current_draft(session: Session, person_id: int) -> SafetyPlan | None:
    return SAFETY_PLANS.current_draft(session, person_id)


def current_safety_plan(session: Session, person_id: int, *, drafts: bool) -> SafetyPlan | None:
    """The plan being worked on: the draft (for those who may see drafts), else the agreed one."""
    draft = current_draft(session, person_id) if drafts else None
    return draft or current_agreed(session, person_id)


def safety_version(session: Session, person_id: int, version: int, *, drafts: bool) -> SafetyPlan:
    """One version of the person's plan; a draft is NotFound to those who may not see drafts."""
    plan = SAFETY_PLANS.version(session, person_id, version)
    if plan is None or (plan.status == PlanStatus.DRAFT and not drafts):
        raise NotFound("Page not found")
    return plan


def proposals_for(
    session: Session, person_id: int, *, pending_only: bool = False
) -> list[SafetyPlanProposal]:
    query = sa.select(SafetyPlanProposal).where(SafetyPlanProposal.person_id == person_id)
    if pending_only:
        query = query.where(SafetyPlanProposal.status == ProposalStatus.PENDING)
    return list(session.scalars(query.order_by(SafetyPlanProposal.id.desc())))


def crisis_services(session: Session, person_id: int) -> list[Service]:
    """Directory services a plan can list: crisis services and helplines, and the hub teams
    of the person's episodes (their own team's number belongs on their plan)."""
    own_hubs = sa.select(Episode.hub_id).where(Episode.person_id == person_id)
    return list(
        session.scalars(
            sa.select(Service)
            .where(
                Service.is_active.is_(True),
                Service.kind.in_(CRISIS_KINDS),
                sa.or_(Service.kind != ServiceKind.HUB_TEAM, Service.hub_id.in_(own_hubs)),
            )
            .order_by(Service.name)
        )
    )


def safety_review_states(
    session: Session, person_ids: Iterable[int], today: dt.date
) -> dict[int, PlanReview]:
    """Review state of each person's current agreed safety plan, in one query (caseloads)."""
    ids = list(person_ids)
    rows = session.execute(
        sa.select(SafetyPlan.person_id, SafetyPlan.review_due_on)
        .where(SafetyPlan.person_id.in_(ids), SafetyPlan.status.in_(IN_FORCE))
        .order_by(SafetyPlan.version)
    )
    found = {person_id: due for person_id, due in rows}  # the newest version wins
    return {
        pid: versioning.safety_plan_review(found[pid], today)
        if pid in found
        else PlanReview(ReviewState.NONE)
        for pid in ids
    }


# --- Drafting -----------------------------------------------------------------------------


def open_safety_draft(session: Session, actor: User, person: Person) -> SafetyPlan:
    """The person's draft to edit: the existing one, or a new version copied from the agreed
    plan (which stays in force until the new version is agreed)."""
    require_editor(session, actor, person.id)
    draft = current_draft(session, person.id)
    if draft is not None:
        return draft
    draft = SAFETY_PLANS.new_version(session, actor, person_id=person.id)
    agreed = current_agreed(session, person.id)
    if agreed is not None:
        for name in TEXT_SECTIONS:
            setattr(draft, name, getattr(agreed, name))
        draft.services = list(agreed.services)
    session.add(draft)
    SAFETY_PLANS.flush(session)
    audit.record(
        "safety_plan.create",
        actor=actor,
        record_type="safety_plan",
        record_id=draft.id,
        person_id=person.id,
        session=session,
    )
    return draft


def _chosen_services(session: Session, service_ids: Sequence[int]) -> list[Service]:
    ids = sorted(set(service_ids))
    if not ids:
        return []
    found = list(
        session.scalars(
            sa.select(Service)
            .where(Service.id.in_(ids), Service.is_active.is_(True))
            .order_by(Service.name)
        )
    )
    if len(found) != len(ids):
        raise ValidationError("Choose services from the directory", field="service_ids")
    return found


def _validate(content: SafetyPlanContent) -> None:
    for name, label in TEXT_SECTIONS.items():
        if len(getattr(content, name)) > MAX_SECTION:
            raise ValidationError(f"{label}: keep it under {MAX_SECTION:,} characters", field=name)
    if content.review_due_on is not None and content.review_due_on <= today():
        raise ValidationError("The review date must be in the future", field="review_due_on")


def save_safety_draft(
    session: Session,
    actor: User,
    plan: SafetyPlan,
    *,
    revision: int | None,
    content: SafetyPlanContent,
) -> SafetyPlan:
    """Save edits to a draft, refusing a save made against an older revision."""
    require_editor(session, actor, plan.person_id)
    versioning.refuse_if_not_draft(plan)
    chosen = _chosen_services(session, content.service_ids)
    changes = versioning.compare(snapshot(plan), _content_snapshot(content, chosen), SECTION_LABELS)
    _check_unchanged(plan, revision, changes)
    _validate(content)
    for name in TEXT_SECTIONS:
        setattr(plan, name, getattr(content, name).strip())
    plan.services = chosen
    plan.review_due_on = content.review_due_on
    # Always touches the row, so the revision moves on even when only services changed.
    plan.updated_at, plan.updated_by_id = utcnow(), actor.id
    SAFETY_PLANS.flush(session)
    audit.record(
        "safety_plan.update",
        actor=actor,
        record_type="safety_plan",
        record_id=plan.id,
        person_id=plan.person_id,
        session=session,
    )
    return plan


def _head(session: Session, person_id: int) -> SafetyPlan | None:
    """The newest version still in play: the draft if there is one, else the agreed one."""
    return current_safety_plan(session, person_id, drafts=True)


def edit_safety_plan(
    session: Session,
    actor: User,
    person: Person,
    *,
    version: int | None,
    revision: int | None,
    content: SafetyPlanContent,
) -> SafetyPlan:
    """Save edits made to the version the editor opened (`version`, `revision`): into its
    draft, or into a new draft when they edited the agreed plan. Anything newer saved or
    started since they opened it is a conflict, never overwritten."""
    require_editor(session, actor, person.id)
    head = _head(session, person.id)
    _refuse_newer(session, head, version or 0, content)
    draft = head
    if head is None or head.status != PlanStatus.DRAFT:
        if head is not None:
            _check_unchanged(head, revision)  # the agreed version they opened is unchanged
        draft = open_safety_draft(session, actor, person)
        revision = draft.revision
    assert draft is not None
    return save_safety_draft(session, actor, draft, revision=revision, content=content)


def _refuse_newer(
    session: Session, head: SafetyPlan | None, opened: int, content: SafetyPlanContent
) -> None:
    if head is None:
        if opened:
            raise ValidationError("There is no such version: reload the plan", field="version")
        return
    if head.version != opened:
        chosen = _chosen_services(session, content.service_ids)
        changes = versioning.compare(
            snapshot(head), _content_snapshot(content, chosen), SECTION_LABELS
        )
        raise Conflict(_newer_version_message(head, opened, changes), field="version")


def _check_unchanged(
    plan: SafetyPlan, revision: int | None, changes: Sequence[versioning.Change] = ()
) -> None:
    if revision is None:
        # Without the revision the editor started from, a stale save could not be caught.
        raise ValidationError(
            "The form did not say which revision you edited: reload the plan", field="revision"
        )
    versioning.refuse_stale(plan, revision, changes)


def _newer_version_message(head: SafetyPlan, opened: int, changes: list[versioning.Change]) -> str:
    if head.status == PlanStatus.DRAFT:
        event = f"{who(head)} started version {head.version} at {at(head.updated_at)}"
    else:
        event = f"Version {head.version} was agreed at {at(head.agreed_at or head.updated_at)}"
    since = f"version {opened}" if opened else "a blank plan"
    changed = ", ".join(c.section for c in changes) or "no sections"
    return (
        f"{event}, after you opened {since}. Changed since: {changed}. "
        "Your edits were not saved: reload, then make them again."
    )


# --- Agreement ----------------------------------------------------------------------------


def agree_safety_plan(
    session: Session,
    actor: User,
    plan: SafetyPlan,
    *,
    revision: int | None,
    method: AgreementMethod,
    review_due_on: dt.date | None = None,
) -> SafetyPlan:
    """The person agrees the draft: it becomes their safety plan, visible in their portal,
    and the version it replaces is superseded (kept, never deleted)."""
    require_editor(session, actor, plan.person_id)
    versioning.refuse_if_not_draft(plan)
    _check_unchanged(plan, revision)
    if not has_content(plan):
        raise ValidationError(
            "Fill in at least one section with the person before agreeing", field="warning_signs"
        )
    # Default 3 months after agreement (DESIGN §4); never in the past or beyond a year.
    due = versioning.review_date(
        review_due_on,
        plan.review_due_on,
        default_months=versioning.SAFETY_PLAN_REVIEW_MONTHS,
        refusal="Set a review date in the future and within the next 12 months",
    )
    SAFETY_PLANS.agree(session, plan, actor, method=method, due=due)
    audit.record(
        "safety_plan.agree",
        actor=actor,
        record_type="safety_plan",
        record_id=plan.id,
        person_id=plan.person_id,
        session=session,
    )
    return plan


# --- The person's proposals ---------------------------------------------------------------


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


def get_proposal(session: Session, person_id: int, proposal_id: int | None) -> SafetyPlanProposal:
    proposal = session.get(SafetyPlanProposal, proposal_id) if proposal_id else None
    if proposal is None or proposal.person_id != person_id:
        raise NotFound("Page not found")
    return proposal
