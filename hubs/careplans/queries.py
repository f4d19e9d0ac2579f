"""Read side of care plans: an episode's versions, the one in force and the draft (the
shared rules of `versioning`, for the plans of one episode)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hubs.careplans.models import CarePlan
from hubs.careplans.versioning import PlanKind

# A care plan's versions belong to one episode of care.
CARE_PLANS: PlanKind[CarePlan] = PlanKind(CarePlan, "episode_id", "plan")


def versions_of(session: Session, episode_id: int) -> list[CarePlan]:
    """Every version of the episode's care plan, newest first, drafts included."""
    return CARE_PLANS.versions(session, episode_id)


def current_agreed(session: Session, episode_id: int) -> CarePlan | None:
    return CARE_PLANS.current_agreed(session, episode_id)


def current_draft(session: Session, episode_id: int) -> CarePlan | None:
    return CARE_PLANS.current_draft(session, episode_id)
