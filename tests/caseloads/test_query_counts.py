"""Every main page issues the same number of SQL statements for 5 people as for 200 (no N+1).

Statements are counted with a `before_cursor_execute` listener on the connection the `db`
fixture shares with the app, so the count covers everything a request does: session check,
reads, the audit row. Counts are compared, never timed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.referrals.models import NeedDomain, Severity
from tests import factories
from tests.builders import caseload
from tests.helpers.db import counting_statements

SMALL, LARGE = 5, 200
RECEIVED = dt.date.today() - dt.timedelta(days=60)


def statements_for(browser, path: str) -> int:  # type: ignore[no-untyped-def]
    with counting_statements() as statements:  # on the connection shared with requests
        response = browser.get(path)
    assert response.status_code == 200, f"{path}: {response.status}"
    return len(statements)


def same_count_for_5_and_200(
    browser,
    path: Callable[[], str],
    grow: Callable[[int], None],  # type: ignore[no-untyped-def]
) -> tuple[int, int]:
    grow(SMALL)
    db.session.commit()
    browser.get(path())  # warm up: first-request work is not what we measure
    small = statements_for(browser, path())
    grow(LARGE - SMALL)
    db.session.commit()
    large = statements_for(browser, path())
    return small, large


def _waiting(world, count: int) -> None:  # type: ignore[no-untyped-def]
    """Open referrals to hub_a, for the waiting list."""
    factories.ReferralFactory.create_batch(
        count,
        team=world.hub_a,
        received_on=RECEIVED,
        needs=[(NeedDomain.ACCOMMODATION, Severity.LOW)],
    )


@pytest.fixture
def grow_connector_caseload(world):  # type: ignore[no-untyped-def]
    """People led by the nurse with the connector in their care team, plus waiting referrals."""

    def grow(count: int) -> None:
        caseload(
            world.hub_a,
            world.users["vcse_worker"],
            count,
            lead=world.users["clinician"],
            received_on=RECEIVED,
        )
        _waiting(world, count)

    return grow


PAGES = {
    "my-caseload": ("vcse_worker", lambda w: "/caseloads/"),
    "my-caseload-api": ("vcse_worker", lambda w: "/api/v1/caseloads/me"),
    "workers-caseload": ("manager", lambda w: f"/caseloads/workers/{w.users['vcse_worker'].id}"),
    "hub-view": ("manager", lambda w: f"/caseloads/teams/{w.hub_a.id}"),
    "hub-view-api": ("manager", lambda w: f"/api/v1/caseloads/teams/{w.hub_a.id}"),
    "reassign": (
        "manager",
        lambda w: f"/caseloads/teams/{w.hub_a.id}/reassign?from={w.users['vcse_worker'].id}",
    ),
    "contacts-api": ("vcse_worker", lambda w: "/api/v1/contacts/"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_caseload_pages_issue_the_same_statements_for_5_and_200_people(
    login_as, world, grow_connector_caseload, page
):
    role, path = PAGES[page]
    browser = login_as(world.users[role])
    small, large = same_count_for_5_and_200(browser, lambda: path(world), grow_connector_caseload)
    assert small == large, f"{page}: {small} statements for {SMALL} people, {large} for {LARGE}"


def test_the_connectors_caseload_really_holds_200_people(login_as, world, grow_connector_caseload):
    # The control for the counts above: the pages were measured on full caseloads.
    grow_connector_caseload(LARGE)
    data = login_as(world.users["vcse_worker"]).get("/api/v1/caseloads/me").get_json()
    assert data["count"] == LARGE


def test_support_log_page_issues_the_same_statements_for_5_and_200_contacts(login_as, world):
    connector = world.users["vcse_worker"]
    [episode] = caseload(world.hub_a, connector, 1, received_on=RECEIVED)
    person = episode.person

    def grow(count: int) -> None:
        for n in range(count):
            factories.ContactFactory(
                person=person,
                worker=connector,
                contact_on=RECEIVED + dt.timedelta(days=n % 50),
                duration_minutes=20,
            )

    small, large = same_count_for_5_and_200(
        login_as(connector), lambda: f"/support/people/{person.id}", grow
    )
    assert small == large


def test_offer_search_issues_the_same_statements_for_5_and_200_offers(login_as, world):
    def grow(count: int) -> None:
        for _ in range(count):
            factories.ServiceFactory(
                kind=ServiceKind.COMMUNITY_OFFER, neighbourhood=world.hub_a.neighbourhood
            )

    small, large = same_count_for_5_and_200(
        login_as(world.users["vcse_worker"]),
        lambda: f"/support/offers?neighbourhood={world.hub_a.neighbourhood.id}",
        grow,
    )
    assert small == large
