"""Safety plan pages for staff and in the portal: status codes, denials (404), the 409 form
message, proposals, the person seeing only their own agreed plan, print and PDF."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hubs.careplans.models import PlanStatus
from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.safetyplans import services as safety
from hubs.safetyplans.models import ProposalStatus, SafetyPlan, SafetyPlanProposal
from hubs.staff import services as staff_services
from tests.careplans.conftest_safety import (
    REASONS,
    WARNING,
    agreed_plan,
    crisis_directory,
    draft_plan,
    make_episode,
    share_safety_plan,
)
from tests.conftest import csrf_token

CANARY = "Canarycrisis words"


@pytest.fixture
def involved(world):
    return make_episode(world)


def _plan_url(world, suffix: str = "", person=None) -> str:
    return f"/people/{(person or world.person_a).id}/safety-plan{suffix}"


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden {name} field"
    return match.group(1)


def _second_browser(app, user):  # type: ignore[no-untyped-def]
    """Another signed-in browser, for a second editor working at the same time."""
    browser = app.test_client()
    token = staff_services.sign_in(db.session, user, ip_address="127.0.0.2", user_agent="pytest")
    db.session.commit()
    with browser.session_transaction() as cookie_session:
        cookie_session["_user_id"] = token
        cookie_session["_fresh"] = True
    return browser


def _save(browser, world, html: str, **sections: str):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": _hidden(html, "csrf_token"),
        "version": _hidden(html, "version"),
        "revision": _hidden(html, "revision"),
        **sections,
    }
    return browser.post(_plan_url(world, "/edit"), data=data)


# --- Staff pages --------------------------------------------------------------------------


def test_empty_state_invites_the_care_team_to_start_a_plan(login_as, world, involved):
    html = login_as(world.users["clinician"]).get(_plan_url(world)).get_data(as_text=True)
    assert "No safety plan yet — start one" in html
    assert "Start a safety plan" in html


def test_clinician_writes_and_agrees_a_plan_and_the_person_then_sees_it(
    login_as, world, involved, app
):
    crisis = crisis_directory()
    browser = login_as(world.users["clinician"])
    form = browser.get(_plan_url(world, "/edit")).get_data(as_text=True)
    assert "Samaritans" in form and "116 123" in form
    data = {
        "csrf_token": _hidden(form, "csrf_token"),
        "version": _hidden(form, "version"),
        "revision": _hidden(form, "revision"),
        "warning_signs": WARNING,
        "reasons_for_living": REASONS,
        "service_ids": [str(crisis["SAMARITANS"].id), str(crisis["DIALHOUSE"].id)],
    }
    saved = browser.post(_plan_url(world, "/edit"), data=data)
    assert saved.status_code == 302
    person_view = _second_browser(app, world.users["person"])
    assert "No agreed safety plan yet" in person_view.get("/my/safety-plan").get_data(as_text=True)
    agree_page = browser.get(_plan_url(world, "/agree")).get_data(as_text=True)
    agreed = browser.post(
        _plan_url(world, "/agree"),
        data={
            "csrf_token": _hidden(agree_page, "csrf_token"),
            "version": _hidden(agree_page, "version"),
            "revision": _hidden(agree_page, "revision"),
            "method": "in_person",
        },
    )
    assert agreed.status_code == 302
    portal = person_view.get("/my/safety-plan").get_data(as_text=True)
    assert WARNING in portal and "Samaritans" in portal and "116 123" in portal
    assert "6pm to 2am every day" in portal


def test_stale_editor_gets_409_with_a_message_showing_what_changed_and_nothing_saved(
    app, login_as, world, involved
):
    draft_plan(world)
    db.session.commit()
    first = login_as(world.users["clinician"])
    second = _second_browser(app, world.users["manager"])
    first_form = first.get(_plan_url(world, "/edit")).get_data(as_text=True)
    second_form = second.get(_plan_url(world, "/edit")).get_data(as_text=True)
    assert _hidden(first_form, "revision") == _hidden(second_form, "revision")
    ok = _save(first, world, first_form, warning_signs=WARNING, coping_alone="Listen to music")
    assert ok.status_code == 302
    stale = _save(second, world, second_form, warning_signs=WARNING, coping_alone="Go running")
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else changed this plan" in html
    assert "Changed since: Things I can do on my own" in html
    assert "Go running" in html  # kept on screen so they can copy it
    plan = safety.current_draft(db.session, world.person_a.id)
    db.session.refresh(plan)
    assert plan.coping_alone == "Listen to music"


def test_a_form_error_is_shown_in_the_error_summary_with_422(login_as, world, involved):
    browser = login_as(world.users["clinician"])
    form = browser.get(_plan_url(world, "/edit")).get_data(as_text=True)
    response = _save(browser, world, form, warning_signs=WARNING, review_due_on="2001-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "nhsuk-error-summary" in html and "The review date must be in the future" in html


def test_agree_without_a_draft_sends_you_back_with_a_message(login_as, world, involved):
    response = login_as(world.users["clinician"]).get(_plan_url(world, "/agree"))
    assert response.status_code == 302


def test_agree_page_offers_a_review_date_three_months_ahead(login_as, world, involved):
    from hubs.careplans.versioning import add_months
    from hubs.core.types import today

    draft_plan(world)
    db.session.commit()
    html = login_as(world.users["clinician"]).get(_plan_url(world, "/agree")).get_data(True)
    assert add_months(today(), 3).isoformat() in html


def test_versions_and_compare_show_what_changed(login_as, world, involved):
    agreed_plan(world)
    draft_plan(world, warning_signs="Not sleeping")
    db.session.commit()
    browser = login_as(world.users["clinician"])
    listing = browser.get(_plan_url(world, "/versions")).get_data(as_text=True)
    assert "Version 1" in listing and "Version 2" in listing and "Draft" in listing
    html = browser.get(_plan_url(world, "/compare?older=1&newer=2")).get_data(as_text=True)
    assert "Warning signs" in html and "Not sleeping" in html and WARNING in html
    one = browser.get(_plan_url(world, "/versions?show=1")).get_data(as_text=True)
    assert WARNING in one


def test_staff_accept_and_decline_the_persons_proposals(login_as, app, world, involved):
    agreed_plan(world)
    person = _second_browser(app, world.users["person"])
    page = person.get("/my/safety-plan/propose?section=coping_alone").get_data(as_text=True)
    for section, text in (("coping_alone", "Walk Biscuit"), ("distractions", "The library")):
        sent = person.post(
            "/my/safety-plan/propose",
            data={
                "csrf_token": _hidden(page, "csrf_token"),
                "section": section,
                "proposed_text": text,
            },
        )
        assert sent.status_code == 302
    assert "Waiting for your care team" in person.get("/my/safety-plan").get_data(as_text=True)
    staff = login_as(world.users["clinician"])
    overview = staff.get(_plan_url(world)).get_data(as_text=True)
    assert "Walk Biscuit" in overview and "The library" in overview
    proposals = db.session.scalars(
        sa.select(SafetyPlanProposal).order_by(SafetyPlanProposal.id)
    ).all()
    token = _hidden(overview, "csrf_token")
    for proposal, decision in zip(proposals, ("accept", "decline"), strict=True):
        response = staff.post(
            _plan_url(world, "/proposals"),
            data={"csrf_token": token, "proposal_id": str(proposal.id), "decision": decision},
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert [p.status for p in proposals] == [ProposalStatus.ACCEPTED, ProposalStatus.DECLINED]
    draft = safety.current_draft(db.session, world.person_a.id)
    assert draft.coping_alone == "Walk Biscuit" and draft.distractions == ""


def test_a_proposal_for_another_person_is_404(login_as, world, involved):
    make_episode(world, world.person_b, world.users["other_hub_clinician"])
    agreed_plan(world, world.person_b, world.users["other_hub_clinician"])
    proposal = safety.propose_change(
        db.session, world.users["other_person"], "coping_alone", "Theirs"
    )
    db.session.commit()
    browser = login_as(world.users["clinician"])
    token = csrf_token(browser, _plan_url(world, "/edit"))
    response = browser.post(
        _plan_url(world, "/proposals"),
        data={"csrf_token": token, "proposal_id": str(proposal.id), "decision": "accept"},
    )
    assert response.status_code == 404
    assert db.session.get(SafetyPlanProposal, proposal.id).status == ProposalStatus.PENDING


# --- Who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/versions", "/compare", "/print", "/pdf", "/edit"])
def test_clinician_of_another_hub_gets_404(login_as, world, involved, suffix):
    agreed_plan(world)
    browser = login_as(world.users["other_hub_clinician"])
    assert browser.get(_plan_url(world, suffix)).status_code == 404


def test_vcse_worker_sees_the_plan_only_with_a_safety_plan_consent(login_as, world, involved):
    make_episode(world, world.person_shared, world.users["other_hub_clinician"])
    agreed_plan(world, world.person_shared, world.users["other_hub_clinician"])
    draft_plan(world, world.person_shared, world.users["other_hub_clinician"], warning_signs=CANARY)
    db.session.commit()
    browser = login_as(world.users["vcse_worker"])
    url = _plan_url(world, person=world.person_shared)
    assert browser.get(url).status_code == 404  # their consent shares the care plan only
    share_safety_plan(world, world.person_shared)
    html = browser.get(url).get_data(as_text=True)
    assert WARNING in html
    assert CANARY not in html and "draft" not in html.lower()  # drafts are the team's only
    assert browser.get(url + "/edit").status_code == 403
    assert CANARY not in browser.get(url + "/versions").get_data(as_text=True)
    assert browser.get(url + "/versions?show=2").status_code == 404
    other = login_as(world.users["other_vcse_worker"])
    assert other.get(url).status_code == 404


def test_hub_admin_and_analyst_are_refused(login_as, world, involved):
    agreed_plan(world)
    for role in ("hub_admin", "analyst"):
        assert login_as(world.users[role]).get(_plan_url(world)).status_code == 403


def test_every_read_writes_an_audit_row_with_the_request_id(login_as, world, involved):
    agreed_plan(world)
    browser = login_as(world.users["vcse_worker"])
    share_safety_plan(world, world.person_a)
    request_ids = []
    for suffix in ("", "/versions", "/print"):
        response = browser.get(_plan_url(world, suffix))
        assert response.status_code == 200
        request_ids.append(response.headers["X-Request-ID"])
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.like("safety_plan.%"), AuditEvent.actor_role == "vcse_worker")
        .order_by(AuditEvent.id)
    ).all()
    assert [r.request_id for r in rows] == request_ids
    assert {r.person_id for r in rows} == {world.person_a.id}


# --- The portal ---------------------------------------------------------------------------


def test_person_sees_only_their_own_agreed_plan_never_a_draft_or_another_persons(
    login_as, world, involved
):
    make_episode(world, world.person_b, world.users["other_hub_clinician"])
    agreed_plan(world, world.person_b, world.users["other_hub_clinician"], warning_signs=CANARY)
    agreed_plan(world)
    draft_plan(world, warning_signs="Draft words not agreed yet")
    db.session.commit()
    browser = login_as(world.users["person"])
    for path in (
        "/my/safety-plan",
        "/my/safety-plan/history",
        "/my/safety-plan/history?version=1",
        "/my/safety-plan/print",
        "/my/safety-plan/propose",
    ):
        response = browser.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert CANARY not in html and "Draft words" not in html, path
    assert WARNING in browser.get("/my/safety-plan").get_data(as_text=True)
    assert browser.get("/my/safety-plan/history?version=2").status_code == 404  # the draft
    for person in (world.person_a, world.person_b):
        assert browser.get(_plan_url(world, person=person)).status_code == 403
    assert browser.get(f"/api/v1/safetyplans/{world.person_b.id}").status_code == 403


def test_person_history_lists_agreed_versions(login_as, world, involved):
    v1 = agreed_plan(world)
    v2 = draft_plan(world, warning_signs="Second version words")
    safety.agree_safety_plan(
        db.session, world.users["clinician"], v2, revision=v2.revision, method=v1.agreement_method
    )
    db.session.commit()
    browser = login_as(world.users["person"])
    html = browser.get("/my/safety-plan/history").get_data(as_text=True)
    assert "Version 1" in html and "Version 2" in html and "(your current plan)" in html
    old = browser.get("/my/safety-plan/history?version=1").get_data(as_text=True)
    assert WARNING in old and "replaced by a newer version" in old


def test_person_empty_states(login_as, world):
    browser = login_as(world.users["person"])
    assert "No agreed safety plan yet" in browser.get("/my/safety-plan").get_data(as_text=True)
    assert browser.get("/my/safety-plan/pdf").status_code == 302


def test_proposal_to_an_unknown_section_is_shown_on_the_form(login_as, world, involved):
    agreed_plan(world)
    browser = login_as(world.users["person"])
    token = csrf_token(browser, "/my/safety-plan/propose")
    response = browser.post(
        "/my/safety-plan/propose",
        data={"csrf_token": token, "section": "staff_notes", "proposed_text": "Hello"},
    )
    assert response.status_code == 422
    assert "Choose a section of your safety plan" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SafetyPlanProposal.id))) == 0


# --- Print and PDF ------------------------------------------------------------------------


def test_printable_page_links_its_css_and_has_no_inline_styles_or_scripts(
    login_as, world, involved
):
    agreed_plan(world, service_ids=[crisis_directory()["SAMARITANS"].id])
    html = login_as(world.users["clinician"]).get(_plan_url(world, "/print")).get_data(True)
    assert WARNING in html and "116 123" in html
    assert '<link rel="stylesheet"' in html
    assert "<style" not in html and "style=" not in html and "<script" not in html


@pytest.mark.parametrize("role", ["clinician", "person"])
def test_pdf_is_a_real_pdf_of_the_agreed_plan(login_as, world, involved, role):
    agreed_plan(world, service_ids=[crisis_directory()["SAMARITANS"].id])
    url = _plan_url(world, "/pdf") if role != "person" else "/my/safety-plan/pdf"
    response = login_as(world.users[role]).get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "safety_plan.download")
    ).all()
    assert actions == ["safety_plan.download"]


def test_a_draft_is_never_printed_for_the_person(login_as, world, involved):
    agreed_plan(world)
    draft_plan(world, warning_signs="Draft words not agreed yet")
    db.session.commit()
    browser = login_as(world.users["person"])
    assert browser.get("/my/safety-plan/print?version=2").status_code == 404
    assert browser.get("/my/safety-plan/pdf?version=2").status_code == 404


def test_agreed_versions_stay_and_drafts_are_not_lost_after_agreement(world, involved):
    agreed_plan(world)
    agreed_plan(world, warning_signs="Second")
    rows = db.session.scalars(sa.select(SafetyPlan).order_by(SafetyPlan.version)).all()
    assert [r.status for r in rows] == [PlanStatus.SUPERSEDED, PlanStatus.AGREED]
