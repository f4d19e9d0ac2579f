"""Who may see and change a person's safety plan (DESIGN §3 rules 5-7, §6).

The rule is the plans' own (`hubs.careplans.access.plan_access`): the care team and hub
clinicians see and edit it, others what an active consent shares (or a live break-glass
grant opens); the person sees their own agreed versions only. Anyone else gets 404, never
403, so a plan's existence is not revealed. Every read is audited.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans.access import PlanAccess, plan_access
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.people.access import get_person_for
from hubs.people.models import Person, PortalAccount
from hubs.safetyplans.models import SafetyPlan
from hubs.staff.models import User


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
