"""Caseload fixtures: person_a accepted into hub_a with the connector in the care team."""

from __future__ import annotations

import pytest

from hubs.referrals.models import Episode
from tests.builders import allocate_person_a


@pytest.fixture
def allocated(world) -> Episode:
    return allocate_person_a(world)


@pytest.fixture
def make_referral(world):  # type: ignore[no-untyped-def]
    """Record a referral for a person through the real intake service."""
    from hubs.directory.models import ServiceKind
    from hubs.extensions import db
    from hubs.referrals import services
    from hubs.referrals.models import NeedDomain, Priority, ReferralSource, Severity
    from tests import factories
    from tests.builders import hub_team

    hub_team(world.hub_a)
    factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, hub=world.hub_b)

    def _make(person=None, actor=None, **overrides):  # type: ignore[no-untyped-def]
        values = {
            "source": ReferralSource.GP,
            "referrer_name": "Dr Example",
            "received_on": overrides.pop("received_on", None),
            "priority": Priority.ROUTINE,
            "needs": [services.NeedInput(NeedDomain.ACCOMMODATION, Severity.HIGH, "Housing")],
            "confirm_duplicate": True,
        }
        if values["received_on"] is None:
            import datetime as dt

            values["received_on"] = dt.date.today() - dt.timedelta(days=3)
        referral = services.receive_referral(
            db.session,
            actor or world.users["clinician"],
            person or world.person_a,
            services.ReferralInput(**values),  # type: ignore[arg-type]
        )
        db.session.flush()
        return referral

    return _make
