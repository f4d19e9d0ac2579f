"""Break-glass: emergency access to a record outside the usual reasons (DESIGN §3 rule 6).

It needs a reason, lasts a few hours at most, is audited, and raises a task for each
manager of the person's hub (on their "My tasks") so they can review it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans.models import BreakGlassAccess
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.alerts import alert_staff
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.core.types import utcnow
from hubs.directory.models import GpPractice, Hub
from hubs.people.models import Person
from hubs.people.services import clean_nhs_number
from hubs.referrals.models import Episode
from hubs.staff.models import HubMembership, MembershipKind, User

MAX_HOURS = 8


def _managers_for(session: Session, person: Person) -> list[User]:
    registered = (
        sa.select(Hub.id)
        .join(GpPractice, GpPractice.lcp_id == Hub.lcp_id)
        .where(GpPractice.id == person.gp_practice_id)
    )
    episodes = sa.select(Episode.hub_id).where(Episode.person_id == person.id)
    return list(
        session.scalars(
            sa.select(User)
            .join(HubMembership)
            .where(
                HubMembership.kind == MembershipKind.MANAGER,
                sa.or_(HubMembership.hub_id.in_(registered), HubMembership.hub_id.in_(episodes)),
            )
            .distinct()
        )
    )


def break_glass(
    session: Session, actor: User, *, nhs_number: str, reason: str, hours: int | None
) -> Person:
    """Open a person's record and plans to a clinician for a few hours, with a reason."""
    if actor.access_role not in {AccessRole.CLINICIAN, AccessRole.MANAGER}:
        raise PermissionDenied("Only clinicians can use emergency access")
    why = reason.strip()
    if len(why) < 10:
        raise ValidationError("Explain why you need emergency access", field="reason")
    span = hours or 4
    if not 1 <= span <= MAX_HOURS:
        raise ValidationError(f"Choose between 1 and {MAX_HOURS} hours", field="hours")
    number = clean_nhs_number(nhs_number)
    person = (
        session.scalar(sa.select(Person).where(Person.nhs_number == number)) if number else None
    )
    if person is None:
        raise ValidationError(
            "No one with this NHS number is known to the hubs", field="nhs_number"
        )
    grant = BreakGlassAccess(
        user_id=actor.id,
        person_id=person.id,
        reason=why,
        expires_at=utcnow() + dt.timedelta(hours=span),
    )
    session.add(grant)
    session.flush()
    alert_staff(
        [manager.id for manager in _managers_for(session, person)],
        kind="break_glass_review",
        title="Emergency access to review",
        detail=f"{actor.display_name} used emergency access for {span} hours: {why}",
        person_id=person.id,
        link=f"/people/{person.id}",
        dedupe_key=f"break-glass:{grant.id}",
        session=session,
        sender=grant,
    )
    audit.record(
        "person.break_glass",
        actor=actor,
        record_type="break_glass",
        record_id=grant.id,
        person_id=person.id,
    )
    session.flush()
    return person
