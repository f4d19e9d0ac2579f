"""A caseload page shows 25 people at a time (the whole caseload is still counted and sorted)."""

from __future__ import annotations

import datetime as dt
import re

from hubs.extensions import db
from tests.builders import caseload

RECEIVED = dt.date.today() - dt.timedelta(days=30)


def _rows(html: str) -> int:
    return len(re.findall(r'href="/support/people/\d+"', html))


def test_a_caseload_of_30_shows_25_people_then_the_other_5(login_as, world):
    connector = world.users["vcse_worker"]
    caseload(world.hub_a, connector, 30, received_on=RECEIVED, with_records=False)
    db.session.commit()
    browser = login_as(connector)
    first = browser.get("/caseloads/").get_data(as_text=True)
    assert "30 people" in first and _rows(first) == 25
    assert "page=2" in first and "Page 2 of 2" in first
    second = browser.get("/caseloads/?page=2").get_data(as_text=True)
    assert _rows(second) == 5


def test_a_page_past_the_end_shows_the_last_page(login_as, world):
    connector = world.users["vcse_worker"]
    caseload(world.hub_a, connector, 3, received_on=RECEIVED, with_records=False)
    db.session.commit()
    html = login_as(connector).get("/caseloads/?page=9").get_data(as_text=True)
    assert _rows(html) == 3


def test_the_hub_view_shows_its_workers_25_a_page(login_as, world):
    from hubs.staff.models import StaffRole
    from tests import factories

    for _ in range(30):
        nurse = factories.UserFactory(role=StaffRole.MENTAL_HEALTH_NURSE, organisation=world.trust)
        factories.TeamMembershipFactory(user=nurse, team=world.hub_a)
    db.session.commit()
    browser = login_as(world.users["manager"])
    first = browser.get(f"/caseloads/teams/{world.hub_a.id}").get_data(as_text=True)
    assert first.count('href="/caseloads/workers/') == 25
    assert "Page 2 of 2" in first
    second = browser.get(f"/caseloads/teams/{world.hub_a.id}?page=2").get_data(as_text=True)
    assert 0 < second.count('href="/caseloads/workers/') < 25
