"""Demo data: hubs, services, staff in every role and about 50 fictional people.

Everyone here is invented. NHS numbers come from the range reserved for synthetic data,
people are flagged `is_synthetic`, and every account is flagged `is_demo` so production
refuses to start while any exist. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import sqlalchemy as sa
from nhs_number import generate
from nhs_number.constants import Range, Region
from sqlalchemy.orm import Session

from hubs.directory.loading import load_shipped_areas
from hubs.directory.models import GpPractice, Neighbourhood, Organisation, Team
from hubs.people.models import (
    ETHNIC_CATEGORIES,
    Consent,
    ConsentSection,
    Person,
    PortalAccount,
    Sex,
)
from hubs.people.services import create_portal_account, grant_consent, register_person
from hubs.staff.models import MembershipKind, StaffRole, TeamMembership, User
from hubs.staff.services import create_user

PEOPLE_COUNT = 50

# NHS numbers starting 999 are the test range that is never issued to anyone. (The library's
# REGION_SYNTHETIC spans every number starting 9, which is wider than the recognised range.)
SYNTHETIC_999 = Region(
    "Synthetic test range (999)",
    ["synthetic"],
    [Range(9_990_000_000, 9_999_999_999, "Synthetic test patients (999)")],
)


@dataclass(frozen=True)
class DemoStaff:
    email: str
    name: str
    role: StaffRole
    organisation: str
    team: str | None
    is_manager: bool = False


NAMED_STAFF = [
    DemoStaff(
        "manager@hatch.demo", "Morgan Demo-Manager", StaffRole.TEAM_MANAGER, "LYPFT", "HATCH", True
    ),
    DemoStaff(
        "nurse@hatch.demo", "Nia Demo-Nurse", StaffRole.MENTAL_HEALTH_NURSE, "LYPFT", "HATCH"
    ),
    DemoStaff(
        "connector@hatch.demo",
        "Casey Demo-Connector",
        StaffRole.WELLBEING_CONNECTOR,
        "DEMOVCSE",
        "HATCH",
    ),
    DemoStaff("admin@hatch.demo", "Ash Demo-Admin", StaffRole.ADMINISTRATOR, "LYPFT", "HATCH"),
    DemoStaff(
        "nurse@westleeds.demo", "Wren Demo-Nurse", StaffRole.MENTAL_HEALTH_NURSE, "LYPFT", "WLEEDS"
    ),
    DemoStaff(
        "manager@westleeds.demo",
        "Rowan Demo-Manager",
        StaffRole.TEAM_MANAGER,
        "LYPFT",
        "WLEEDS",
        True,
    ),
    DemoStaff("analyst@demo", "Avery Demo-Analyst", StaffRole.STRATEGY_ANALYST, "LCC", None),
    DemoStaff("sysadmin@demo", "Sam Demo-Sysadmin", StaffRole.SYSTEM_ADMINISTRATOR, "LYPFT", None),
]

ROLE_ORGANISATION = {
    StaffRole.SOCIAL_WORKER: "LCC",
    StaffRole.PEER_SUPPORT_WORKER: "DEMOVCSE",
    StaffRole.SUPPORT_WORKER: "LMIND",
    StaffRole.PRIMARY_CARE_STAFF: "DEMOGP",
}


def _every_other_role() -> list[DemoStaff]:
    """One HATCH team member for each MDT role the named accounts do not cover."""
    covered = {s.role for s in NAMED_STAFF}
    return [
        DemoStaff(
            f"{role.value.replace('_', '-')}@hatch.demo",
            f"Demo {role.label}",
            role,
            ROLE_ORGANISATION.get(role, "LYPFT"),
            "HATCH",
        )
        for role in StaffRole
        if role not in covered
    ]


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    activity_rows: int = 0

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def _ensure_staff(session: Session, spec: DemoStaff, password: str, report: DemoReport) -> None:
    if session.scalar(sa.select(User.id).where(User.email == spec.email)):
        return
    org = session.scalar(sa.select(Organisation).where(Organisation.code == spec.organisation))
    user = create_user(
        session,
        email=spec.email,
        display_name=spec.name,
        password=password,
        role=spec.role,
        organisation_id=org.id,
        is_demo=True,
    )
    if spec.team:
        team = session.scalar(sa.select(Team).where(Team.code == spec.team))
        kind = MembershipKind.MANAGER if spec.is_manager else MembershipKind.MEMBER
        session.add(
            TeamMembership(user_id=user.id, team_id=team.id, kind=kind, started_on=team.go_live_on)
        )
    report.add("staff")


def _demo_nhs_numbers(count: int) -> list[str]:
    state = random.getstate()
    random.seed(20261123)  # the same fictional numbers every run keeps the demo idempotent
    try:
        numbers: list[str] = []
        while len(numbers) < count:
            candidate = generate(for_region=SYNTHETIC_999)[0]
            if candidate not in numbers:
                numbers.append(candidate)
        return numbers
    finally:
        random.setstate(state)


def _ensure_people(session: Session, report: DemoReport) -> list[Person]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(20261123)
    rng = random.Random(20261123)
    practices = session.scalars(
        sa.select(GpPractice)
        .join(GpPractice.neighbourhood)
        .where(Neighbourhood.is_demo.is_(False))
        .order_by(GpPractice.code)
    ).all()
    people = []
    for i, number in enumerate(_demo_nhs_numbers(PEOPLE_COUNT)):
        sex = rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.INDETERMINATE])
        given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
        family = fake.last_name()
        dob = dt.date(2026 - rng.randint(15, 80), rng.randint(1, 12), rng.randint(1, 28))
        person = session.scalar(sa.select(Person).where(Person.nhs_number == number))
        if person is None:
            practice = practices[i % len(practices)]
            person = register_person(
                session,
                None,
                nhs_number=number,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                sex=sex,
                ethnic_category=rng.choice(list(ETHNIC_CATEGORIES)),
                postcode=practice.postcode,
                gp_practice_id=practice.id,
                preferred_language=rng.choice(["English"] * 6 + ["Urdu", "Polish", "Punjabi"]),
                interpreter_needed=rng.random() < 0.1,
                is_synthetic=True,
            )
            report.add("people")
        people.append(person)
    return people


def _ensure_consents(session: Session, people: list[Person], report: DemoReport) -> None:
    """A few HATCH people agree to share with the demo VCSE, so the connector sees them."""
    vcse = session.scalar(sa.select(Organisation).where(Organisation.code == "DEMOVCSE"))
    hatch = [p for p in people if p.gp_practice and p.gp_practice.neighbourhood.code == "HATCH"][:6]
    for person in hatch:
        already = session.scalar(
            sa.select(Consent.id).where(
                Consent.person_id == person.id, Consent.organisation_id == vcse.id
            )
        )
        if already:
            continue
        grant_consent(
            session,
            None,
            person,
            organisation_id=vcse.id,
            sections=[
                ConsentSection.CARE_PLAN,
                ConsentSection.SUPPORT_LOG,
                ConsentSection.DEMOGRAPHICS,
            ],
            starts_on=dt.date(2026, 1, 1),
        )
        report.add("consents")


def _ensure_portal_accounts(
    session: Session, people: list[Person], password: str, report: DemoReport
) -> None:
    for n, person in enumerate(people[:2], start=1):
        email = f"person{n}@demo"
        if session.scalar(sa.select(User.id).where(User.email == email)):
            continue
        if session.scalar(sa.select(PortalAccount.id).where(PortalAccount.person_id == person.id)):
            continue
        create_portal_account(session, person, email=email, password=password, is_demo=True)
        report.add("portal_accounts")


def load_demo(session: Session, password: str) -> DemoReport:
    """Create (or leave unchanged) the whole demo world."""
    report = DemoReport()
    load_shipped_areas(session)
    for spec in NAMED_STAFF + _every_other_role():
        _ensure_staff(session, spec, password, report)
    session.flush()
    people = _ensure_people(session, report)
    _ensure_consents(session, people, report)
    _ensure_portal_accounts(session, people, password, report)
    # Before referrals, so the referrals of people who chose messages queue them.
    _ensure_contact_preferences(session, people, report)
    _ensure_referrals(session, people, report)
    _ensure_support(session, report)
    # Before plans, so the pathway episodes get care plans like everyone else's.
    _ensure_pathways(session, password, report)
    # After support, so the connector's caseload people have agreed plans to review too.
    _ensure_plans(session, report)
    # The alert jobs look at everything above (clocks, reviews, follow-ups).
    _ensure_notifications(session, report)
    session.flush()
    report.activity_rows = _rebuild_activity_store(session)
    # Last: a synthetic city-year of pseudonymised activity beside the demo people's own,
    # then the indicator refresh over both.
    _ensure_reporting(session, report)
    return report


def _ensure_contact_preferences(session: Session, people: list[Person], report: DemoReport) -> None:
    from hubs.notifications.demo import set_demo_contact_preferences

    chosen = set_demo_contact_preferences(session, people)
    if chosen:
        report.add("message_choices", chosen)


def _ensure_notifications(session: Session, report: DemoReport) -> None:
    from hubs.notifications.demo import load_demo_notifications

    for kind, n in load_demo_notifications(session).items():
        report.add(kind, n)


def _rebuild_activity_store(session: Session) -> int:
    """The activity store from the demo's final records, so dashboards have data.

    The live feed ran while the services did, but the demo stories then back-date some
    records directly (an acceptance weeks ago, not today); a rebuild reads them as they
    now are. Rebuilding is idempotent, so running the demo twice still changes nothing."""
    from hubs.activity.rebuild import rebuild

    return sum(rebuild(session).values())


def _ensure_plans(session: Session, report: DemoReport) -> None:
    from hubs.careplans.demo import load_demo_care_plans
    from hubs.outcomes.demo import dialog_history
    from hubs.safetyplans.demo import safety_plan

    created = load_demo_care_plans(session, also=(safety_plan, dialog_history))
    if created:
        report.add("care_plans", created)


def _ensure_referrals(session: Session, people: list[Person], report: DemoReport) -> None:
    from hubs.referrals.demo import load_demo_referrals

    def user(email: str) -> User:
        return session.execute(sa.select(User).where(User.email == email)).scalar_one()

    staff = {
        "HATCH": (user("nurse@hatch.demo"), user("admin@hatch.demo")),
        "WLEEDS": (user("nurse@westleeds.demo"), user("manager@westleeds.demo")),
    }
    in_teams = [p for p in people if p.gp_practice and p.gp_practice.neighbourhood.code in staff]
    created = load_demo_referrals(session, in_teams, staff)
    if created:
        report.add("referrals", created)


def _ensure_support(session: Session, report: DemoReport) -> None:
    """HATCH caseloads: accepted episodes, contacts, signposting and health checks."""
    from hubs.support.demo import load_demo_support

    for kind, n in load_demo_support(session).items():
        report.add(kind, n)


def _ensure_pathways(session: Session, password: str, report: DemoReport) -> None:
    """Aspire and CAMHS transitions in several states, and a discharge with an onward plan
    (person3@demo and person4@demo see theirs in the portal)."""
    from hubs.pathways.demo import STORIES, load_demo_pathways

    # The numbers after the first 50: the same every run, never one of theirs.
    numbers = _demo_nhs_numbers(PEOPLE_COUNT + len(STORIES))[PEOPLE_COUNT:]
    for kind, n in load_demo_pathways(session, numbers, password).items():
        report.add(kind, n)


def _ensure_reporting(session: Session, report: DemoReport) -> None:
    """A clearly synthetic city-year of activity rows, so the indicator dashboard is full."""
    from hubs.reporting.demo import load_demo_activity

    added = load_demo_activity(session)
    if added:
        report.add("synthetic_activity_rows", added)
