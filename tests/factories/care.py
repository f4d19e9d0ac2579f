"""Factories for a person's care: referrals with their needs, episodes with their care team,
contacts, signpostings, health checks and transitions.

They write rows directly, in a state the model's constraints accept, and nothing else: no
history, audit or activity rows, no clock events, no signals. A test about what the services
do on the way (those rows, events and signals) goes through the services instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory
import sqlalchemy as sa

from hubs.core.types import today, utcnow
from hubs.directory.models import GpPractice, Service, ServiceKind, Team
from hubs.extensions import db
from hubs.pathways.models import EscalationReason, Transition, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.referrals.models import (
    CareTeamMember,
    Episode,
    NeedDomain,
    Priority,
    Referral,
    ReferralNeed,
    ReferralSource,
    Severity,
)
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from hubs.staff.models import User
from hubs.support.models import Contact, ContactMode, Reached, Signposting, SignpostingOutcome
from hubs.trackers.models import HealthCheckElement, HealthCheckRecord
from tests.factories.base import (
    BaseFactory,
    GpPracticeFactory,
    PersonFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

#: (domain, severity) or (domain, severity, the person's own words)
Need = tuple[NeedDomain, Severity] | tuple[NeedDomain, Severity, str]
DEFAULT_NEEDS: tuple[Need, ...] = ((NeedDomain.FRIENDSHIPS, Severity.MODERATE),)


def hub_team(team: Team) -> Service:
    """The hub's own team service (every referral is to one), made the first time."""
    found = db.session.scalar(
        sa.select(Service).where(Service.team_id == team.id, Service.kind == ServiceKind.HUB_TEAM)
    )
    return found or ServiceFactory(kind=ServiceKind.HUB_TEAM, team=team)


def practice_of(team: Team) -> GpPractice:
    """A GP practice in the hub's area (people registered there belong to the hub)."""
    found = db.session.scalar(
        sa.select(GpPractice).where(GpPractice.neighbourhood_id == team.neighbourhood.id)
    )
    return found or GpPracticeFactory(neighbourhood=team.neighbourhood)


def team_member(team: Team) -> User:
    return TeamMembershipFactory(team=team).user  # type: ignore[no-any-return]


def _person_in_parents_hub() -> factory.SubFactory:
    return factory.SubFactory(
        PersonFactory,
        gp_practice=factory.LazyAttribute(lambda p: practice_of(p.factory_parent.team)),
    )


def _at(day: dt.date) -> dt.datetime:
    """A moment on `day`: now for today (as a service would stamp it), 9am otherwise."""
    return utcnow() if day == today() else dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _days_from_today(days: int) -> factory.LazyFunction:
    return factory.LazyFunction(lambda: today() + dt.timedelta(days=days))


class ReferralFactory(BaseFactory):
    """A referral to the hub's own team, received 3 days ago with one moderate need.

    `needs=[(domain, severity), (domain, severity, own words), ...]` replaces the needs.
    Traits: triaged, accepted, signposted, withdrawn, entered_in_error (a closed referral
    has its closed_on, and what its status requires: a destination, a reason)."""

    class Meta:
        model = Referral

    class Params:
        triaged = factory.Trait(status=ReferralStatus.TRIAGED, triage_rationale="MDT")
        accepted = factory.Trait(
            status=ReferralStatus.ACCEPTED,
            triage_rationale="MDT",
            closed_on=factory.LazyFunction(today),
        )
        signposted = factory.Trait(
            status=ReferralStatus.SIGNPOSTED,
            signposted_service=factory.SubFactory(ServiceFactory, kind=ServiceKind.COMMUNITY_OFFER),
            handover_note="Introduced by phone; they will call the person this week",
            destination_confirmed_on=factory.LazyFunction(today),
            closed_on=factory.LazyFunction(today),
        )
        withdrawn = factory.Trait(
            status=ReferralStatus.WITHDRAWN,
            withdrawn_reason="The person has found other support",
            closed_on=factory.LazyFunction(today),
        )
        entered_in_error = factory.Trait(
            status=ReferralStatus.ENTERED_IN_ERROR, closed_on=factory.LazyFunction(today)
        )

    team = factory.SubFactory(TeamFactory)
    person = _person_in_parents_hub()
    service = factory.LazyAttribute(lambda o: hub_team(o.team))
    source = ReferralSource.GP
    referrer_name = "Dr Example"
    received_on = _days_from_today(-3)
    priority = Priority.ROUTINE
    status = ReferralStatus.RECEIVED
    needs = DEFAULT_NEEDS

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        kwargs["needs"] = [
            ReferralNeed(domain=n[0], severity=n[1], own_words=n[2] if len(n) > 2 else "")
            for n in kwargs["needs"]
        ]
        return kwargs


