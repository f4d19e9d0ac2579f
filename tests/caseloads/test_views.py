"""Caseload pages and API: who sees what, the weighting shown, the chart and its table."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from markupsafe import escape

from hubs.extensions import db
from hubs.referrals.models import Episode, NeedDomain, Severity
from tests import factories
from tests.conftest import csrf_token
from tests.helpers.web import mentions_path

RECEIVED = dt.date.today() - dt.timedelta(days=30)


def _episode(world, lead, team=None, care_team=(), severity=Severity.MODERATE):  # type: ignore[no-untyped-def]
    return factories.EpisodeFactory(
        team=team or world.hub_a,
        lead_worker=lead,
        care_team=care_team,
        received_on=RECEIVED,
        opened_on=RECEIVED,
        needs=[(NeedDomain.MENTAL_HEALTH, severity)],
    )


def test_connector_caseload_lists_only_people_allocated_to_them(login_as, world):
    connector = world.users["vcse_worker"]
    mine = _episode(world, world.users["clinician"], care_team=[connector])
    theirs = _episode(world, world.users["clinician"])
    html = login_as(connector).get("/caseloads/").get_data(as_text=True)
    assert str(escape(mine.person.family_name)) in html
    assert not mentions_path(html, f"/people/{theirs.person_id}")
    assert f'action="/support/people/{mine.person_id}/contacts/quick"' in html


def test_empty_caseload_says_how_people_arrive_on_it(login_as, world):
    html = login_as(world.users["vcse_worker"]).get("/caseloads/").get_data(as_text=True)
    assert "Nobody is allocated to you yet" in html


def test_caseload_can_be_filtered_by_flag(login_as, world):
    connector = world.users["vcse_worker"]
    episode = _episode(world, connector)
    browser = login_as(connector)
    flagged = browser.get("/caseloads/?flag=no_recent_contact").get_data(as_text=True)
    assert str(escape(episode.person.family_name)) in flagged  # accepted 30 days ago, no contact
    assert mentions_path(flagged, f"/people/{episode.person_id}")
    clear = browser.get("/caseloads/?flag=review_overdue").get_data(as_text=True)
    assert not mentions_path(clear, f"/people/{episode.person_id}")
    assert "Nobody on this caseload" in clear


def test_manager_sees_the_hub_they_manage_and_gets_404_for_another(login_as, world):
    browser = login_as(world.users["manager"])
    assert browser.get(f"/caseloads/teams/{world.hub_a.id}").status_code == 200
    assert browser.get(f"/caseloads/teams/{world.hub_b.id}").status_code == 404
    assert browser.get(f"/caseloads/teams/{world.hub_b.id}/reassign").status_code == 404
    assert browser.get(f"/api/v1/caseloads/teams/{world.hub_b.id}").status_code == 404


def test_manager_gets_404_for_the_caseload_of_a_worker_in_another_hub(login_as, world):
    browser = login_as(world.users["manager"])
    other = world.users["other_hub_clinician"]
    assert browser.get(f"/caseloads/workers/{world.users['clinician'].id}").status_code == 200
    assert browser.get(f"/caseloads/workers/{other.id}").status_code == 404
    assert browser.get(f"/api/v1/caseloads/workers/{other.id}").status_code == 404


def test_hub_caseloads_redirect_a_manager_of_one_hub_straight_to_it(login_as, world):
    response = login_as(world.users["manager"]).get("/caseloads/teams/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/caseloads/teams/{world.hub_a.id}")


def test_hub_page_states_the_weighting_and_shows_the_chart_with_the_same_numbers_in_a_table(
    app, login_as, world
):
    nurse = world.users["clinician"]
    _episode(world, nurse, severity=Severity.HIGH)
    _episode(world, nurse, severity=Severity.LOW)
    _episode(world, world.users["other_hub_clinician"], team=world.hub_b)
    app.config["CASELOAD_WEIGHTS"] = {"high": 4, "moderate": 2, "low": 1}
    try:
        html = login_as(world.users["manager"]).get(f"/caseloads/teams/{world.hub_a.id}")
    finally:
        app.config["CASELOAD_WEIGHTS"] = {"high": 3, "moderate": 2, "low": 1}
    page = html.get_data(as_text=True)
    assert "Each person counts by their highest need: high 4, moderate 2, low 1." in page
    svg = re.search(r'<svg class="app-chart" id="caseload-chart".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and nurse.display_name in svg
    row = re.search(rf"{re.escape(nurse.display_name)}</a>.*?</tr>", page, re.S).group(0)
    cells = re.findall(r'nhsuk-table__cell--numeric">(.*?)</td>', row)
    assert cells[:2] == ["2", "5"]  # two people, weighted 4 + 1
    other = world.users["other_hub_clinician"]
    assert not mentions_path(page, f"/caseloads/workers/{other.id}")
    # and not in the chart either: one bar label per worker in the table
    labels = re.findall(r'class="app-chart__label"[^>]*text-anchor="end"', svg)
    assert len(labels) == len(set(re.findall(r'href="/caseloads/workers/(\d+)"', page)))


def test_hub_page_says_what_to_do_when_nobody_is_waiting(login_as, world):
    html = login_as(world.users["manager"]).get(f"/caseloads/teams/{world.hub_a.id}")
    assert "Nobody is waiting" in html.get_data(as_text=True)


def test_manager_moves_people_between_workers_from_the_page(login_as, world):
    nurse, connector = world.users["clinician"], world.users["vcse_worker"]
    episodes = [_episode(world, nurse) for _ in range(2)]
    browser = login_as(world.users["manager"])
    form = browser.get(f"/caseloads/teams/{world.hub_a.id}/reassign?from={nurse.id}")
    assert all(f'value="{e.id}"' in form.get_data(as_text=True) for e in episodes)
    response = browser.post(
        f"/caseloads/teams/{world.hub_a.id}/reassign",
        data={
            "csrf_token": csrf_token(browser, "/account/password"),
            "from_user_id": str(nurse.id),
            "to_user_id": str(connector.id),
            "episode_ids": [str(e.id) for e in episodes],
            "reason": "Rebalancing by need",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    leads = db.session.scalars(
        sa.select(Episode.lead_worker_id).where(Episode.id.in_([e.id for e in episodes]))
    )
    assert set(leads) == {connector.id}


def test_a_refused_bulk_move_shows_the_error_and_moves_nobody(login_as, world):
    nurse = world.users["clinician"]
    mine = _episode(world, nurse)
    not_mine = _episode(world, world.users["vcse_worker"])
    browser = login_as(world.users["manager"])
    response = browser.post(
        f"/caseloads/teams/{world.hub_a.id}/reassign",
        data={
            "csrf_token": csrf_token(browser, "/account/password"),
            "from_user_id": str(nurse.id),
            "to_user_id": str(world.users["hub_admin"].id),
            "episode_ids": [str(mine.id), str(not_mine.id)],
            "reason": "Rebalancing",
        },
    )
    assert response.status_code == 422
    assert "Nobody has been moved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Episode, mine.id).lead_worker_id == nurse.id


def test_caseload_api_gives_the_weighting_flags_and_entries(login_as, world):
    connector = world.users["vcse_worker"]
    _episode(world, connector, severity=Severity.HIGH)
    data = login_as(connector).get("/api/v1/caseloads/me").get_json()
    assert data["count"] == 1 and data["weighted"] == 3
    assert data["weighting"]["weights"] == {"low": 1, "moderate": 2, "high": 3}
    [entry] = data["entries"]
    assert entry["highest_need"] == "high" and "no_recent_contact" in entry["flags"]
    assert entry["care_plan_review"] == {"state": "none", "review_due_on": None}


def test_hub_api_is_refused_to_a_connector(login_as, world):
    response = login_as(world.users["vcse_worker"]).get(f"/api/v1/caseloads/teams/{world.hub_a.id}")
    assert response.status_code == 403
