"""Read side of care plans: an episode's versions, the one in force and the draft (the
shared rules of `versioning`, for the plans of one episode)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hubs.careplans.models import CarePlan, PlanStatus
from hubs.careplans.versioning import IN_FORCE, PlanKind

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
class EpisodePlans:
    agreed: CarePlan | None  # the version in force
    draft: CarePlan | None  # only for readers who may see drafts
    versions: list[CarePlan]  # every version the reader may see, newest first


def episode_plans(session: Session, episode_id: int, *, drafts: bool) -> EpisodePlans:
    """An episode's care plan as its pages and API show it, from one query."""
    plans = versions_of(session, episode_id)
    agreed = next((p for p in plans if p.status in IN_FORCE), None)
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None) if drafts else None
    return EpisodePlans(agreed, draft, [p for p in plans if drafts or p.status != PlanStatus.DRAFT])