class EpisodeFactory(BaseFactory):
    """An episode as acceptance leaves it: planned, opened today for a referral received 20
    days ago, with the lead worker (a new member of the hub unless given) in the care team.

    `care_team=[users]` adds members alongside the lead; `needs`, `received_on` and
    `opened_on` shape the accepted referral; `referral__<field>` reaches it directly.
    Traits: active (started the day it opened), finished (today)."""

    class Meta:
        model = Episode

    class Params:
        received_on = _days_from_today(-20)
        opened_on = factory.LazyFunction(today)
        needs = DEFAULT_NEEDS
        active = factory.Trait(
            status=EpisodeStatus.ACTIVE, started_on=factory.SelfAttribute("opened_on")
        )
        finished = factory.Trait(
            status=EpisodeStatus.FINISHED,
            started_on=factory.SelfAttribute("opened_on"),
            finished_on=factory.LazyFunction(today),
        )

    team = factory.SubFactory(TeamFactory)
    person = _person_in_parents_hub()
    lead_worker = factory.LazyAttribute(lambda o: team_member(o.team))
    referral = factory.SubFactory(
        ReferralFactory,
        accepted=True,
        team=factory.SelfAttribute("..team"),
        person=factory.SelfAttribute("..person"),
        received_on=factory.SelfAttribute("..received_on"),
        closed_on=factory.SelfAttribute("..opened_on"),
        needs=factory.SelfAttribute("..needs"),
    )
    status = EpisodeStatus.PLANNED
    opened_at = factory.LazyAttribute(lambda o: _at(o.opened_on))

    care_team: Sequence[User] = ()

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        joined = kwargs["opened_at"].date()
        members = (kwargs["lead_worker"], *kwargs["care_team"])
        kwargs["care_team"] = [
            CareTeamMember(user=user, role=user.role, joined_on=joined) for user in members
        ]
        return kwargs


class ContactFactory(BaseFactory):
    """A 30-minute phone call yesterday that reached the person. Trait: not_reached."""

    class Meta:
        model = Contact

    class Params:
        not_reached = factory.Trait(reached=Reached.NO)

    person = factory.SubFactory(PersonFactory)
    worker = factory.SubFactory(UserFactory)
    contact_on = _days_from_today(-1)
    duration_minutes = 30
    mode = ContactMode.PHONE
    reached = Reached.YES


class SignpostingFactory(BaseFactory):
    """A person linked to a community offer today, followed up in 14 days.
    Traits: attended, declined (followed up today)."""

    class Meta:
        model = Signposting

    class Params:
        attended = factory.Trait(
            outcome=SignpostingOutcome.ATTENDED, outcome_on=factory.LazyFunction(today)
        )
        declined = factory.Trait(
            outcome=SignpostingOutcome.DECLINED, outcome_on=factory.LazyFunction(today)
        )

    person = factory.SubFactory(PersonFactory)
    service = factory.SubFactory(ServiceFactory, kind=ServiceKind.COMMUNITY_OFFER)
    worker = factory.SubFactory(UserFactory)
    signposted_on = factory.LazyFunction(today)
    follow_up_on = factory.LazyAttribute(lambda o: o.signposted_on + dt.timedelta(days=14))


