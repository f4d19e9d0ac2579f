"""Support fixtures: person_a accepted into hub_a (nurse leading, connector in the care team)."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, ReferralSource, Severity
from hubs.support import services
from hubs.support.models import ContactMode, Reached
from tests import factories

RECEIVED_DAYS_AGO = 20


@pytest.fixture
def allocated(world) -> Episode:
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


def contact_input(days_ago: int = 1, **overrides: object) -> services.ContactInput:
    values: dict[str, object] = {
        "contact_on": dt.date.today() - dt.timedelta(days=days_ago),
        "duration_minutes": 45,
        "mode": ContactMode.FACE_TO_FACE,
        "reached": Reached.YES,
    }
    values.update(overrides)
    return services.ContactInput(**values)  # type: ignore[arg-type]
