"""Caseload fixtures: referrals recorded through the real intake service (the `allocated`
episode comes from tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.referrals import services
from hubs.referrals.models import NeedDomain, Priority, Referral, ReferralSource, Severity
from tests import factories


@pytest.fixture
def make_referral(world) -> Callable[..., Referral]:  # type: ignore[no-untyped-def]
    factories.hub_team(world.hub_a)
    factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_b)

    def _make(person=None, actor=None, received_on=None) -> Referral:  # type: ignore[no-untyped-def]
        data = services.ReferralInput(
            source=ReferralSource.GP,
            referrer_name="Dr Example",
            received_on=received_on or dt.date.today() - dt.timedelta(days=3),
            priority=Priority.ROUTINE,
            needs=[services.NeedInput(NeedDomain.ACCOMMODATION, Severity.HIGH, "Housing")],
            confirm_duplicate=True,
        )
        referral = services.receive_referral(
            db.session, actor or world.users["clinician"], person or world.person_a, data
        )
        db.session.flush()
        return referral

    return _make