class HealthCheckRecordFactory(BaseFactory):
    """One element of the physical health check, done today at the GP practice."""

    class Meta:
        model = HealthCheckRecord

    class Params:
        person = factory.SubFactory(PersonFactory)

    person_id = factory.SelfAttribute("person.id")
    element = HealthCheckElement.BMI
    done_on = factory.LazyFunction(today)
    where_done = "GP practice"
    recorded_by = factory.SubFactory(UserFactory)


def _sending_service(kind: TransitionKind, team: Team) -> Service:
    if kind == TransitionKind.HUB_STEP_DOWN:
        return hub_team(team)
    return ServiceFactory(kind=kind.sending_service_kind)  # type: ignore[no-any-return]


class TransitionFactory(BaseFactory):
    """A step-down from a hub team episode to a community offer, identified, handing over
    in 60 days. `kind=` an Aspire or CAMHS transition goes into a new hub instead (and the
    default sending episode is with that service).

    Traits follow the happy path, each with what the states before it recorded: planning
    (named workers, a joint meeting date), joint_meeting_held, accepted (the receiving
    lead: a new episode in the receiving hub, or a named contact), parallel_support,
    completed; and escalated (declined by the receiver)."""

    class Meta:
        model = Transition

    class Params:
        into_hub = factory.LazyAttribute(lambda o: o.kind.receives_into_hub)
        planning = factory.Trait(
            state=TransitionState.PLANNING,
            sending_worker=factory.SelfAttribute("sending_episode.lead_worker"),
            receiving_worker_name="Sam at the receiving team",
            joint_meeting_on=_days_from_today(10),
        )
        joint_meeting_held = factory.Trait(
            planning=True,
            state=TransitionState.JOINT_MEETING_HELD,
            joint_meeting_held_on=factory.LazyFunction(today),
        )
        accepted = factory.Trait(
            joint_meeting_held=True,
            state=TransitionState.ACCEPTED,
            accepted_at=factory.LazyFunction(utcnow),
            receiving_episode=factory.Maybe(
                "into_hub",
                factory.SubFactory(
                    EpisodeFactory,
                    team=factory.SelfAttribute("..receiving_team"),
                    person=factory.SelfAttribute("..person"),
                    received_on=factory.LazyFunction(today),
                ),
                None,
            ),
            receiving_lead_worker=factory.Maybe(
                "into_hub", factory.SelfAttribute("receiving_episode.lead_worker"), None
            ),
            receiving_lead_name=factory.Maybe("into_hub", None, "Sam at the receiving team"),
        )
        parallel_support = factory.Trait(
            accepted=True,
            state=TransitionState.PARALLEL_SUPPORT,
            overlap_ends_on=_days_from_today(90),
        )
        completed = factory.Trait(
            parallel_support=True,
            state=TransitionState.COMPLETED,
            completed_at=factory.LazyFunction(utcnow),
        )
        escalated = factory.Trait(
            planning=True,
            state=TransitionState.ESCALATED,
            decline_reason="No capacity",
            escalated_at=factory.LazyFunction(utcnow),
            escalation_reason=EscalationReason.DECLINED,
            escalation_count=1,
        )

    kind = TransitionKind.HUB_STEP_DOWN
    state = TransitionState.IDENTIFIED
    sending_episode = factory.SubFactory(
        EpisodeFactory,
        referral__service=factory.LazyAttribute(
            lambda r: _sending_service(r.factory_parent.factory_parent.kind, r.team)
        ),
    )
    person = factory.SelfAttribute("sending_episode.person")
    receiving_team = factory.Maybe("into_hub", factory.SubFactory(TeamFactory), None)
    receiving_service = factory.Maybe(
        "into_hub", None, factory.SubFactory(ServiceFactory, kind=ServiceKind.COMMUNITY_OFFER)
    )
    planned_on = _days_from_today(60)
