"""Notification fixtures: referrals through the real services, people who chose messages."""

from __future__ import annotations

import pytest

from hubs.extensions import db
from hubs.notifications import services
from hubs.people.models import ContactPreference
from tests.referrals.conftest import make_referral, named_services, referral_input

__all__ = ["make_referral", "named_services", "referral_input"]


@pytest.fixture
def texting_person(world):
    """person_a has chosen text messages (a fictional drama-range number)."""
    services.set_contact_preference(
        db.session,
        None,
        world.person_a,
        preference=ContactPreference.SMS,
        mobile_phone="07700 900123",
    )
    db.session.flush()
    return world.person_a
