"""Demo pathways: Aspire and CAMHS transitions in several states, and a step-down that
ended in a discharge with an onward plan.

Eight fictional people in the HATCH area, each with one story told through the real
services (so history, audit rows, episodes, alerts and clocks are as in use):

- Aspire → hub: identified by the 30-month job, planning, parallel support, completed;
- CAMHS → adult hub: identified by the 17½ job, declined by West Leeds and escalated to
  both managers, and parallel support for person4@demo (the portal shows it);
- hub step-down to the demo walking group, completed with a discharge and an onward plan
  for person3@demo (the portal shows the plan).

Each story's first referral has a fixed submission key, so loading twice adds nothing; the
jobs are idempotent by themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans.models import AgreementMethod
from hubs.careplans.versioning import add_months
from hubs.core.types import today, utcnow
from hubs.directory.models import GpPractice, Service, Team
from hubs.pathways import discharge, jobs, services
from hubs.pathways.models import ChecklistItem, OnwardSupport, Transition, TransitionKind
from hubs.people.models import Person, Sex
from hubs.people.services import create_portal_account, register_person
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, Referral, ReferralSource, Severity
from hubs.safetyplans import services as safety
from hubs.staff.models import User

K = TransitionKind


@dataclass(frozen=True)
class Story:
    given: str
    family: str
    age_months: int  # age today
    service: str  # directory code of the sending service, or "" for the hub team
    months_in: int  # how long ago support started
    then: str  # what happens after the episode opens
    portal: str | None = None
    need: tuple[NeedDomain, Severity, str] = (
        NeedDomain.MENTAL_HEALTH,
        Severity.MODERATE,
        "I want to keep well",
    )


STORIES = [
    Story("Rhys", "Okonjo-Demo", 24 * 12, "ASPIRE", 31, "aspire_identified"),
    Story("Maya", "Lindqvist-Demo", 27 * 12, "ASPIRE", 32, "aspire_planning"),
    Story("Theo", "Brannigan-Demo", 22 * 12, "ASPIRE", 34, "aspire_parallel"),
    Story("Ines", "Castellano-Demo", 30 * 12, "ASPIRE", 36, "aspire_completed"),
    Story("Noor", "Haddad-Demo", 17 * 12 + 6, "CAMHS", 20, "camhs_identified"),
    Story("Ellis", "Fairweather-Demo", 17 * 12 + 9, "CAMHS", 30, "camhs_escalated"),
    Story(
        "Sasha",
        "Mbeki-Demo",
        17 * 12 + 10,
        "CAMHS",
        26,
        "camhs_parallel",
        portal="person4@demo",
        need=(NeedDomain.FRIENDSHIPS, Severity.MODERATE, "I'm nervous about new people"),
    ),
    Story(
        "Robin",
        "Achterberg-Demo",
        45 * 12,
        "",
        8,
        "step_down_discharged",
        portal="person3@demo",
        need=(NeedDomain.LEISURE_ACTIVITIES, Severity.LOW, "I'd like to get out more"),
    ),
]


@dataclass
class Cast:
    nurse: User  # HATCH mental health nurse: the sending team and, into HATCH, the receiver
    receiver: User  # another HATCH clinician, the new lead worker
    aspire_lead: User  # the Aspire care coordinator (held in HATCH)
    west_nurse: User
    hatch: Team
    west: Team
    practice: GpPractice

    def service(self, session: Session, code: str) -> Service:
        return session.execute(sa.select(Service).where(Service.code == code)).scalar_one()


def _user(session: Session, email: str) -> User:
    return session.execute(sa.select(User).where(User.email == email)).scalar_one()


def _team(session: Session, code: str) -> Team:
    return session.execute(sa.select(Team).where(Team.code == code)).scalar_one()


def _cast(session: Session) -> Cast:
    hatch = _team(session, "HATCH")
    return Cast(
        nurse=_user(session, "nurse@hatch.demo"),
        receiver=_user(session, "mental-health-practitioner@hatch.demo"),
        aspire_lead=_user(session, "psychiatrist@hatch.demo"),
        west_nurse=_user(session, "nurse@westleeds.demo"),
        hatch=hatch,
        west=_team(session, "WLEEDS"),
        practice=session.execute(
            sa.select(GpPractice)
            .where(GpPractice.neighbourhood_id == hatch.neighbourhood.id)
            .order_by(GpPractice.code)
        )
        .scalars()
        .first(),  # type: ignore[arg-type]
    )


def _person(session: Session, story: Story, number: str, cast: Cast) -> Person:
    found = session.scalar(sa.select(Person).where(Person.nhs_number == number))
    if found is not None:
        return found
    return register_person(
        session,
        None,
        nhs_number=number,
        given_name=story.given,
        family_name=story.family,
        date_of_birth=add_months(today(), -story.age_months) - dt.timedelta(days=3),
        sex=Sex.NOT_KNOWN,
        ethnic_category="99",
        postcode=cast.practice.postcode,
        gp_practice_id=cast.practice.id,
        is_synthetic=True,
    )


def _episode(session: Session, story: Story, person: Person, cast: Cast, key: str) -> Episode:
    """The sending episode: referred, triaged, accepted and started `months_in` ago."""
    lead = cast.aspire_lead if story.service == "ASPIRE" else cast.nurse
    started = add_months(today(), -story.months_in)
    data = referral_services.ReferralInput(
        source=ReferralSource.CAMHS if story.service == "CAMHS" else ReferralSource.GP,
        referrer_name="Demo referrer (fictional)",
        received_on=started - dt.timedelta(days=10),
        priority=Priority.ROUTINE,
        needs=[referral_services.NeedInput(*story.need)],
        what_matters="Keeping well and doing the things I enjoy",
        service_id=cast.service(session, story.service).id if story.service else None,
        submission_key=key,
        confirm_duplicate=True,
    )
    referral = referral_services.receive_referral(session, lead, person, data)
    referral_services.triage(
        session, lead, referral, rationale="MDT: agreed", priority=Priority.ROUTINE
    )
    episode = referral_services.accept(session, lead, referral, lead_worker_id=lead.id)
    referral_services.start_episode(session, lead, episode, started)
    return episode


# --- What happens next ----------------------------------------------------------------------


def _start(session: Session, cast: Cast, episode: Episode, kind: K, **values: object) -> Transition:
    return services.start_transition(
        session,
        cast.nurse if kind != K.ASPIRE_TO_HUB else cast.aspire_lead,
        episode,
        services.StartInput(kind=kind, **values),  # type: ignore[arg-type]
    )


def _plan(session: Session, cast: Cast, transition: Transition, days: int, receiver: User) -> None:
    services.plan(
        session,
        cast.nurse,
        transition,
        services.PlanInput(
            planned_on=today() + dt.timedelta(days=days),
            joint_meeting_on=today() + dt.timedelta(days=min(days, 7)),
            sending_worker_id=(
                cast.aspire_lead.id if transition.kind == K.ASPIRE_TO_HUB else cast.nurse.id
            ),
            receiving_worker_id=receiver.id,
            receiving_worker_name="Demo walk leader (fictional)",
        ),
    )


def _accept_into_hatch(
    session: Session, cast: Cast, transition: Transition, ticks: int
) -> Transition:
    _plan(session, cast, transition, 1, cast.receiver)
    services.record_meeting(session, cast.nurse, transition, held_on=today())
    services.accept(session, cast.receiver, transition, lead_worker_id=cast.receiver.id)
    services.start_parallel_support(
        session, cast.nurse, transition, overlap_ends_on=add_months(today(), 3)
    )
    for item in list(ChecklistItem)[:ticks]:
        services.tick(session, cast.nurse, transition, item)
    return transition


def _aspire_planning(session: Session, cast: Cast, episode: Episode) -> None:
    transition = _start(session, cast, episode, K.ASPIRE_TO_HUB)
    _plan(session, cast, transition, 9, cast.receiver)
    services.tick(session, cast.nurse, transition, ChecklistItem.VIEWS_RECORDED)


def _aspire_parallel(session: Session, cast: Cast, episode: Episode) -> None:
    _accept_into_hatch(session, cast, _start(session, cast, episode, K.ASPIRE_TO_HUB), 4)


def _aspire_completed(session: Session, cast: Cast, episode: Episode) -> None:
    transition = _accept_into_hatch(
        session, cast, _start(session, cast, episode, K.ASPIRE_TO_HUB), len(ChecklistItem)
    )
    services.complete(session, cast.nurse, transition)


def _camhs_escalated(session: Session, cast: Cast, episode: Episode) -> None:
    """Moving to West Leeds for university; West Leeds declines, both managers hear."""
    transition = _start(session, cast, episode, K.CAMHS_TO_ADULT, receiving_team_id=cast.west.id)
    _plan(session, cast, transition, 60, cast.west_nurse)
    services.decline(
        session,
        cast.west_nurse,
        transition,
        reason="Demo: no capacity until the spring term; suggest the HATCH hub keeps support",
    )


def _camhs_parallel(session: Session, cast: Cast, episode: Episode) -> None:
    _accept_into_hatch(session, cast, _start(session, cast, episode, K.CAMHS_TO_ADULT), 5)


def _step_down_discharged(session: Session, cast: Cast, episode: Episode) -> None:
    """Stepped down to the walking group with the hub alongside, then discharged."""
    walk = cast.service(session, "DEMOWALK")
    transition = _start(
        session,
        cast,
        episode,
        K.HUB_STEP_DOWN,
        receiving_service_id=walk.id,
        planned_on=today() + dt.timedelta(days=1),
    )
    _plan(session, cast, transition, 1, cast.nurse)
    services.record_meeting(session, cast.nurse, transition, held_on=today())
    services.accept(session, cast.nurse, transition, lead_name="Demo walk leader (fictional)")
    services.start_parallel_support(session, cast.nurse, transition, overlap_ends_on=today())
    for item in ChecklistItem:
        services.tick(session, cast.nurse, transition, item)
    _review_safety_plan(session, cast.nurse, episode.person)
    discharge.discharge(
        session,
        cast.nurse,
        episode,
        discharge.OnwardPlanInput(
            support=OnwardSupport.SERVICE,
            service_id=walk.id,
            named_contact="Demo walk leader (fictional)",
            what="A gentle walk and a cup of tea every Tuesday morning with the group, and "
            "your GP for your medication reviews.",
            how_to_come_back="For 6 months you can come back to the hub without a new referral: "
            "call the hub or ask for support in the portal, and you will be seen first.",
        ),
    )


def _review_safety_plan(session: Session, lead: User, person: Person) -> None:
    draft = safety.open_safety_draft(session, lead, person)
    safety.save_safety_draft(
        session,
        lead,
        draft,
        revision=draft.revision,
        content=safety.SafetyPlanContent(
            warning_signs="Staying in, not answering the door.",
            coping_alone="A walk round the park; music.",
            people_to_ask="My neighbour (fictional); the walking group.",
            professionals_note="My GP in the day; Connect in the evening.",
            reasons_for_living="My allotment and my grandchildren.",
        ),
    )
    safety.agree_safety_plan(
        session, lead, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )


NEXT: dict[str, Callable[[Session, Cast, Episode], None]] = {
    "aspire_planning": _aspire_planning,
    "aspire_parallel": _aspire_parallel,
    "aspire_completed": _aspire_completed,
    "camhs_escalated": _camhs_escalated,
    "camhs_parallel": _camhs_parallel,
    "step_down_discharged": _step_down_discharged,
}


def load_demo_pathways(session: Session, numbers: list[str], password: str) -> dict[str, int]:
    """Every story not yet told, then the identification jobs; returns what was created."""
    cast = _cast(session)
    created = {"pathway people": 0, "portal_accounts": 0, "transitions": 0}
    before = session.scalar(sa.select(sa.func.count(Transition.id))) or 0
    for index, (story, number) in enumerate(zip(STORIES, numbers, strict=True)):
        key = f"demo-pathway-{index}"
        if session.scalar(sa.select(Referral.id).where(Referral.submission_key == key)):
            continue
        person = _person(session, story, number, cast)
        created["pathway people"] += 1
        episode = _episode(session, story, person, cast, key)
        NEXT.get(story.then, lambda *_: None)(session, cast, episode)
        if story.portal:
            create_portal_account(
                session, person, email=story.portal, password=password, is_demo=True
            )
            created["portal_accounts"] += 1
    # The scheduler's jobs find the Aspire episode at 30 months and the young person at 17½.
    now = utcnow()
    jobs.identify_aspire_transitions(now)
    jobs.identify_camhs_transitions(now)
    session.flush()
    created["transitions"] = (session.scalar(sa.select(sa.func.count(Transition.id))) or 0) - before
    return {kind: n for kind, n in created.items() if n}
