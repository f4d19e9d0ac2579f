"""Read side of care plans: an episode's versions, the one in force and the draft; and the
review states other features rely on (caseloads, the hub view).

`plan_reviews` is the contract caseloads rely on: for each person, the review state of
their current care plan and safety plan. It answers for a whole page of people in a
fixed number of queries. The review states themselves are worked out by the pure rules in
`versioning` (which define `ReviewState` and `PlanReview`; this module imports them, never
the other way round).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.models import CarePlan
from hubs.careplans.versioning import PlanKind, PlanReview, ReviewState
from hubs.core.types import today as utc_today

# A care plan's versions belong to one episode of care.
CARE_PLANS: PlanKind[CarePlan] = PlanKind(CarePlan, "episode_id", "plan")


def versions_of(session: Session, episode_id: int) -> list[CarePlan]:
    """Every version of the episode's care plan, newest first, drafts included."""
    return CARE_PLANS.versions(session, episode_id)


def current_agreed(session: Session, episode_id: int) -> CarePlan | None:
    return CARE_PLANS.current_agreed(session, episode_id)


def current_draft(session: Session, episode_id: int) -> CarePlan | None:
    return CARE_PLANS.current_draft(session, episode_id)


@dataclass(frozen=True)
class PersonPlanReviews:
    care_plan: PlanReview
    safety_plan: PlanReview


NO_PLANS = PersonPlanReviews(PlanReview(ReviewState.NONE), PlanReview(ReviewState.NONE))


CURRENT = ("agreed", "under_review")


def plan_reviews(
    session: Session, person_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, PersonPlanReviews]:
    """Review state of each person's current agreed care plan and safety plan (one query:
    caseloads and the hub view read it for hundreds of people on every page)."""
    from hubs.careplans.models import SafetyPlan

    ids = list(person_ids)
    day = today or utc_today()
    plans = sa.union_all(
        sa.select(
            sa.literal("care").label("plan"),
            CarePlan.person_id,
            CarePlan.agreed_at,
            CarePlan.review_due_on,
        ).where(CarePlan.person_id.in_(ids), CarePlan.status.in_(CURRENT)),
        sa.select(
            sa.literal("safety").label("plan"),
            SafetyPlan.person_id,
            SafetyPlan.agreed_at,
            SafetyPlan.review_due_on,
        ).where(SafetyPlan.person_id.in_(ids), SafetyPlan.status.in_(CURRENT)),
    ).subquery()
    rows = session.execute(sa.select(plans).order_by(plans.c.plan, plans.c.agreed_at))
    care: dict[int, PlanReview] = {}
    safety: dict[int, PlanReview] = {}
    for plan, person_id, agreed_at, due in rows:  # the latest agreed plan wins
        if plan == "care":
            care[person_id] = versioning.care_plan_review(agreed_at.date(), due, day)
        else:
            safety[person_id] = versioning.safety_plan_review(due, day)
    none = PlanReview(ReviewState.NONE)
    return {pid: PersonPlanReviews(care.get(pid, none), safety.get(pid, none)) for pid in ids}
