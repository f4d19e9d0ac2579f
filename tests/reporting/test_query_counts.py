"""The indicator pages issue the same number of SQL statements however many values and
periods are stored (no N+1): a year of months reads like a single month."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.core.types import utcnow
from hubs.extensions import db
from hubs.reporting.models import ActivityType as A
from hubs.reporting.population import Population
from hubs.reporting.refresh import refresh
from tests.caseloads.test_query_counts import statements_for
from tests.reporting.conftest import Events


def _months_of_activity(world, months: int) -> None:  # type: ignore[no-untyped-def]
    events = Events(world.hub_a)
    start = dt.date.today().replace(day=1)
    for m in range(months):
        day = start - dt.timedelta(days=31 * m)
        for kind in (A.EIP_TREATMENT_STARTED, A.FOUR_WEEK_CLOCK_STOPPED, A.DISCHARGED):
            events.add(kind, day, value=10, detail="gp", times=10)
        events.add(A.HEALTH_CHECK_ELEMENT, day, detail="bmi", times=10)
        events.add(A.EIP_TREATMENT_STARTED, day, value=3, team=world.hub_b, times=10)
    events.save()
    refresh(db.session, utcnow(), Population())


@pytest.mark.parametrize(
    "path",
    [
        "/reporting/",
        "/reporting/?breakdown=sex&period=quarter",
        "/reporting/indicators/eip_two_weeks",
        "/reporting/board-pack/timely_access",
    ],
)
def test_indicator_pages_read_a_bounded_number_of_statements(db, login_as, world, path):
    browser = login_as(world.users["analyst"])
    _months_of_activity(world, 1)
    one_month = statements_for(browser, path)
    _months_of_activity(world, 12)
    assert statements_for(browser, path) == one_month
