"""Builders for support and caseload tests: accepted episodes and whole caseloads, fast.

Single records in rule tests go through the real services; these build many rows directly
with the ORM (flushed, never committed) so a 200-person caseload takes a moment, not minutes.
Everything is fictional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from hubs.directory.models import GpPractice, Hub, Service, ServiceKind
from hubs.extensions import db
from hubs.people.models import Person
from hubs.referrals import services as referral_services
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
from hubs.support import services as support_services
from hubs.support.models import Contact, ContactMode, Reached, Signposting
from hubs.trackers.models import HealthCheckElement, HealthCheckRecord
from tests import factories

RECEIVED_DAYS_AGO = 20


def hub_team(hub: Hub) -> Service:
    found = db.session.scalar(
        sa.select(Service).where(Service.hub_id == hub.id, Service.kind == ServiceKind.HUB_TEAM)
    )
    return found or factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, hub=hub)


def practice_of(hub: Hub) -> GpPractice:
    found = db.session.scalar(sa.select(GpPractice).where(GpPractice.lcp_id == hub.lcp_id))
    return found or factories.GpPracticeFactory(lcp=hub.lcp)


def accepted_episode(
    hub: Hub,
    person: Person,
    lead: User,
    *,
    received_on: dt.date,
    needs: Sequence[tuple[NeedDomain, Severity]] = ((NeedDomain.FRIENDSHIPS, Severity.MODERATE),),
    team: Sequence[User] = (),
    status: EpisodeStatus = EpisodeStatus.PLANNED,
    opened_on: dt.date | None = None,
) -> Episode:
    """A referral accepted into `hub` with `lead` as lead worker and `team` alongside."""
    referral = Referral(
        person_id=person.id,
        hub_id=hub.id,
        service_id=hub_team(hub).id,
        source=ReferralSource.GP,
        referrer_name="Dr Example (fictional)",
        received_on=received_on,
        priority=Priority.ROUTINE,
        status=ReferralStatus.ACCEPTED,
        closed_on=opened_on or received_on,
        needs=[ReferralNeed(domain=d, severity=s, own_words="") for d, s in needs],
    )
    db.session.add(referral)
    db.session.flush()
    opened = opened_on or received_on
    episode = Episode(
        referral_id=referral.id,
        person_id=person.id,
        hub_id=hub.id,
        lead_worker_id=lead.id,
        status=status,
        opened_at=dt.datetime.combine(opened, dt.time(9), tzinfo=dt.UTC),
        started_on=opened if status == EpisodeStatus.ACTIVE else None,
    )
    db.session.add(episode)
    db.session.flush()
    for member in (lead, *team):
        db.session.add(
            CareTeamMember(
                episode_id=episode.id, user_id=member.id, role=member.role, joined_on=opened
            )
        )
    db.session.flush()
    return episode


def caseload(
    hub: Hub,
    worker: User,
    count: int,
    *,
    lead: User | None = None,
    received_on: dt.date,
    with_records: bool = True,
) -> list[Episode]:
    """`count` people accepted into `hub`, each with `worker` in the care team (as lead
    unless `lead` is given), and each with contacts, health checks and a signposting."""
    practice = practice_of(hub)
    offer = factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER)
    severities = list(Severity)
    episodes = []
    for n in range(count):
        person = factories.PersonFactory(gp_practice=practice)
        needs = [(NeedDomain.MENTAL_HEALTH, severities[n % 3])]
        episode = accepted_episode(
            hub,
            person,
            lead or worker,
            received_on=received_on,
            needs=needs,
            team=[worker] if lead else [],
            status=EpisodeStatus.ACTIVE,
        )
        episodes.append(episode)
        if with_records:
            _records(person, worker, offer, received_on)
    db.session.flush()
    return episodes


def _records(person: Person, worker: User, offer: Service, day: dt.date) -> None:
    for offset, next_on in ((1, None), (8, day + dt.timedelta(days=20))):
        db.session.add(
            Contact(
                person_id=person.id,
                worker_id=worker.id,
                contact_on=day + dt.timedelta(days=offset),
                duration_minutes=30,
                mode=ContactMode.PHONE,
                reached=Reached.YES,
                next_contact_on=next_on,
            )
        )
    for element in list(HealthCheckElement)[:3]:
        db.session.add(
            HealthCheckRecord(
                person_id=person.id,
                element=element,
                done_on=day,
                where_done="GP practice",
                recorded_by_id=worker.id,
            )
        )
    db.session.add(
        Signposting(
            person_id=person.id,
            service_id=offer.id,
            worker_id=worker.id,
            signposted_on=day,
            follow_up_on=day + dt.timedelta(days=1),
        )
    )


def allocate_person_a(world) -> Episode:  # type: ignore[no-untyped-def]
    """person_a referred 20 days ago, accepted by the nurse, with the connector in the team."""
    nurse = world.users["clinician"]
    factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, hub=world.hub_a)
    referral = referral_services.receive_referral(
        db.session,
        nurse,
        world.person_a,
        referral_services.ReferralInput(
            source=ReferralSource.GP,
            referrer_name="Dr Example",
            received_on=dt.date.today() - dt.timedelta(days=RECEIVED_DAYS_AGO),
            priority=Priority.ROUTINE,
            needs=[referral_services.NeedInput(NeedDomain.FRIENDSHIPS, Severity.HIGH, "Lonely")],
        ),
    )
    referral_services.triage(
        db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE
    )
    episode = referral_services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    referral_services.add_to_care_team(db.session, episode, world.users["vcse_worker"])
    db.session.flush()
    return episode


def contact_input(days_ago: int = 1, **overrides: object) -> support_services.ContactInput:
    values: dict[str, object] = {
        "contact_on": dt.date.today() - dt.timedelta(days=days_ago),
        "duration_minutes": 45,
        "mode": ContactMode.FACE_TO_FACE,
        "reached": Reached.YES,
    }
    values.update(overrides)
    return support_services.ContactInput(**values)  # type: ignore[arg-type]
