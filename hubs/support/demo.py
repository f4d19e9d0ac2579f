"""Demo support work in the HATCH hub: caseloads for the connector and the manager to see.

A dozen fictional HATCH people are accepted onto the hub's caseload with different lead
workers; the demo connector is in most of their care teams. Contacts, signposting, health
checks, employment and IPS are recorded through the real services, so clocks, audit and
episode starts are as they would be in use. Running it twice adds nothing (each story has a
fixed referral submission key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.types import today
from hubs.directory.models import Neighbourhood, Service
from hubs.people.models import Person
from hubs.referrals import services as referral_services
from hubs.referrals.models import (
    CareTeamMember,
    Episode,
    NeedDomain,
    Priority,
    Referral,
    ReferralSource,
    Severity,
)
from hubs.referrals.states import OPEN_REFERRAL_STATUSES
from hubs.staff.models import User
from hubs.support import services
from hubs.support.models import ActivityType, ContactMode, Reached, SignpostingOutcome
from hubs.support.offers import load_shipped_offers
from hubs.trackers import services as trackers
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    IpsOutcome,
    SmokingStatus,
)

N, S, A = NeedDomain, Severity, ActivityType
LEADS = {
    "nurse": "nurse@hatch.demo",
    "connector": "connector@hatch.demo",
    "ot": "occupational-therapist@hatch.demo",
    "social": "social-worker@hatch.demo",
    "practitioner": "mental-health-practitioner@hatch.demo",
    "peer": "peer-support-worker@hatch.demo",
}


@dataclass(frozen=True)
class Story:
    """One person's time with the hub: referred `days_ago`, accepted a week later."""

    days_ago: int
    lead: str
    needs: tuple[tuple[NeedDomain, Severity, str], ...]
    care_team: tuple[str, ...] = ("connector",)
    contacts_every: int = 14  # days between contacts, from the week after acceptance
    last_contact_days_ago: int | None = 5  # None: nobody has been in contact yet
    activities: tuple[ActivityType, ...] = (A.WHAT_MATTERS,)
    signpost: tuple[str, ...] = ()
    health: str = ""  # "complete", "partial" or "lapsed"
    work: bool = False
    extra: dict[str, str] = field(default_factory=dict)


STORIES = [
    Story(
        150,
        "nurse",
        (
            (N.MENTAL_HEALTH, S.HIGH, "The voices keep me up"),
            (N.ACCOMMODATION, S.MODERATE, "Damp flat"),
        ),
        activities=(A.HOUSING, A.ACCOMPANYING),
        signpost=("DEMOTENANCY",),
        health="complete",
    ),
    Story(
        120,
        "ot",
        ((N.LEISURE_ACTIVITIES, S.MODERATE, "Nothing to get up for"),),
        care_team=("connector", "peer"),
        activities=(A.COMMUNITY_GROUP, A.PEER_SUPPORT),
        signpost=("DEMOART", "DEMOPEER"),
        health="partial",
    ),
    Story(
        95,
        "connector",
        ((N.MONEY_DEBT, S.HIGH, "Bailiff letters"), (N.PRACTICAL_HELP, S.MODERATE, "Forms")),
        care_team=(),
        activities=(A.BENEFITS_MONEY, A.PRACTICAL_HELP),
        signpost=("DEMOMONEY",),
    ),
    Story(
        80,
        "social",
        ((N.CARERS_FAMILY_SUPPORT, S.MODERATE, "Looking after my mum"),),
        last_contact_days_ago=41,
        activities=(A.CARERS_SUPPORT,),
        signpost=("DEMOCARERS",),
        health="lapsed",
    ),
    Story(
        70,
        "nurse",
        (
            (N.JOB_SITUATION, S.MODERATE, "I want to work again"),
            (N.MENTAL_HEALTH, S.MODERATE, "Anxious"),
        ),
        activities=(A.EMPLOYMENT_IPS,),
        work=True,
        health="partial",
    ),
    Story(
        60,
        "practitioner",
        ((N.FRIENDSHIPS, S.LOW, "I have lost touch with friends"),),
        activities=(A.COMMUNITY_GROUP,),
        signpost=("DEMOWALK",),
    ),
    Story(
        45,
        "connector",
        ((N.PHYSICAL_HEALTH, S.MODERATE, "Out of breath on the stairs"),),
        care_team=(),
        activities=(A.ACCOMPANYING, A.PRACTICAL_HELP),
        signpost=("DEMOQUIT",),
        health="partial",
    ),
    Story(
        38,
        "ot",
        ((N.MENTAL_HEALTH, S.HIGH, "I stopped going out"),),
        last_contact_days_ago=33,
        activities=(A.WHAT_MATTERS,),
    ),
    Story(
        30,
        "nurse",
        (
            (N.SUBSTANCE_USE, S.HIGH, "Drinking most days"),
            (N.PERSONAL_SAFETY, S.HIGH, "Hard nights"),
        ),
        care_team=("connector", "peer"),
        contacts_every=7,
        activities=(A.PEER_SUPPORT, A.WHAT_MATTERS),
    ),
    Story(
        21,
        "social",
        ((N.ACCOMMODATION, S.HIGH, "Sofa surfing"),),
        activities=(A.HOUSING,),
        work=True,
    ),
    Story(
        14,
        "practitioner",
        ((N.FAMILY_PARTNER, S.LOW, "Arguments at home"),),
        last_contact_days_ago=None,
    ),
    Story(
        10,
        "nurse",
        ((N.MEDICATION, S.MODERATE, "Side effects"),),
        care_team=(),
        last_contact_days_ago=None,
    ),
]


