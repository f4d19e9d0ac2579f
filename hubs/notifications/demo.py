"""Demo notifications: message choices for some fictional people, and tasks for staff.

Called from `hubs/demo.py` in two steps: message choices before the demo referrals are
recorded (so those referrals queue real "kept informed" messages in the outbox), and tasks
after everything else (the scheduled alert jobs run once for today, and one use of
emergency access for the HATCH manager to review). Running it twice adds nothing: choices
are set only for people not yet asked, jobs and alerts are deduplicated.

Phone numbers are from Ofcom's range for drama (07700 900xxx); email addresses end in
.invalid, so nothing could ever reach a real person.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.types import utcnow
from hubs.directory.models import GpPractice, Neighbourhood
from hubs.notifications.models import OutboxMessage, StaffTask
from hubs.people.models import BreakGlassAccess, ContactPreference, Person
from hubs.people.services import break_glass, set_contact_preference
from hubs.staff.models import User

DEMO_BREAK_GLASS_REASON = "Demo: seen at the crisis café out of hours, no shared record yet"


def set_demo_contact_preferences(session: Session, people: Sequence[Person]) -> int:
    """Two in three demo people choose text or email; a few say no messages."""
    chosen = 0
    for n, person in enumerate(people):
        if person.contact_preference != ContactPreference.NOT_ASKED or n % 3 == 2:
            continue
        if n % 7 == 4:
            set_contact_preference(session, None, person, preference=ContactPreference.NO_MESSAGES)
        elif n % 2 == 0:
            set_contact_preference(
                session,
                None,
                person,
                preference=ContactPreference.SMS,
                mobile_phone=f"07700 900{n:03d}",
            )
        else:
            set_contact_preference(
                session,
                None,
                person,
                preference=ContactPreference.EMAIL,
                email=f"demo-person-{n}@example.invalid",
            )
        chosen += 1
    return chosen


def _user(session: Session, email: str) -> User:
    return session.execute(sa.select(User).where(User.email == email)).scalar_one()


def _demo_break_glass(session: Session) -> None:
    """A West Leeds nurse uses emergency access for a HATCH person: HATCH's manager reviews."""
    nurse = _user(session, "nurse@westleeds.demo")
    if session.scalar(sa.select(BreakGlassAccess.id).where(BreakGlassAccess.user_id == nurse.id)):
        return
    person = session.scalar(
        sa.select(Person)
        .join(GpPractice, GpPractice.id == Person.gp_practice_id)
        .join(Neighbourhood, Neighbourhood.id == GpPractice.neighbourhood_id)
        .where(Neighbourhood.code == "HATCH", Person.nhs_number.is_not(None))
        .order_by(Person.id)
    )
    if person is not None and person.nhs_number:
        break_glass(
            session, nurse, nhs_number=person.nhs_number, reason=DEMO_BREAK_GLASS_REASON, hours=2
        )


def load_demo_notifications(session: Session) -> dict[str, int]:
    """Tasks for staff (manager@hatch.demo among them); returns what is new."""
    from hubs.careplans.jobs import care_plan_reviews_due
    from hubs.referrals.jobs import clock_breach_warnings
    from hubs.safetyplans.jobs import safety_plan_reviews_due
    from hubs.support.jobs import signposting_follow_ups

    before = session.scalar(sa.select(sa.func.count(StaffTask.id))) or 0
    _demo_break_glass(session)
    now = utcnow()
    for job in (
        clock_breach_warnings,
        care_plan_reviews_due,
        safety_plan_reviews_due,
        signposting_follow_ups,
    ):
        job(now)
    session.flush()
    tasks = (session.scalar(sa.select(sa.func.count(StaffTask.id))) or 0) - before
    return {"tasks": tasks} if tasks else {}


def queued_message_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count(OutboxMessage.id))) or 0
