"""Whole caseloads made with the factories, and the contact the support services are given.

A 200-person caseload is rows written directly (flushed, never committed), so it takes a
moment, not minutes. Everything is fictional.
"""

from __future__ import annotations

import datetime as dt

from hubs.directory.models import Service, ServiceKind, Team
from hubs.people.models import Person
from hubs.referrals.models import Episode, NeedDomain, Severity
from hubs.staff.models import User
from hubs.support import services as support_services
from hubs.support.models import ContactMode, Reached
from hubs.trackers.models import HealthCheckElement
from tests import factories

#: How long before today person_a's referral in the `allocated` fixture was received.
RECEIVED_DAYS_AGO = 20


def caseload(
    team: Team,
    worker: User,
    count: int,
    *,
    lead: User | None = None,
    received_on: dt.date,
    with_records: bool = True,
) -> list[Episode]:
    """`count` people accepted into `hub` on `received_on`, each with `worker` in the care
    team (as lead unless `lead` is given), and each with contacts, health checks and a
    signposting."""
    practice = factories.practice_of(team)
    offer = factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER)
    episodes = []
    for n in range(count):
        person = factories.PersonFactory(gp_practice=practice)
        episode = factories.EpisodeFactory(
            team=team,
            person=person,
            lead_worker=lead or worker,
            care_team=[worker] if lead else [],
            received_on=received_on,
            opened_on=received_on,
            needs=[(NeedDomain.MENTAL_HEALTH, list(Severity)[n % 3])],
            active=True,
        )
        episodes.append(episode)
        if with_records:
            _records(person, worker, offer, received_on)
    return episodes


def _records(person: Person, worker: User, offer: Service, day: dt.date) -> None:
    for offset, next_on in ((1, None), (8, day + dt.timedelta(days=20))):
        factories.ContactFactory(
            person=person,
            worker=worker,
            contact_on=day + dt.timedelta(days=offset),
            next_contact_on=next_on,
        )
    for element in list(HealthCheckElement)[:3]:
        factories.HealthCheckRecordFactory(
            person=person, element=element, done_on=day, recorded_by=worker
        )
    factories.SignpostingFactory(
        person=person,
        service=offer,
        worker=worker,
        signposted_on=day,
        follow_up_on=day + dt.timedelta(days=1),
    )


def contact_input(days_ago: int = 1, **overrides: object) -> support_services.ContactInput:
    values: dict[str, object] = {
        "contact_on": dt.date.today() - dt.timedelta(days=days_ago),
        "duration_minutes": 45,
        "mode": ContactMode.FACE_TO_FACE,
        "reached": Reached.YES,
    }
    values.update(overrides)
    return support_services.ContactInput(**values)  # type: ignore[arg-type]