def _user(session: Session, email: str) -> User:
    return session.execute(sa.select(User).where(User.email == email)).scalar_one()


def _service(session: Session, code: str) -> Service:
    return session.execute(sa.select(Service).where(Service.code == code)).scalar_one()


def _hatch_people(session: Session) -> list[Person]:
    """HATCH people, those not waiting on an open referral first: a new referral for someone
    already waiting joins their spell, and the waiting list would show the older clock."""
    waiting = (
        sa.select(Referral.person_id)
        .where(Referral.status.in_(OPEN_REFERRAL_STATUSES))
        .correlate_except(Referral)
    )
    return list(
        session.scalars(
            sa.select(Person)
            .join(Person.gp_practice)
            .join(Neighbourhood)
            .where(Neighbourhood.code == "HATCH", Person.is_synthetic.is_(True))
            .order_by(Person.id.in_(waiting), Person.id)
        )
    )


def _accept(
    session: Session, staff: dict[str, User], person: Person, story: Story, key: str
) -> Episode:
    nurse = staff["nurse"]
    received = today() - dt.timedelta(days=story.days_ago)
    data = referral_services.ReferralInput(
        source=ReferralSource.GP,
        referrer_name="Demo GP (fictional)",
        received_on=received,
        priority=Priority.ROUTINE,
        needs=[referral_services.NeedInput(d, s, w) for d, s, w in story.needs],
        what_matters="Feeling settled and seeing people again",
        submission_key=key,
        confirm_duplicate=True,
    )
    referral = referral_services.receive_referral(session, nurse, person, data)
    referral_services.triage(
        session, nurse, referral, priority=Priority.ROUTINE, rationale="MDT: by need"
    )
    episode = referral_services.accept(
        session, nurse, referral, lead_worker_id=staff[story.lead].id
    )
    for member in story.care_team:
        referral_services.add_to_care_team(session, episode, staff[member])
    _backdate(session, episode, referral, min(received + dt.timedelta(days=7), today()))
    return episode


def _backdate(session: Session, episode: Episode, referral: Referral, accepted_on: dt.date) -> None:
    # Demo only: the services stamp today; the story says the acceptance was weeks ago.
    episode.opened_at = dt.datetime.combine(accepted_on, dt.time(10), tzinfo=dt.UTC)
    referral.closed_on = accepted_on
    for member in session.scalars(
        sa.select(CareTeamMember).where(CareTeamMember.episode_id == episode.id)
    ):
        member.joined_on = accepted_on
    session.flush()


def _contact_dates(story: Story, accepted_on: dt.date) -> list[dt.date]:
    if story.last_contact_days_ago is None:
        return []
    last = today() - dt.timedelta(days=story.last_contact_days_ago)
    dates, day = [], accepted_on + dt.timedelta(days=2)
    while day < last:
        dates.append(day)
        day += dt.timedelta(days=story.contacts_every)
    return [*dates, last]


MODES = (ContactMode.FACE_TO_FACE, ContactMode.PHONE, ContactMode.ACCOMPANIED, ContactMode.VIDEO)


