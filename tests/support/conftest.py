"""Support fixtures: person_a accepted into hub_a (nurse leading, connector in the care team)."""

from __future__ import annotations

import pytest

from hubs.referrals.models import Episode
from tests.builders import allocate_person_a


@pytest.fixture
def allocated(world) -> Episode:
    return allocate_person_a(world)
