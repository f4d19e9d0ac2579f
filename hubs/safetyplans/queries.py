"""Read side of safety plans: a person's versions, the one in force and the draft, their
proposals, the crisis services a plan can list, and review states for many people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.models import PlanStatus
from hubs.careplans.versioning import IN_FORCE, PlanKind, PlanReview, ReviewState
from hubs.core.errors import NotFound
from hubs.directory.models import Service, ServiceKind
from hubs.referrals.models import Episode
from hubs.safetyplans.models import ProposalStatus, SafetyPlan, SafetyPlanProposal

# A person's safety plan: one current version per person, kept with all its versions.
SAFETY_PLANS: PlanKind[SafetyPlan] = PlanKind(SafetyPlan, "person_id", "safety plan")
# The kinds of directory service a person may need in a crisis, shown first on the plan.
CRISIS_KINDS = (ServiceKind.CRISIS, ServiceKind.HELPLINE, ServiceKind.HUB_TEAM)


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
    own_teams = sa.select(Episode.team_id).where(Episode.person_id == person_id)
    return list(
        session.scalars(
            sa.select(Service)
            .where(
                Service.is_active.is_(True),
                Service.kind.in_(CRISIS_KINDS),
                sa.or_(Service.kind != ServiceKind.HUB_TEAM, Service.team_id.in_(own_teams)),
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


def get_proposal(session: Session, person_id: int, proposal_id: int | None) -> SafetyPlanProposal:
    """One of the person's proposals; anyone else's (or none) is NotFound."""
    proposal = session.get(SafetyPlanProposal, proposal_id) if proposal_id else None
    if proposal is None or proposal.person_id != person_id:
        raise NotFound("Page not found")
    return proposal
