"""Directory lists show a page at a time (a region has hundreds of hubs)."""

from __future__ import annotations

from hubs.extensions import db
from tests import factories


def _hub_rows(html: str) -> int:
    return html.count("data-team-id=")


def _service_rows(html: str) -> int:
    return html.count('<tr class="nhsuk-table__row">')


def test_the_hubs_list_shows_25_hubs_a_page(login_as, world):
    for _ in range(28):  # with hub_a and hub_b: 30 hubs
        factories.TeamFactory()
    db.session.commit()
    browser = login_as(world.users["analyst"])
    first = browser.get("/directory/hubs").get_data(as_text=True)
    assert _hub_rows(first) == 25
    assert "Page 2 of 2" in first
    assert _hub_rows(browser.get("/directory/hubs?page=2").get_data(as_text=True)) == 5


def test_the_services_list_shows_25_services_a_page(login_as, world):
    for _ in range(30):
        factories.ServiceFactory()
    db.session.commit()
    html = login_as(world.users["analyst"]).get("/directory/services").get_data(as_text=True)
    assert _service_rows(html) == 25
    assert "page=2" in html
