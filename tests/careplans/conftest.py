"""Care plan fixtures: an accepted referral gives person_a an episode with the clinician as lead."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, NeedDomain, Priority, ReferralSource, Severity
from tests import factories


@pytest.fixture
def episode(world) -> Episode:
    factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, hub=world.hub_a)
    nurse = world.users["clinician"]
    referral = referral_services.receive_referral(
        db.session,
        nurse,
        world.person_a,
        referral_services.ReferralInput(
            source=ReferralSource.GP,
            referrer_name="Dr Example",
            received_on=dt.date.today() - dt.timedelta(days=10),
            priority=Priority.ROUTINE,
            needs=[referral_services.NeedInput(NeedDomain.ACCOMMODATION, Severity.HIGH, "My flat")],
        ),
    )
    referral_services.triage(
        db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE
    )
    found = referral_services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    db.session.commit()
    return found
