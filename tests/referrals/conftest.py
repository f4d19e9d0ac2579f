"""Referral fixtures: the shared world plus hub team services and a few named services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.referrals import services
from hubs.referrals.models import NeedDomain, Priority, Referral, ReferralSource, Severity
from tests import factories


@dataclass
class Services:
    hub_a_team: Service
    hub_b_team: Service
    aspire: Service
    crisis: Service


@pytest.fixture
def named_services(world) -> Services:
    return Services(
        hub_a_team=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_a),
        hub_b_team=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_b),
        aspire=factories.ServiceFactory(kind=ServiceKind.EARLY_INTERVENTION, name="Aspire"),
        crisis=factories.ServiceFactory(kind=ServiceKind.CRISIS, name="Dial House"),
    )


def referral_input(**overrides: object) -> services.ReferralInput:
    values: dict[str, object] = {
        "source": ReferralSource.GP,
        "referrer_name": "Dr Example",
        "received_on": dt.date.today() - dt.timedelta(days=3),
        "priority": Priority.ROUTINE,
        "needs": [
            services.NeedInput(NeedDomain.ACCOMMODATION, Severity.HIGH, "I might lose my flat")
        ],
        "what_matters": "Keeping my home",
    }
    values.update(overrides)
    return services.ReferralInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_referral(world, named_services):
    """Record a referral for a person through the real intake service."""

    def _make(person=None, actor=None, **overrides: object) -> Referral:
        overrides.setdefault("confirm_duplicate", True)
        referral = services.receive_referral(
            db.session,
            actor or world.users["clinician"],
            person or world.person_a,
            referral_input(**overrides),
        )
        db.session.flush()
        return referral

    return _make