def _log_contacts(
    session: Session, staff: dict[str, User], person: Person, story: Story, accepted_on: dt.date
) -> int:
    workers = [staff[story.lead]] + [staff[m] for m in story.care_team]
    dates = _contact_dates(story, accepted_on)
    for n, day in enumerate(dates):
        worker = workers[n % len(workers)]
        reached = Reached.NO if n % 5 == 3 else Reached.YES
        next_on = day + dt.timedelta(days=story.contacts_every) if n == len(dates) - 1 else None
        details = services.ContactDetails(
            location="Their home" if n % 2 == 0 else "Chapeltown community centre",
            activities=list(story.activities[: 1 + n % 2]) if reached == Reached.YES else [],
            needs=[story.needs[0][0]] if reached == Reached.YES else [],
            notes="Talked about the week and what matters to them."
            if reached == Reached.YES
            else "No answer; left a message.",
            is_staff_only=n % 4 == 2,
            next_step="Follow up the plan we made together",
            next_contact_on=next_on,
        )
        mode = ContactMode.PHONE if reached == Reached.NO else MODES[n % len(MODES)]
        services.log_contact(
            session,
            worker,
            person.id,
            services.ContactInput(day, 30 + 15 * (n % 3), mode, reached, details),
        )
    return len(dates)


def _signpost(
    session: Session, connector: User, person: Person, story: Story, accepted_on: dt.date
) -> None:
    for n, code in enumerate(story.signpost):
        on = min(accepted_on + dt.timedelta(days=10 + 7 * n), today())
        record = services.signpost(
            session,
            connector,
            person.id,
            service_id=_service(session, code).id,
            signposted_on=on,
            follow_up_on=on + dt.timedelta(days=21),
        )
        if n == 0 and record.follow_up_on < today() - dt.timedelta(days=7):
            services.record_signposting_outcome(
                session,
                connector,
                record,
                outcome=SignpostingOutcome.ATTENDED,
                note="Went twice and liked it",
            )


def _health(session: Session, worker: User, person: Person, story: Story) -> None:
    if not story.health:
        return
    elements = (
        list(HealthCheckElement) if story.health != "partial" else list(HealthCheckElement)[:3]
    )
    when = today() - dt.timedelta(days=400 if story.health == "lapsed" else 20)
    for element in elements:
        smoking = element == HealthCheckElement.SMOKING
        trackers.record_health_check(
            session,
            worker,
            person.id,
            element=element,
            done_on=when,
            where_done="Chapeltown GP practice",
            result="Recorded at the annual check",
            smoking_status=SmokingStatus.CURRENT if smoking else None,
            cessation_offer=CessationOffer.ACCEPTED if smoking else None,
        )


def _work(session: Session, worker: User, person: Person, story: Story) -> None:
    if not story.work:
        return
    asked = today() - dt.timedelta(days=min(story.days_ago - 3, 20))
    trackers.record_employment_status(
        session, worker, person.id, asked_on=asked, status=EmploymentStatus.SEEKING_WORK
    )
    ips = trackers.refer_to_ips(
        session, worker, person.id, referred_on=asked, service_id=_service(session, "IPS").id
    )
    if story.days_ago > 40:
        trackers.record_ips_outcome(
            session, worker, ips, outcome=IpsOutcome.ACCEPTED, outcome_on=today()
        )


def load_demo_support(session: Session) -> dict[str, int]:
    """Offer details for the directory, then the HATCH support stories; returns what is new."""
    load_shipped_offers(session)
    staff = {name: _user(session, email) for name, email in LEADS.items()}
    created = {"episodes": 0, "contacts": 0}
    for index, (person, story) in enumerate(zip(_hatch_people(session), STORIES, strict=False)):
        key = f"demo-support-{index}"
        if session.scalar(sa.select(Referral.id).where(Referral.submission_key == key)):
            continue
        episode = _accept(session, staff, person, story, key)
        accepted_on = episode.opened_at.date()
        created["contacts"] += _log_contacts(session, staff, person, story, accepted_on)
        _signpost(session, staff["connector"], person, story, accepted_on)
        _health(session, staff["connector"], person, story)
        _work(session, staff[story.lead], person, story)
        created["episodes"] += 1
    return {k: v for k, v in created.items() if v}
