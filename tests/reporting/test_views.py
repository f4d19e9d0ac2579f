"""Indicator pages: who sees what, filters applied in the query, suppressed figures only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.types import today
from hubs.reporting.indicator_models import IndicatorValue
from hubs.reporting.indicators import INDICATORS
from hubs.reporting.models import ActivityType as A
from tests.conftest import csrf_token
from tests.reporting.conftest import Events

THIS_MONTH = today().replace(day=1)


def _activity(world, db) -> None:  # type: ignore[no-untyped-def]
    """EIP starts this month: hub A 15 men in time and 5 women late; hub B 10 men and 10
    women in time. Hub A's 5 women are hidden, so (by the lone-cell rule) are its 15 men,
    and, to protect them against the city's figures, hub B's men and women too."""
    events = Events(world.hub_a)
    events.add(A.EIP_TREATMENT_STARTED, THIS_MONTH, value=5, sex="male", times=15)
    events.add(A.EIP_TREATMENT_STARTED, THIS_MONTH, value=30, sex="female", times=5)
    events.add(A.EIP_TREATMENT_STARTED, THIS_MONTH, value=3, team=world.hub_b, times=10)
    events.add(A.EIP_TREATMENT_STARTED, THIS_MONTH, value=3, team=world.hub_b, sex="male", times=10)
    events.save()
    from hubs.reporting.population import Population
    from hubs.reporting.refresh import refresh

    refresh(db.session, dt.datetime.now(dt.UTC), Population())
    db.session.commit()


def _html(browser, path: str) -> str:  # type: ignore[no-untyped-def]
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_analyst_starts_on_the_indicators_and_navigates_only_reporting(login_as, world):
    browser = login_as(world.users["analyst"])
    assert browser.get("/").headers["Location"].endswith("/reporting/")
    html = _html(browser, "/reporting/")
    nav = re.search(r'<nav class="nhsuk-header__navigation.*?</nav>', html, re.S)
    assert nav is not None
    links = set(re.findall(r'href="([^"]+)"', nav.group(0)))
    assert links == {"/reporting/", "/reporting/board-pack"}


@pytest.mark.parametrize("path", ["/people/", "/caseloads/", "/referrals/"])
def test_analyst_can_never_reach_a_person_page(login_as, world, path):
    browser = login_as(world.users["analyst"])
    assert browser.get(path).status_code == 403
    assert browser.get(f"/people/{world.person_a.id}").status_code == 403


def test_empty_dashboard_explains_how_values_appear(login_as, world):
    html = _html(login_as(world.users["analyst"]), "/reporting/")
    assert "No indicator values yet" in html
    assert "Refresh now" in html


def test_analyst_dashboard_shows_each_indicator_with_chart_table_and_rag(db, login_as, world):
    _activity(world, db)
    html = _html(login_as(world.users["analyst"]), "/reporting/")
    assert html.count('class="nhsuk-card app-indicator-card"') == len(INDICATORS)
    card = html[html.index('id="card-eip_two_weeks"') :]
    card = card[: card.index('<div class="nhsuk-card app-indicator-card"', 10)]
    assert "<svg" in card and 'role="img"' in card
    assert "87.5%" in card and "35 of 40" in card
    assert "On target" in card and "at least 60.0%" in card


def test_manager_sees_their_own_hub_against_the_city(db, login_as, world):
    _activity(world, db)
    html = _html(login_as(world.users["manager"]), "/reporting/")
    assert world.hub_a.name in html
    assert "Whole city: 87.5%" in html
    options = re.findall(
        r'<option value="([^"]+)"', html.split('id="area"')[1].split("</select>")[0]
    )
    assert options == ["city", world.hub_a.neighbourhood.code]
    # Hub A alone: 15 of 20 in time.
    assert "75.0%" in html


def test_manager_gets_404_for_a_hub_they_do_not_manage(login_as, world):
    browser = login_as(world.users["manager"])
    assert browser.get(f"/reporting/?area={world.hub_b.code}").status_code == 404
    path = f"/reporting/indicators/eip_two_weeks?area={world.hub_b.code}"
    assert browser.get(path).status_code == 404


def test_analyst_filters_by_hub_period_and_breakdown_in_the_query(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    html = _html(browser, f"/reporting/?area={world.hub_a.code}&period=quarter&breakdown=sex")
    card = html[html.index('id="card-eip_two_weeks"') :]
    start = card.index('id="breakdown-eip_two_weeks"')
    table = card[start : card.index("</table>", start)]
    assert " Q" in table  # a financial quarter label in the caption
    # Hub A's 5 women (and so its 15 men) are hidden; the city's are shown.
    assert "0 of *" in table and "15 of *" in table
    assert "25 of 25" in table and "10 of 15" in table
    assert "of 5<" not in table


def test_hidden_counts_are_stars_on_every_page(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    hub_a = world.hub_a.neighbourhood.code
    for path in (
        f"/reporting/?area={hub_a}&breakdown=sex",
        f"/reporting/indicators/eip_two_weeks?area={hub_a}&breakdown=sex",
    ):
        html = _html(browser, path)
        assert "15 of *" in html and "of 5<" not in html


def test_indicator_page_has_definition_trend_breakdowns_and_exports(db, login_as, world):
    _activity(world, db)
    html = _html(login_as(world.users["analyst"]), "/reporting/indicators/eip_two_weeks")
    assert "NICE-recommended package" in html
    assert 'id="trend-eip_two_weeks"' in html
    assert 'id="breakdown-sex"' in html and 'id="breakdown-ethnic_group"' in html
    assert "/reporting/indicators/eip_two_weeks/export.csv" in html


def test_unknown_indicator_answers_404(login_as, world):
    assert login_as(world.users["analyst"]).get("/reporting/indicators/nope").status_code == 404


def test_refresh_now_recomputes_and_is_audited(db, login_as, world):
    events = Events(world.hub_a)
    events.add(A.IPS_REFERRAL, THIS_MONTH, times=10)
    events.save()
    db.session.commit()
    browser = login_as(world.users["analyst"])
    response = browser.post(
        "/reporting/refresh", data={"csrf_token": csrf_token(browser, "/reporting/")}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(IndicatorValue.id))) > 0
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "indicators.refresh")
    ).one()
    assert audit.person_id is None and audit.actor_user_id == world.users["analyst"].id


def test_pages_carry_no_inline_script_or_style(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    for path in ("/reporting/", "/reporting/indicators/smi_health_check", "/reporting/board-pack"):
        html = _html(browser, path)
        assert " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
