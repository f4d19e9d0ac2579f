"""The plan state machine, as a table (care plans and safety plans share it; proposals to a
safety plan have their own, `hubs.safetyplans.states`).

draft → agreed (with the person) → under review → superseded. An agreed plan is also
superseded directly when a newer version is agreed. Drafts are the only editable state.
"""

from __future__ import annotations

import enum

from hubs.careplans.models import PlanStatus
from hubs.core.states import Rule, StateTable


class PlanAction(enum.StrEnum):
    AGREE = "agree"
    START_REVIEW = "start_review"
    SUPERSEDE = "supersede"


PLAN_TRANSITIONS: dict[PlanAction, Rule[PlanStatus]] = {
    PlanAction.AGREE: Rule(frozenset({PlanStatus.DRAFT}), PlanStatus.AGREED),
    PlanAction.START_REVIEW: Rule(frozenset({PlanStatus.AGREED}), PlanStatus.UNDER_REVIEW),
    PlanAction.SUPERSEDE: Rule(
        frozenset({PlanStatus.AGREED, PlanStatus.UNDER_REVIEW}), PlanStatus.SUPERSEDED
    ),
}
PLAN_STATES = StateTable("A plan", PLAN_TRANSITIONS)


def next_plan_status(current: PlanStatus, action: PlanAction) -> PlanStatus:
    return PLAN_STATES.next(current, action)
