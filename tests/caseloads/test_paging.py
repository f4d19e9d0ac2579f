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
