"""Read side of care plans and safety plans used by other features (caseloads, portal).

`plan_reviews` is the contract caseloads rely on: for each person, the review state of
their current care plan and safety plan. It answers for a whole page of people in a
fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session


class ReviewState(enum.StrEnum):
    NONE = "none"  # no agreed plan yet
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class PlanReview:
    state: ReviewState
    review_due_on: dt.date | None = None


@dataclass(frozen=True)
class PersonPlanReviews:
    care_plan: PlanReview
    safety_plan: PlanReview


NO_PLANS = PersonPlanReviews(PlanReview(ReviewState.NONE), PlanReview(ReviewState.NONE))


def plan_reviews(
    session: Session, person_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, PersonPlanReviews]:
    """Review state of each person's current agreed care plan and safety plan."""
    # Care plans and safety plans arrive with their own models; until then nobody has one.
    return dict.fromkeys(person_ids, NO_PLANS)
