"""Demo referrals: every state, and clocks on track, near breach and past breach.

Made through the real services, so history, audit rows, episodes and clocks are all as
they would be in use. Each referral has a fixed submission key, so loading twice adds none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.types import today
from hubs.directory.models import Service
from hubs.people.models import Person
from hubs.referrals import services
from hubs.referrals.models import NeedDomain, Priority, Referral, ReferralSource, Severity
from hubs.staff.models import User


@dataclass(frozen=True)
class DemoReferral:
    days_ago: int
    priority: Priority
    needs: tuple[tuple[NeedDomain, Severity, str], ...]
    then: str = ""  # what happens next: triage, accept, signpost, withdraw, error
    service_code: str | None = None


N = NeedDomain
S = Severity
PLAN = [
    # First, so person1@demo (the first demo person) has an accepted referral and a plan.
    DemoReferral(
        40, Priority.ROUTINE, ((N.MEDICATION, S.MODERATE, "Side effects worry me"),), then="accept"
    ),
    DemoReferral(
        3, Priority.ROUTINE, ((N.FRIENDSHIPS, S.MODERATE, "I don't see anyone most weeks"),)
    ),
    DemoReferral(
        23,
        Priority.URGENT,
        (
            (N.ACCOMMODATION, S.HIGH, "I've had an eviction notice"),
            (N.MONEY_DEBT, S.HIGH, "Rent arrears"),
        ),
    ),
    DemoReferral(36, Priority.ROUTINE, ((N.MENTAL_HEALTH, S.HIGH, "Voices are worse at night"),)),
    DemoReferral(
        12,
        Priority.ROUTINE,
        ((N.JOB_SITUATION, S.MODERATE, "I want to get back to work"),),
        then="triage",
    ),
    DemoReferral(
        8,
        Priority.ROUTINE,
        ((N.MENTAL_HEALTH, S.LOW, "Low mood since the winter"),),
        then="signpost",
    ),
    DemoReferral(
        15,
        Priority.ROUTINE,
        ((N.LEISURE_ACTIVITIES, S.LOW, "Nothing to do all day"),),
        then="withdraw",
    ),
    DemoReferral(
        2, Priority.ROUTINE, ((N.PRACTICAL_HELP, S.LOW, "Forms and letters"),), then="error"
    ),
    DemoReferral(
        0, Priority.EMERGENCY, ((N.PERSONAL_SAFETY, S.HIGH, "I don't feel safe tonight"),)
    ),
    DemoReferral(
        10,
        Priority.URGENT,
        ((N.MENTAL_HEALTH, S.HIGH, "Seeing things others can't"),),
        service_code="ASPIRE",
    ),
]


def _service(session: Session, code: str) -> Service:
    return session.execute(sa.select(Service).where(Service.code == code)).scalar_one()


def _follow_up(session: Session, staff: tuple[User, User], referral: Referral, step: str) -> None:
    """Move a demo referral on to the state its plan row names."""
    nurse, admin = staff
    if step in {"triage", "accept"}:
        services.triage(
            session,
            nurse,
            referral,
            priority=referral.priority,
            rationale="MDT: housing and money first, then the hub team",
        )
    if step == "accept":
        services.accept(session, nurse, referral, lead_worker_id=nurse.id)
    elif step == "signpost":
        services.signpost(
            session,
            nurse,
            referral,
            service_id=_service(session, "TALKING").id,
            handover_note="Spoke to the Talking Therapies duty worker; they will call",
            confirmed_on=today(),
        )
    elif step == "withdraw":
        services.withdraw(
            session, nurse, referral, reason="Found a local group and wants to try it first"
        )
    elif step == "error":
        services.enter_in_error(
            session, admin, referral, reason="Recorded against the wrong person"
        )


def load_demo_referrals(
    session: Session, people: list[Person], staff: dict[str, tuple[User, User]]
) -> int:
    """One referral per plan row for people in the early-implementer hubs; returns how many new.

    `staff` maps an LCP code to its (clinician, administrator or manager) pair."""
    created = 0
    for index, (person, plan) in enumerate(zip(people, PLAN * 3, strict=False)):
        key = f"demo-referral-{index}"
        if session.scalar(sa.select(Referral.id).where(Referral.submission_key == key)):
            continue
        assert person.gp_practice is not None
        pair = staff.get(person.gp_practice.neighbourhood.code)
        if pair is None:
            continue
        nurse = pair[0]
        data = services.ReferralInput(
            source=ReferralSource.GP,
            referrer_name="Demo GP (fictional)",
            received_on=today() - dt.timedelta(days=plan.days_ago),
            priority=plan.priority,
            needs=[services.NeedInput(d, s, w) for d, s, w in plan.needs],
            what_matters="Feeling settled at home and seeing people",
            service_id=_service(session, plan.service_code).id if plan.service_code else None,
            submission_key=key,
            confirm_duplicate=True,
        )
        referral = services.receive_referral(session, nurse, person, data)
        _follow_up(session, pair, referral, plan.then)
        created += 1
    return created
