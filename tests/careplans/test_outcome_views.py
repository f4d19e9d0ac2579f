"""Outcome measure pages: chart and table agree, forms refuse bad input and save nothing,
"more help" answers become goals once, each role sees what it may, and the portal shows a
person only their own scores."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from hubs.careplans import services as plan_services
from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.people.models import ConsentSection
from hubs.people.services import grant_consent
from hubs.referrals import services as referral_services
from hubs.referrals.models import ClockEvent
from tests.careplans.test_outcome_matrix import (
    DIALOG_KEYS,
    REQOL_KEYS,
    dialog_answers,
    make_episode,
    record,
)
from tests.conftest import csrf_token
from tests.helpers.db import count_rows

TODAY = dt.date.today()


@pytest.fixture
def episode(world):
    return make_episode(world)


def _page(browser, episode) -> str:  # type: ignore[no-untyped-def]
    response = browser.get(f"/episodes/{episode.id}/outcomes")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _shows(html: str, value: str) -> bool:
    """A score in a table cell or a chart point (not anywhere, e.g. inside a CSRF token)."""
    return f">{value}<" in html or f'data-value="{value}"' in html


def _post(browser, path: str, body: dict[str, str]):  # type: ignore[no-untyped-def]
    return browser.post(path, data={**body, "csrf_token": csrf_token(browser, path)})


def _dialog_form(**changes: str) -> dict[str, str]:
    body = {"recorded_on": TODAY.isoformat(), **dict.fromkeys(DIALOG_KEYS, "5")}
    body.update(changes)
    return {k: v for k, v in body.items() if v != ""}


# --- The page: empty state, chart and table ------------------------------------------------


def test_empty_state_says_how_to_set_the_baseline(login_as, world, episode):
    html = _page(login_as(world.users["clinician"]), episode)
    assert "No outcome measures yet. Record a DIALOG to set the baseline" in html
    assert 'class="app-chart"' not in html
    assert f'href="/episodes/{episode.id}/outcomes/dialog"' in html


def _series_values(html: str, chart_id: str) -> dict[str, list[str]]:
    svg = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert svg, f"no chart {chart_id}"
    groups = re.findall(
        r'<g class="app-chart__series" data-series="([^"]+)">(.*?)</g>', svg[0], re.S
    )
    return {
        name: re.findall(r'class="app-chart__point"[^>]*data-value="([^"]+)"', body)
        for name, body in groups
    }


def _table_columns(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table[0][table[0].index("<tbody") :]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\"[^>]*>(.*?)</tr>", body, re.S)
    return [re.findall(r'data-value="([^"]+)"', row) for row in rows]


def test_chart_draws_each_score_and_the_table_has_the_same_numbers(login_as, world, episode):
    record(
        world,
        episode,
        on=TODAY - dt.timedelta(days=9),
        answers=dialog_answers(2, 3, 4, 5, 6, 2, 3, 4, 5, 5, 5),
    )  # 29/8 = 3.625 -> 3.63; 15/3 = 5.00
    record(
        world,
        episode,
        on=TODAY - dt.timedelta(days=2),
        answers=dialog_answers(4, 4, 4, 4, 4, 4, 4, 5, 4, 4, 5),
    )  # 33/8 = 4.125 -> 4.13; 13/3 -> 4.33
    record(world, episode, MeasureKind.REQOL10, answers=dict.fromkeys(REQOL_KEYS, 3))
    html = _page(login_as(world.users["clinician"]), episode)
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="dialog-chart-title', html)
    assert '<title id="dialog-chart-title">' in html and '<desc id="dialog-chart-desc">' in html
    assert "Mean rating (1 to 7)" in html and "Date completed" in html  # axis labels
    dialog = _series_values(html, "dialog-chart")
    assert dialog == {
        "Quality of life": ["3.63", "4.13"],
        "Treatment satisfaction": ["5.00", "4.33"],
    }
    table = _table_columns(html, "dialog-table")
    assert [row[0] for row in table] == dialog["Quality of life"]
    assert [row[1] for row in table] == dialog["Treatment satisfaction"]
    assert _series_values(html, "reqol-chart") == {"ReQoL-10 total": ["30"]}
    assert _table_columns(html, "reqol-table") == [["30", "3"]]
    assert html.count("Baseline") == 1


def test_pages_keep_to_the_content_security_policy(login_as, world, episode):
    record(world, episode, more_help=("friendships",))
    browser = login_as(world.users["clinician"])
    for path in ("", "/dialog", "/reqol10"):
        html = browser.get(f"/episodes/{episode.id}/outcomes{path}").get_data(as_text=True)
        assert " style=" not in html and "<style" not in html
        assert re.findall(r"<script[^>]*>", html) == [
            '<script type="module" src="/static/js/init.js">'
        ]


def test_each_page_read_is_audited(login_as, world, episode):
    _page(login_as(world.users["manager"]), episode)
    row = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "outcome_measure.list")
    )
    assert row is not None and row.actor_user_id == world.users["manager"].id
    assert row.person_id == world.person_a.id


# --- Recording -----------------------------------------------------------------------------


def test_recording_a_dialog_saves_it_as_the_baseline_and_shows_it(login_as, world, episode):
    browser = login_as(world.users["clinician"])
    path = f"/episodes/{episode.id}/outcomes/dialog"
    response = _post(browser, path, _dialog_form(more_help_accommodation="y", friendships="3"))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/episodes/{episode.id}/outcomes"
    )
    measure = db.session.scalar(sa.select(OutcomeMeasure))
    assert measure.is_baseline and measure.more_help == ["accommodation"]
    assert measure.answers["friendships"] == 3 and measure.score == 4.75
    html = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "DIALOG recorded" in html and _shows(html, "4.75")


def test_recording_a_reqol10_from_the_scored_paper_form(login_as, world, episode):
    browser = login_as(world.users["clinician"])
    path = f"/episodes/{episode.id}/outcomes/reqol10"
    form = browser.get(path).get_data(as_text=True)
    assert "Item 1" in form and "Item 10" in form and "Physical health item" in form
    body = {"recorded_on": TODAY.isoformat(), **dict.fromkeys(REQOL_KEYS, "4"), "item_2": "0"}
    assert _post(browser, path, body).status_code == 302
    measure = db.session.scalar(sa.select(OutcomeMeasure))
    assert (measure.kind, measure.score, measure.secondary_score) == (MeasureKind.REQOL10, 36, 4)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accommodation": ""}, "Choose a rating for accommodation"),
        ({"accommodation": "9"}, "Score accommodation with a whole number from 1 to 7"),
        ({"accommodation": "x"}, "Score accommodation with a whole number from 1 to 7"),
        ({"recorded_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"recorded_on": "2001-01-01"}, "before the referral was received"),
        ({"recorded_on": ""}, "Enter the date completed"),
    ],
)
def test_bad_input_shows_the_error_summary_and_saves_nothing(
    login_as, world, episode, changes, message
):
    browser = login_as(world.users["clinician"])
    path = f"/episodes/{episode.id}/outcomes/dialog"
    events = count_rows(ClockEvent)
    response = _post(browser, path, _dialog_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nhsuk-error-summary" in html and "There is a problem" in html
    assert message in html and "<title>Error: Record a DIALOG" in html
    assert count_rows(OutcomeMeasure) == 0 and count_rows(ClockEvent) == events


def test_reqol10_missing_item_is_refused(login_as, world, episode):
    browser = login_as(world.users["clinician"])
    path = f"/episodes/{episode.id}/outcomes/reqol10"
    body = {"recorded_on": TODAY.isoformat(), **dict.fromkeys(REQOL_KEYS[:-1], "2")}
    response = _post(browser, path, body)
    assert response.status_code == 422
    assert "Enter the score for physical health item" in response.get_data(as_text=True)
    assert count_rows(OutcomeMeasure) == 0


# --- "More help" answers as draft goals ---------------------------------------------------


def test_more_help_button_adds_draft_goals_once(login_as, world, episode):
    measure = record(world, episode, more_help=("accommodation", "personal_safety"))
    browser = login_as(world.users["clinician"])
    html = _page(browser, episode)
    assert "Add &#39;more help&#39; answers as draft goals" in html or (
        "Add 'more help' answers as draft goals" in html
    )
    path = f"/episodes/{episode.id}/outcomes/{measure.id}/goals"
    first = _post(browser, path, {})
    assert first.status_code == 302
    assert "accommodation, personal safety" in browser.get(first.headers["Location"]).get_data(
        as_text=True
    )
    second = _post(browser, path, {})
    assert "already a goal" in browser.get(second.headers["Location"]).get_data(as_text=True)
    draft = plan_services.current_draft(db.session, episode.id)
    assert draft is not None
    assert [g.own_words for g in draft.goals] == [
        "More help with my accommodation",
        "More help with my personal safety",
    ]


def test_more_help_button_for_a_measure_of_another_episode_is_404(login_as, world, episode):
    other = make_episode(world)
    measure = record(world, other, more_help=("friendships",))
    browser = login_as(world.users["clinician"])
    assert (
        _post(browser, f"/episodes/{episode.id}/outcomes/{measure.id}/goals", {}).status_code == 404
    )


# --- Who sees what ------------------------------------------------------------------------


def test_clinician_of_another_hub_gets_404_everywhere(login_as, world, episode):
    measure = record(world, episode, more_help=("friendships",))
    browser = login_as(world.users["other_hub_clinician"])
    base = f"/episodes/{episode.id}/outcomes"
    for path in (base, f"{base}/dialog", f"{base}/reqol10"):
        assert browser.get(path).status_code == 404
    assert _post(browser, f"{base}/dialog", _dialog_form()).status_code == 404
    assert (
        browser.post(
            f"{base}/{measure.id}/goals",
            data={"csrf_token": csrf_token(browser, "/account/password")},
        ).status_code
        == 404
    )
    assert count_rows(OutcomeMeasure) == 1


def test_vcse_care_team_worker_records_but_sees_scores_only_with_consent(login_as, world, episode):
    record(world, episode, answers=dialog_answers(1, 1, 1, 1, 1, 1, 2, 3, 7, 7, 6))  # 1.38, 6.67
    worker = world.users["vcse_worker"]
    referral_services.add_to_care_team(db.session, episode, worker)
    db.session.commit()
    browser = login_as(worker)
    html = _page(browser, episode)
    assert not _shows(html, "1.38") and not _shows(html, "6.67") and 'class="app-chart"' not in html
    assert "only if they consent to share their outcome measures" in html
    assert "draft goals" not in html
    response = _post(browser, f"/episodes/{episode.id}/outcomes/dialog", _dialog_form())
    assert response.status_code == 302 and count_rows(OutcomeMeasure) == 2
    grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.OUTCOME_MEASURES],
        starts_on=TODAY,
    )
    db.session.commit()
    html = _page(browser, episode)
    assert _shows(html, "1.38") and _shows(html, "6.67") and "draft goals" not in html


def test_hub_admins_and_people_are_refused_the_staff_pages(login_as, world, episode):
    for role in ("hub_admin", "person", "analyst"):
        assert (
            login_as(world.users[role]).get(f"/episodes/{episode.id}/outcomes").status_code == 403
        )


# --- The portal: my scores ------------------------------------------------------------------


@pytest.fixture
def canary_measure(world):
    """Person_b's DIALOG, recorded by a clinician with a canary name, with canary scores."""
    theirs = make_episode(world, world.person_b, world.users["other_hub_clinician"])
    world.users["other_hub_clinician"].display_name = "Zed Canaryleak"
    return record(
        world,
        theirs,
        answers=dialog_answers(1, 1, 1, 1, 1, 1, 2, 3, 7, 7, 6),  # 1.38 and 6.67
        more_help=("job_situation",),
        actor=world.users["other_hub_clinician"],
    )


