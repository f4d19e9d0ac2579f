"""Who may see and change a person's plans (DESIGN §3 rules 5-6, §6).

The person's record must first be visible (`people.access.get_person_for`, 404 if not);
this decides which plans and sections on top: the care team and hub clinicians see
everything and edit; others see only what an active consent shares with their
organisation, or what a live break-glass grant opens. Staff-only notes are never shown
to the person or to VCSE staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans.models import CarePlan, PlanStatus
from hubs.core.access import AccessRole
from hubs.core.errors import NotFound, PermissionDenied
from hubs.people.access import get_person_for, has_break_glass, team_ids_of
from hubs.people.models import ConsentSection, Person
from hubs.people.services import shared_sections
from hubs.referrals.models import CareTeamMember, Episode
from hubs.staff.models import User

CLINICAL = {AccessRole.CLINICIAN, AccessRole.MANAGER}


@dataclass(frozen=True)
class PlanAccess:
    care_plan: bool = False
    safety_plan: bool = False
    staff_notes: bool = False
    outcomes: bool = False
    edit: bool = False
    drafts: bool = False  # the person sees only agreed versions

    @property
    def any(self) -> bool:
        return self.care_plan or self.safety_plan or self.outcomes


NONE = PlanAccess()
OWN = PlanAccess(care_plan=True, safety_plan=True, outcomes=True)
FULL = PlanAccess(
    care_plan=True, safety_plan=True, staff_notes=True, outcomes=True, edit=True, drafts=True
)


def is_clinically_involved(session: Session, user: User, person_id: int) -> bool:
    """In the care team of one of the person's episodes, or a clinician of its hub."""
    if user.access_role not in CLINICAL:
        return False
    care_team = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )
    found = session.scalar(
        sa.select(Episode.id)
        .where(
            Episode.person_id == person_id,
            sa.or_(Episode.team_id.in_(team_ids_of(user)), Episode.id.in_(care_team)),
        )
        .limit(1)
    )
    return found is not None


def require_editor(session: Session, actor: User, person_id: int) -> None:
    """Only clinicians in the care team or the hub change a person's plans."""
    if not is_clinically_involved(session, actor, person_id):
        raise PermissionDenied("Only the person's care team can change their plans")


def plan_access(session: Session, user: User, person: Person) -> PlanAccess:
    """What this user may see of this person's plans (the person is already visible)."""
    role = user.access_role
    if role == AccessRole.PERSON:
        return OWN
    if role in {AccessRole.ANALYST, AccessRole.SYSADMIN, AccessRole.HUB_ADMIN}:
        return NONE
    if is_clinically_involved(session, user, person.id):
        return FULL
    if role in CLINICAL and has_break_glass(session, user, person.id):
        return PlanAccess(
            care_plan=True, safety_plan=True, staff_notes=True, outcomes=True, drafts=True
        )
    sections = shared_sections(session, person.id, user.organisation_id)
    return PlanAccess(
        care_plan=ConsentSection.CARE_PLAN in sections,
        safety_plan=ConsentSection.SAFETY_PLAN in sections,
        outcomes=ConsentSection.OUTCOME_MEASURES in sections,
        drafts=role in CLINICAL,
    )


def get_care_plan_episode_for(
    session: Session, user: User, episode_id: int
) -> tuple[Episode, PlanAccess]:
    """The episode, if the user may see this person's care plan; otherwise NotFound (404)."""
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound("Page not found")
    access = plan_access(session, user, get_person_for(session, user, episode.person_id))
    if not access.care_plan:
        raise NotFound("Page not found")
    return episode, access


def get_care_plan_for(session: Session, user: User, plan_id: int) -> tuple[CarePlan, PlanAccess]:
    """One version of a care plan the user may see (a draft only if they may see drafts)."""
    plan = session.get(CarePlan, plan_id)
    if plan is None:
        raise NotFound("Page not found")
    _, access = get_care_plan_episode_for(session, user, plan.episode_id)
    if plan.status == PlanStatus.DRAFT and not access.drafts:
        raise NotFound("Page not found")
    return plan, access
