"""Care plan fixtures: person_a's episode in hub_a, accepted with the clinician as lead."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.extensions import db
from hubs.referrals.models import Episode, NeedDomain, Severity
from tests import factories


@pytest.fixture
def episode(world) -> Episode:
    found = factories.EpisodeFactory(
        team=world.hub_a,
        person=world.person_a,
        lead_worker=world.users["clinician"],
        received_on=dt.date.today() - dt.timedelta(days=10),
        needs=[(NeedDomain.ACCOMMODATION, Severity.HIGH, "My flat")],
    )
    db.session.commit()
    return found