def test_portal_shows_the_person_their_own_scores_in_plain_words(login_as, world, episode):
    record(world, episode, on=TODAY - dt.timedelta(days=7), answers=dialog_answers(3))
    record(world, episode, answers=dialog_answers(5), more_help=("friendships",))
    response = login_as(world.users["person"]).get("/my/scores")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "My scores" in html and "higher is better" in html
    assert _series_values(html, "my-dialog-chart")["Quality of life"] == ["3.00", "5.00"]
    assert [row[0] for row in _table_columns(html, "my-dialog-table")] == ["3.00", "5.00"]
    assert "Friendships" in html


def test_portal_never_shows_another_persons_scores(login_as, world, episode, canary_measure):
    record(world, episode, answers=dialog_answers(4))
    html = login_as(world.users["person"]).get("/my/scores").get_data(as_text=True)
    assert _shows(html, "4.00")
    assert not _shows(html, "1.38") and not _shows(html, "6.67")
    assert "Canaryleak" not in html and "Job situation" not in html
    # The control: the canary's own portal shows their scores.
    theirs = login_as(world.users["other_person"]).get("/my/scores").get_data(as_text=True)
    assert _shows(theirs, "1.38") and _shows(theirs, "6.67") and "Job situation" in theirs


def test_portal_with_no_scores_yet_says_what_will_happen(login_as, world):
    html = login_as(world.users["person"]).get("/my/scores").get_data(as_text=True)
    assert "You have no scores yet" in html and 'class="app-chart"' not in html


def test_portal_read_is_audited_for_the_persons_access_log(login_as, world):
    login_as(world.users["person"]).get("/my/scores")
    row = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "outcome_measure.list_own")
    )
    assert row is not None and row.person_id == world.person_a.id
