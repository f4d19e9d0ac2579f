"""Pathways fixtures: Aspire, CAMHS and hub episodes (written directly; `make_episode` goes
through the real services), and a helper that moves a transition along its states the way
staff would.

The sending side is hub A (the clinician and the manager); the receiving side is hub B
(the other hub's clinician and a second manager), so "either side" and "both managers"
are distinguishable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from hubs.careplans.models import AgreementMethod
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Service, ServiceKind, Team
from hubs.extensions import db
from hubs.pathways import services
from hubs.pathways.models import ChecklistItem, Transition, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.people.models import Person
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, ReferralSource, Severity
from hubs.safetyplans import services as safety
from hubs.staff.models import MembershipKind, StaffRole, User
from tests import factories
from tests.conftest import World


@dataclass
class Pathways:
    world: World
    hub_a_team: Service
    hub_b_team: Service
    aspire: Service
    camhs: Service
    offer: Service
    other_manager: User
    young_person: Person

    @property
    def users(self) -> dict[str, User]:
        return self.world.users


@pytest.fixture
def pw(world: World) -> Pathways:
    other_manager = factories.UserFactory(role=StaffRole.TEAM_MANAGER, organisation=world.trust)
    factories.TeamMembershipFactory(
        user=other_manager, team=world.hub_b, kind=MembershipKind.MANAGER
    )
    practice_b = world.person_b.gp_practice
    # 17 years and 7 months old today, registered in hub B's area.
    born = today() - dt.timedelta(days=int(17.6 * 365.25))
    young = factories.PersonFactory(gp_practice=practice_b, date_of_birth=born)
    return Pathways(
        world=world,
        hub_a_team=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_a),
        hub_b_team=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_b),
        aspire=factories.ServiceFactory(kind=ServiceKind.EARLY_INTERVENTION, name="Aspire"),
        camhs=factories.ServiceFactory(kind=ServiceKind.CAMHS, name="CAMHS"),
        offer=factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER, name="Walking group"),
        other_manager=other_manager,
        young_person=young,
    )


def make_episode(
    person: Person,
    service: Service | None,
    team: Team,
    lead: User,
    *,
    received_on: dt.date | None = None,
) -> Episode:
    """An episode in `hub` with `service`, accepted by `lead` (a clinician of that hub)
    through the real services: its referral's history, audit and signals (the fast track)."""
    data = referral_services.ReferralInput(
        source=ReferralSource.GP,
        referrer_name="Dr Example",
        received_on=received_on or today() - dt.timedelta(days=5),
        priority=Priority.ROUTINE,
        needs=[referral_services.NeedInput(NeedDomain.MENTAL_HEALTH, Severity.HIGH, "Voices")],
        what_matters="Finishing college",
        service_id=service.id if service else None,
        team_id=team.id,
        team_override_reason="The team that holds this service",
        confirm_duplicate=True,
    )
    referral = referral_services.receive_referral(db.session, lead, person, data)
    referral_services.triage(db.session, lead, referral, rationale="MDT", priority=Priority.ROUTINE)
    episode = referral_services.accept(db.session, lead, referral, lead_worker_id=lead.id)
    db.session.flush()
    return episode


def accepted_episode(
    person: Person,
    service: Service | None,
    team: Team,
    lead: User,
    *,
    care_team: Sequence[User] = (),
    received_on: dt.date | None = None,
) -> Episode:
    """`make_episode`'s episode written directly (no history, audit or signals, so no fast
    track either), `care_team` in it: for tests that need the episode, not what
    accepting it does."""
    return factories.EpisodeFactory(
        team=team,
        person=person,
        lead_worker=lead,
        care_team=care_team,
        received_on=received_on or today() - dt.timedelta(days=5),
        needs=[(NeedDomain.MENTAL_HEALTH, Severity.HIGH, "Voices")],
        referral__service=service or factories.hub_team(team),
        referral__what_matters="Finishing college",
    )


@pytest.fixture
def aspire_episode(pw: Pathways) -> Episode:
    """Person A with Aspire, held by hub A with the clinician as lead worker."""
    return accepted_episode(pw.world.person_a, pw.aspire, pw.world.hub_a, pw.users["clinician"])


@pytest.fixture
def camhs_episode(pw: Pathways) -> Episode:
    """A young person (registered in hub B's area) with CAMHS, held by hub A."""
    return accepted_episode(pw.young_person, pw.camhs, pw.world.hub_a, pw.users["clinician"])


@pytest.fixture
def hub_episode(pw: Pathways) -> Episode:
    """Person A with hub A's own team, the clinician as lead and the VCSE worker in the team."""
    users = pw.users
    return accepted_episode(
        pw.world.person_a,
        None,
        pw.world.hub_a,
        users["clinician"],
        care_team=[users["vcse_worker"]],
    )


