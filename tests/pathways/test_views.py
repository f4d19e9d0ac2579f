"""Transition pages: the manager's board, the transition page and its forms, starting a
transition and discharging, with access denials, conflicts, errors and audit rows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.types import today
from hubs.extensions import db
from hubs.pathways.models import ChecklistItem, OnwardPlan, Transition, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.referrals.states import EpisodeStatus
from tests.conftest import csrf_token
from tests.helpers.web import mentions_path
from tests.pathways.conftest import accepted_episode, advance, agree_safety_plan, start

K, S = TransitionKind, TransitionState


def _post(browser, path: str, body: dict[str, str]):  # type: ignore[no-untyped-def]
    return browser.post(path, data={**body, "csrf_token": csrf_token(browser, "/account/password")})


def _audited(action: str, actor_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.actor_user_id == actor_id
        )
    )


# --- The board ----------------------------------------------------------------------------


def test_the_board_shows_my_hubs_transitions_by_state_with_escalations_first(
    pw, login_as, aspire_episode
):
    escalated = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.ESCALATED)
    elsewhere = accepted_episode(
        pw.world.person_b, None, pw.world.hub_b, pw.users["other_hub_clinician"]
    )
    from hubs.pathways import services

    theirs = services.start_transition(
        db.session,
        pw.users["other_hub_clinician"],
        elsewhere,
        services.StartInput(
            kind=K.HUB_STEP_DOWN,
            receiving_service_id=pw.offer.id,
            planned_on=today() + dt.timedelta(days=20),
        ),
    )
    db.session.commit()
    manager = pw.users["manager"]

    response = login_as(manager).get("/transitions/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 escalated transition" in html and "the receiving team declined" in html
    assert f"/transitions/{escalated.id}" in html
    assert not mentions_path(html, f"/transitions/{theirs.id}")  # hub B's own step-down
    assert "Days without a lead worker" in html
    assert _audited("transition.list", manager.id) == 1


def test_the_receiving_hubs_manager_sees_transitions_coming_in(pw, login_as, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()
    html = login_as(pw.other_manager).get("/transitions/").get_data(as_text=True)
    assert f"/transitions/{transition.id}" in html
    assert "days to go" in html


def test_the_board_is_for_managers(pw, login_as):
    assert login_as(pw.users["clinician"]).get("/transitions/").status_code == 403


def test_managers_have_transitions_in_their_navigation(pw, login_as):
    html = login_as(pw.users["manager"]).get("/transitions/").get_data(as_text=True)
    assert 'href="/transitions/"' in html and ">Transitions<" in html


# --- The transition page ------------------------------------------------------------------


def test_both_teams_see_the_transition_and_its_checklist_and_others_get_404(
    pw, login_as, aspire_episode
):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()
    path = f"/transitions/{transition.id}"
    for role in ("clinician", "other_hub_clinician", "manager"):
        response = login_as(pw.users[role]).get(path)
        assert response.status_code == 200, role
        html = response.get_data(as_text=True)
        assert ChecklistItem.GP_INFORMED.label in html
        assert "Days without a lead worker" in html
    for role in ("vcse_worker", "other_vcse_worker"):
        assert login_as(pw.users[role]).get(path).status_code == 404, role
    assert _audited("transition.view", pw.users["clinician"].id) == 1


def test_the_sending_team_plans_through_the_form(pw, login_as, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()
    browser = login_as(pw.users["clinician"])
    path = f"/transitions/{transition.id}/plan"
    assert browser.get(path).status_code == 200

    response = _post(
        browser,
        path,
        {
            "sending_worker_id": str(pw.users["clinician"].id),
            "receiving_worker_id": str(pw.users["other_hub_clinician"].id),
            "joint_meeting_on": (today() + dt.timedelta(days=7)).isoformat(),
            "planned_on": (today() + dt.timedelta(days=40)).isoformat(),
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Transition, transition.id).state == S.PLANNING


def test_an_invalid_form_rerenders_with_the_error_summary_and_422(pw, login_as, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    db.session.commit()
    response = _post(
        login_as(pw.users["other_hub_clinician"]),
        f"/transitions/{transition.id}/decline",
        {"reason": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Say why the team is declining" in html


def test_an_action_the_state_does_not_allow_answers_409(pw, login_as, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()
    taker = pw.users["other_hub_clinician"]
    response = _post(
        login_as(taker),
        f"/transitions/{transition.id}/accept",
        {"lead_worker_id": str(taker.id)},
    )
    assert response.status_code == 409
    assert "cannot be given the action" in response.get_data(as_text=True)


def test_the_sending_team_cannot_accept_for_the_receiving_hub(pw, login_as, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    db.session.commit()
    response = _post(
        login_as(pw.users["clinician"]),
        f"/transitions/{transition.id}/accept",
        {"lead_worker_id": str(pw.users["other_hub_clinician"].id)},
    )
    assert response.status_code == 403


def test_the_receiving_team_accepts_with_a_lead_worker_through_the_form(
    pw, login_as, aspire_episode
):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    db.session.commit()
    taker = pw.users["other_hub_clinician"]
    browser = login_as(taker)
    assert taker.display_name in browser.get(f"/transitions/{transition.id}/accept").get_data(
        as_text=True
    )
    response = _post(
        browser, f"/transitions/{transition.id}/accept", {"lead_worker_id": str(taker.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    found = db.session.get(Transition, transition.id)
    assert found.state == S.ACCEPTED and found.receiving_episode.lead_worker_id == taker.id


def test_ticking_the_checklist_from_the_page(pw, login_as, hub_episode):
    transition = start(pw, hub_episode, K.HUB_STEP_DOWN)
    db.session.commit()
    worker = pw.users["vcse_worker"]  # in the care team
    response = _post(
        login_as(worker), f"/transitions/{transition.id}/checklist", {"item": "views_recorded"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    tick = db.session.get(Transition, transition.id).ticked[ChecklistItem.VIEWS_RECORDED]
    assert tick.recorded_by_id == worker.id


def test_completing_a_step_down_goes_to_the_discharge_form(pw, login_as, hub_episode):
    transition = advance(pw, start(pw, hub_episode, K.HUB_STEP_DOWN), S.PARALLEL_SUPPORT)
    db.session.commit()
    response = login_as(pw.users["clinician"]).get(f"/transitions/{transition.id}/complete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/transitions/episodes/{hub_episode.id}/discharge"
    )


# --- Episodes: start and discharge --------------------------------------------------------


def test_starting_a_transition_from_the_episode_page(pw, login_as, aspire_episode):
    db.session.commit()
    browser = login_as(pw.users["clinician"])
    page = browser.get(f"/transitions/episodes/{aspire_episode.id}").get_data(as_text=True)
    assert "Start a transition" in page
    response = _post(
        browser,
        f"/transitions/episodes/{aspire_episode.id}/start",
        {"kind": "aspire_to_hub", "receiving_team_id": str(pw.world.hub_b.id)},
    )
    assert response.status_code == 302
    created = db.session.scalar(
        sa.select(Transition).where(Transition.sending_episode_id == aspire_episode.id)
    )
    assert created.receiving_team_id == pw.world.hub_b.id


def test_starting_the_wrong_kind_names_the_field(pw, login_as, aspire_episode):
    db.session.commit()
    response = _post(
        login_as(pw.users["clinician"]),
        f"/transitions/episodes/{aspire_episode.id}/start",
        {"kind": "camhs_to_adult"},
    )
    assert response.status_code == 422
    assert "starts from an episode with camhs" in response.get_data(as_text=True)


def test_discharge_form_saves_the_plan_then_refuses_without_an_updated_safety_plan(
    pw, login_as, hub_episode
):
    db.session.commit()
    browser = login_as(pw.users["clinician"])
    path = f"/transitions/episodes/{hub_episode.id}/discharge"
    body = {
        "support": "gp",
        "what": "Your GP reviews your medication",
        "how_to_come_back": "Call the hub within 6 months",
    }
    assert "without a new referral" in browser.get(path).get_data(as_text=True)

    saved = _post(browser, path, {**body, "save": "1"})
    refused = _post(browser, path, {**body, "discharge": "1"})

    assert saved.status_code == 302
    assert refused.status_code == 422
    assert "Agree a safety plan with the person" in refused.get_data(as_text=True)
    plan = db.session.scalar(sa.select(OnwardPlan).where(OnwardPlan.episode_id == hub_episode.id))
    assert plan is not None and plan.discharged_on is None


def test_discharge_form_with_a_complete_plan_ends_the_episode(pw, login_as, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    db.session.commit()
    browser = login_as(pw.users["clinician"])
    response = _post(
        browser,
        f"/transitions/episodes/{hub_episode.id}/discharge",
        {
            "support": "service",
            "service_id": str(pw.offer.id),
            "what": "The walking group on Tuesdays",
            "how_to_come_back": "Call the hub within 6 months",
            "discharge": "1",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(hub_episode), hub_episode.id).status == EpisodeStatus.FINISHED
    page = browser.get(f"/transitions/episodes/{hub_episode.id}").get_data(as_text=True)
    assert "The walking group on Tuesdays" in page and "fast-tracked" in page


def test_staff_of_another_hub_cannot_open_an_episodes_discharge(pw, login_as, hub_episode):
    db.session.commit()
    browser = login_as(pw.users["other_hub_clinician"])
    assert browser.get(f"/transitions/episodes/{hub_episode.id}/discharge").status_code == 404


def test_the_referral_page_links_to_transitions_and_discharge(pw, login_as, hub_episode):
    db.session.commit()
    html = login_as(pw.users["clinician"]).get(f"/referrals/{hub_episode.referral_id}")
    assert f"/transitions/episodes/{hub_episode.id}" in html.get_data(as_text=True)


def test_an_action_form_is_not_shown_to_those_who_cannot_take_it(pw, login_as, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    db.session.commit()
    sender = login_as(pw.users["clinician"])
    assert sender.get(f"/transitions/{transition.id}/accept").status_code == 403
    assert sender.get(f"/transitions/{transition.id}/plan").status_code == 409
    assert sender.get(f"/transitions/{transition.id}/replan").status_code == 403
