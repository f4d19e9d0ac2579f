"""The plan state machine, as a table (care plans and safety plans share it).

draft → agreed (with the person) → under review → superseded. An agreed plan is also
superseded directly when a newer version is agreed. Drafts are the only editable state.
"""

from __future__ import annotations

import enum

from hubs.careplans.models import PlanStatus
from hubs.core.errors import InvalidTransition


class PlanAction(enum.StrEnum):
    AGREE = "agree"
    START_REVIEW = "start_review"
    SUPERSEDE = "supersede"


PLAN_TRANSITIONS: dict[PlanAction, tuple[frozenset[PlanStatus], PlanStatus]] = {
    PlanAction.AGREE: (frozenset({PlanStatus.DRAFT}), PlanStatus.AGREED),
    PlanAction.START_REVIEW: (frozenset({PlanStatus.AGREED}), PlanStatus.UNDER_REVIEW),
    PlanAction.SUPERSEDE: (
        frozenset({PlanStatus.AGREED, PlanStatus.UNDER_REVIEW}),
        PlanStatus.SUPERSEDED,
    ),
}


def next_plan_status(current: PlanStatus, action: PlanAction) -> PlanStatus:
    sources, target = PLAN_TRANSITIONS[action]
    if current not in sources:
        raise InvalidTransition(
            f"A plan that is {current.label.lower()} cannot be given the action "
            f"“{action.value.replace('_', ' ')}”"
        )
    return target