def start(pw: Pathways, episode: Episode, kind: TransitionKind, **values: Any) -> Transition:
    """Start a transition as the sending clinician; Aspire and CAMHS go to hub B."""
    if kind.receives_into_hub:
        values.setdefault("receiving_team_id", pw.world.hub_b.id)
    else:
        values.setdefault("receiving_service_id", pw.offer.id)
        values.setdefault("planned_on", today() + dt.timedelta(days=60))
    return services.start_transition(
        db.session, pw.users["clinician"], episode, services.StartInput(kind=kind, **values)
    )


def receiver(pw: Pathways, transition: Transition) -> User:
    """Who acts for the receiving side: hub B's clinician, or the sender for a service."""
    if transition.kind.receives_into_hub:
        return pw.users["other_hub_clinician"]
    return pw.users["clinician"]


def plan_input(pw: Pathways, transition: Transition, days: int = 60) -> services.PlanInput:
    return services.PlanInput(
        planned_on=today() + dt.timedelta(days=days),
        joint_meeting_on=today() + dt.timedelta(days=min(10, days)),
        sending_worker_id=pw.users["clinician"].id,
        receiving_worker_id=pw.users["other_hub_clinician"].id,
        receiving_worker_name="Sam at the walking group",
    )


def tick_all(pw: Pathways, transition: Transition) -> None:
    for item in ChecklistItem:
        services.tick(db.session, pw.users["clinician"], transition, item)


def advance(pw: Pathways, transition: Transition, to: TransitionState) -> Transition:
    """Move a transition along the happy path until it reaches `to` (or is escalated by a
    decline, for DECLINED_BY_RECEIVER and ESCALATED)."""
    sender, taker = pw.users["clinician"], receiver(pw, transition)
    steps: list[tuple[TransitionState, Callable[[], object]]] = [
        (
            TransitionState.PLANNING,
            lambda: services.plan(db.session, sender, transition, plan_input(pw, transition)),
        ),
        (
            TransitionState.JOINT_MEETING_HELD,
            lambda: services.record_meeting(db.session, sender, transition, held_on=today()),
        ),
        (
            TransitionState.ACCEPTED,
            lambda: services.accept(
                db.session, taker, transition, lead_worker_id=taker.id, lead_name="Sam"
            ),
        ),
        (
            TransitionState.PARALLEL_SUPPORT,
            lambda: services.start_parallel_support(
                db.session, sender, transition, overlap_ends_on=today() + dt.timedelta(days=90)
            ),
        ),
        (TransitionState.COMPLETED, lambda: _complete(pw, transition)),
    ]
    if to in (TransitionState.DECLINED_BY_RECEIVER, TransitionState.ESCALATED):
        steps[1] = (
            TransitionState.ESCALATED,
            lambda: services.decline(db.session, taker, transition, reason="No capacity"),
        )
    for state, step in steps:
        if transition.state == to or (
            to == TransitionState.DECLINED_BY_RECEIVER
            and transition.state == TransitionState.ESCALATED
        ):
            break
        step()
        if state == to:
            break
    db.session.flush()
    return transition


def _complete(pw: Pathways, transition: Transition) -> None:
    tick_all(pw, transition)
    services.complete(db.session, pw.users["clinician"], transition)


def agree_safety_plan(person: Person, actor: User) -> None:
    """Agree a (new version of the) person's safety plan today."""
    plan = safety.open_safety_draft(db.session, actor, person)
    safety.save_safety_draft(
        db.session,
        actor,
        plan,
        revision=plan.revision,
        content=safety.SafetyPlanContent(warning_signs="Not sleeping", coping_alone="Music"),
    )
    safety.agree_safety_plan(
        db.session, actor, plan, revision=plan.revision, method=AgreementMethod.IN_PERSON
    )


@dataclass
class Received:
    """What a signal receiver saw: (sender, kwargs) for each send."""

    calls: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append((sender, kwargs))

    def of(self, **match: Any) -> list[tuple[Any, dict[str, Any]]]:
        return [c for c in self.calls if all(c[1].get(k) == v for k, v in match.items())]


@pytest.fixture
def listen() -> Iterator[Callable[[str], Received]]:
    """Connect a recording receiver to a named signal for the test."""
    connected: list[tuple[str, Received]] = []

    def _listen(name: str) -> Received:
        received = Received()
        hub_signals.signal(name).connect(received)
        connected.append((name, received))
        return received

    yield _listen
    for name, received in connected:
        hub_signals.signal(name).disconnect(received)
