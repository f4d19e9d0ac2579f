"""Referral pages: each role's access, intake errors, actions shown and taken, the portal."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from markupsafe import escape

from hubs.extensions import db
from hubs.people.models import Person
from hubs.referrals.models import Referral, ReferralSource
from hubs.referrals.states import ReferralStatus
from tests import factories
from tests.conftest import csrf_token
from tests.helpers.db import count_rows
from tests.helpers.web import mentions_path


def _intake(world, **extra: str) -> dict[str, str]:
    body = {
        "person_id": str(world.person_a.id),
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        "priority": "routine",
        "needs-0-domain": "accommodation",
        "needs-0-severity": "high",
        "needs-0-own_words": "I might lose my flat",
        "submission_key": "k-" + str(dt.datetime.now().timestamp()),
    }
    body.update(extra)
    return body


def _post(browser, path: str, body: dict[str, str]):
    return browser.post(path, data={**body, "csrf_token": csrf_token(browser, "/referrals/new")})


def test_triage_queue_lists_referrals_to_my_hub_with_clock_badges(login_as, world, make_referral):
    referral = make_referral()
    html = login_as(world.users["clinician"]).get("/referrals/").get_data(as_text=True)
    assert str(escape(world.person_a.family_name)) in html and "days left" in html
    assert f"/referrals/{referral.id}" in html


def test_triage_queue_hides_other_hubs_referrals(login_as, world, make_referral):
    theirs = make_referral(person=world.person_b, actor=world.users["other_hub_clinician"])
    html = login_as(world.users["clinician"]).get("/referrals/").get_data(as_text=True)
    assert not mentions_path(html, f"/referrals/{theirs.id}")


def test_empty_queue_says_what_to_do_next(login_as, world, named_services):
    html = login_as(world.users["clinician"]).get("/referrals/").get_data(as_text=True)
    assert "No referrals match" in html and "record a new referral" in html


def test_staff_of_another_hub_get_404_for_a_referral(login_as, world, make_referral):
    referral = make_referral()
    browser = login_as(world.users["other_hub_clinician"])
    assert browser.get(f"/referrals/{referral.id}").status_code == 404
    assert browser.get(f"/referrals/{referral.id}/triage").status_code == 404


def test_referral_page_shows_only_the_actions_the_role_may_take(login_as, world, make_referral):
    referral = make_referral()
    clinician = (
        login_as(world.users["clinician"]).get(f"/referrals/{referral.id}").get_data(as_text=True)
    )
    assert f"/referrals/{referral.id}/triage" in clinician
    assert f"/referrals/{referral.id}/enter_in_error" not in clinician
    admin = (
        login_as(world.users["hub_admin"]).get(f"/referrals/{referral.id}").get_data(as_text=True)
    )
    assert f"/referrals/{referral.id}/triage" not in admin
    assert f"/referrals/{referral.id}/withdraw" in admin


def test_intake_records_a_referral_and_redirects_to_it(login_as, world, named_services):
    browser = login_as(world.users["hub_admin"])
    response = _post(browser, "/referrals/new", _intake(world))
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral).order_by(Referral.id.desc()))
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")
    assert referral.team_id == world.hub_a.id and referral.source == ReferralSource.GP


def test_double_submitted_intake_form_creates_one_referral(login_as, world, named_services):
    browser = login_as(world.users["hub_admin"])
    body = _intake(world, submission_key="same-form")
    _post(browser, "/referrals/new", body)
    _post(browser, "/referrals/new", body)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Referral.id)).where(Referral.submission_key == "same-form")
        )
        == 1
    )


def test_intake_with_no_needs_rerenders_with_the_error_summary_and_saves_nothing(
    login_as, world, named_services
):
    browser = login_as(world.users["hub_admin"])
    body = _intake(world)
    body["needs-0-domain"] = ""
    response = _post(browser, "/referrals/new", body)
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and "There is a problem" in html
        and "Add at least one need" in html
    )
    assert count_rows(Referral) == 0


def test_intake_with_a_future_date_names_the_field(login_as, world, named_services):
    body = _intake(world, received_on=(dt.date.today() + dt.timedelta(days=3)).isoformat())
    response = _post(login_as(world.users["hub_admin"]), "/referrals/new", body)
    assert response.status_code == 422
    assert 'href="#received_on"' in response.get_data(as_text=True)


def test_intake_for_a_new_person_with_an_invalid_nhs_number_saves_nothing(
    login_as, world, named_services
):
    body = _intake(
        world,
        **{
            "person-nhs_number": "1234567890",
            "person-given_name": "Fictional",
            "person-family_name": "Person",
            "person-date_of_birth": "1990-01-01",
            "person-sex": "female",
            "person-gp_practice_id": str(world.person_a.gp_practice_id),
        },
    )
    del body["person_id"]
    people = count_rows(Person)
    response = _post(login_as(world.users["hub_admin"]), "/referrals/new", body)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "valid 10-digit NHS number" in html
    assert count_rows(Person) == people and count_rows(Referral) == 0


def test_intake_for_a_new_person_creates_them_in_their_practices_hub(
    login_as, world, named_services
):
    body = _intake(
        world,
        **{
            "person-nhs_number": factories.synthetic_nhs_number(),
            "person-given_name": "Fictional",
            "person-family_name": "Newcomer",
            "person-date_of_birth": "1990-01-01",
            "person-sex": "male",
            "person-gp_practice_id": str(world.person_a.gp_practice_id),
        },
    )
    del body["person_id"]
    assert _post(login_as(world.users["hub_admin"]), "/referrals/new", body).status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert referral.person.family_name == "Newcomer" and referral.team_id == world.hub_a.id


def test_intake_warns_about_an_open_referral_until_confirmed(login_as, world, make_referral):
    make_referral()
    browser = login_as(world.users["hub_admin"])
    page = browser.get(f"/referrals/new?person_id={world.person_a.id}").get_data(as_text=True)
    assert "already has an open referral" in page
    refused = _post(browser, "/referrals/new", _intake(world))
    assert refused.status_code == 422 and count_rows(Referral) == 1
    accepted = _post(browser, "/referrals/new", _intake(world, confirm_duplicate="y"))
    assert accepted.status_code == 302 and count_rows(Referral) == 2


def test_triage_form_moves_the_referral_and_shows_in_history(login_as, world, make_referral):
    referral = make_referral()
    browser = login_as(world.users["clinician"])
    path = f"/referrals/{referral.id}/triage"
    response = browser.post(
        path,
        data={
            "rationale": "Housing first",
            "priority": "urgent",
            "csrf_token": csrf_token(browser, path),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == ReferralStatus.TRIAGED
    page = browser.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Housing first" in page and "Triage" in page


def test_signpost_without_a_handover_note_rerenders_with_the_field_error(
    login_as, world, make_referral, named_services
):
    referral = make_referral()
    browser = login_as(world.users["clinician"])
    path = f"/referrals/{referral.id}/signpost"
    response = browser.post(
        path,
        data={
            "service_id": str(named_services.crisis.id),
            "handover_note": "",
            "confirmed_on": dt.date.today().isoformat(),
            "csrf_token": csrf_token(browser, path),
        },
    )
    assert response.status_code == 422 and "Write the warm-handover note" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == ReferralStatus.RECEIVED


def test_an_illegal_transition_answers_409_with_a_message(login_as, world, make_referral):
    referral = make_referral()
    browser = login_as(world.users["clinician"])
    path = f"/referrals/{referral.id}/accept"
    response = browser.post(
        path,
        data={
            "lead_worker_id": str(world.users["clinician"].id),
            "csrf_token": csrf_token(browser, path),
        },
    )
    assert response.status_code == 409
    assert "cannot be given the action" in response.get_data(as_text=True)


def test_emergency_referral_page_shows_the_crisis_routing_warning(login_as, world, make_referral):
    from hubs.referrals.models import Priority

    referral = make_referral(priority=Priority.EMERGENCY)
    html = (
        login_as(world.users["clinician"]).get(f"/referrals/{referral.id}").get_data(as_text=True)
    )
    assert "Immediate crisis routing" in html


def test_each_referral_read_writes_an_audit_row(login_as, world, make_referral):
    from hubs.core.audit import AuditEvent

    referral = make_referral()
    login_as(world.users["clinician"]).get(f"/referrals/{referral.id}")
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "referral.view"))
    assert row.person_id == world.person_a.id and row.actor_user_id == world.users["clinician"].id


def test_manager_reassigns_the_lead_worker_with_a_reason(login_as, world, make_referral):
    from hubs.referrals import services
    from hubs.referrals.models import Priority

    referral = make_referral()
    nurse = world.users["clinician"]
    services.triage(db.session, nurse, referral, rationale="ok", priority=Priority.ROUTINE)
    episode = services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    db.session.commit()
    browser = login_as(world.users["manager"])
    path = f"/referrals/episodes/{episode.id}/reassign"
    response = browser.post(
        path,
        data={
            "lead_worker_id": str(world.users["vcse_worker"].id),
            "reason": "Needs community links",
            "csrf_token": csrf_token(browser, path),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(episode), episode.id).lead_worker_id == world.users["vcse_worker"].id
    assert login_as(world.users["clinician"]).get(path).status_code == 403


def test_person_sees_their_referral_status_and_wait_in_plain_words(login_as, world, make_referral):
    make_referral(received_on=dt.date.today() - dt.timedelta(days=10))
    html = login_as(world.users["person"]).get("/my/referrals").get_data(as_text=True)
    assert "has your referral" in html and "You have waited 10 days" in html
    assert "18 days before the 4 weeks" in html


def test_person_never_sees_another_persons_referrals(login_as, world, make_referral):
    referral = make_referral(
        person=world.person_b,
        actor=world.users["other_hub_clinician"],
        what_matters="Canary-referral-text",
    )
    browser = login_as(world.users["person"])
    assert "Canary-referral-text" not in browser.get("/my/referrals").get_data(as_text=True)
    assert browser.get(f"/referrals/{referral.id}").status_code == 403


def test_person_can_refer_themselves(login_as, world, named_services):
    browser = login_as(world.users["person"])
    page = browser.get("/my/referrals/new").get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post(
        "/my/referrals/new",
        data={
            "needs-0-domain": "friendships",
            "needs-0-severity": "moderate",
            "needs-0-own_words": "Lonely",
            "submission_key": key,
            "csrf_token": csrf_token(browser, "/my/referrals/new"),
        },
    )
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert referral.source == ReferralSource.SELF and referral.person_id == world.person_a.id
    assert referral.team_id == world.hub_a.id
