"""Support pages: scoping answers 404, quick log then expand, bad input shows the field."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.extensions import db
from hubs.support.models import Contact
from tests.builders import RECEIVED_DAYS_AGO
from tests.conftest import csrf_token


def _post(browser, path: str, body: dict[str, str]):  # type: ignore[no-untyped-def]
    return browser.post(path, data={**body, "csrf_token": csrf_token(browser, "/account/password")})


def _contacts() -> list[Contact]:
    return list(db.session.scalars(sa.select(Contact)))


def test_connector_sees_the_support_log_of_a_person_allocated_to_them(login_as, world, allocated):
    response = login_as(world.users["vcse_worker"]).get(f"/support/people/{world.person_a.id}")
    assert response.status_code == 200
    assert "No contacts logged yet" in response.get_data(as_text=True)


def test_connector_gets_404_for_the_support_log_of_someone_not_allocated_to_them(
    login_as, world, allocated
):
    browser = login_as(world.users["other_vcse_worker"])
    for path in (
        f"/support/people/{world.person_a.id}",
        f"/support/people/{world.person_a.id}/contacts/new",
        f"/support/people/{world.person_a.id}/offers",
        f"/trackers/people/{world.person_a.id}/health-checks/new",
    ):
        assert browser.get(path).status_code == 404, path


def test_connector_cannot_log_a_contact_for_someone_not_allocated_to_them(
    login_as, world, allocated
):
    browser = login_as(world.users["vcse_worker"])
    response = _post(
        browser,
        f"/support/people/{world.person_shared.id}/contacts/quick",
        {"mode": "phone", "duration_minutes": "10", "reached": "yes"},
    )
    assert response.status_code == 404
    assert _contacts() == []


def test_quick_log_saves_the_contact_and_opens_it_to_add_details(login_as, world, allocated):
    browser = login_as(world.users["vcse_worker"])
    response = _post(
        browser,
        f"/support/people/{world.person_a.id}/contacts/quick",
        {"mode": "phone", "duration_minutes": "15", "reached": "yes"},
    )
    [contact] = _contacts()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/support/contacts/{contact.id}")
    assert contact.contact_on == dt.date.today() and contact.duration_minutes == 15
    expanded = _post(
        browser,
        f"/support/contacts/{contact.id}",
        {"activities": ["peer_support", "what_matters"], "notes": "Good chat", "next_step": "Call"},
    )
    assert expanded.status_code == 302
    db.session.expire_all()
    assert {a.activity.value for a in db.session.get(Contact, contact.id).activities} == {
        "peer_support",
        "what_matters",
    }


def test_quick_log_with_an_absurd_duration_shows_the_full_form_with_the_field_error(
    login_as, world, allocated
):
    browser = login_as(world.users["vcse_worker"])
    response = _post(
        browser,
        f"/support/people/{world.person_a.id}/contacts/quick",
        {"mode": "phone", "duration_minutes": "900", "reached": "yes"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#duration_minutes"' in html and "more than 12 hours" in html
    assert _contacts() == []


def test_full_contact_form_refuses_a_date_before_the_first_referral_naming_the_field(
    login_as, world, allocated
):
    too_early = dt.date.today() - dt.timedelta(days=RECEIVED_DAYS_AGO + 3)
    response = _post(
        login_as(world.users["vcse_worker"]),
        f"/support/people/{world.person_a.id}/contacts/new",
        {
            "contact_on": too_early.isoformat(),
            "duration_minutes": "30",
            "mode": "face_to_face",
            "reached": "yes",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#contact_on"' in html and "first referred" in html
    assert _contacts() == []


def test_full_contact_form_refuses_a_negative_duration(login_as, world, allocated):
    response = _post(
        login_as(world.users["clinician"]),
        f"/support/people/{world.person_a.id}/contacts/new",
        {
            "contact_on": dt.date.today().isoformat(),
            "duration_minutes": "-10",
            "mode": "phone",
            "reached": "yes",
        },
    )
    assert response.status_code == 422
    assert "cannot be negative" in response.get_data(as_text=True)
    assert _contacts() == []


def test_staff_only_notes_are_marked_as_such_in_the_log(login_as, world, allocated):
    browser = login_as(world.users["vcse_worker"])
    _post(
        browser,
        f"/support/people/{world.person_a.id}/contacts/new",
        {
            "contact_on": dt.date.today().isoformat(),
            "duration_minutes": "30",
            "mode": "face_to_face",
            "reached": "yes",
            "notes": "Worried about their safety at home",
            "is_staff_only": "y",
        },
    )
    html = browser.get(f"/support/people/{world.person_a.id}").get_data(as_text=True)
    assert "Staff only" in html and "Worried about their safety at home" in html


def test_another_worker_reads_a_contact_but_cannot_change_it(login_as, world, allocated):
    connector = login_as(world.users["vcse_worker"])
    _post(
        connector,
        f"/support/people/{world.person_a.id}/contacts/quick",
        {"mode": "phone", "duration_minutes": "15", "reached": "yes"},
    )
    [contact] = _contacts()
    nurse = login_as(world.users["clinician"])
    page = nurse.get(f"/support/contacts/{contact.id}")
    assert page.status_code == 200 and "Save details" not in page.get_data(as_text=True)
    assert _post(nurse, f"/support/contacts/{contact.id}", {"notes": "x"}).status_code == 403


def test_offer_search_page_filters_and_says_what_to_do_when_nothing_matches(login_as, world):
    html = (
        login_as(world.users["vcse_worker"])
        .get("/support/offers?need=money_debt&day=6&time=morning")
        .get_data(as_text=True)
    )
    assert "No offers match all of these" in html and "clear them" in html


def test_reading_the_support_log_is_audited(db, login_as, world, allocated):
    from hubs.core.audit import AuditEvent

    login_as(world.users["vcse_worker"]).get(f"/support/people/{world.person_a.id}")
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "support_log.view")
    ).all()
    assert [(r.person_id, r.actor_user_id) for r in rows] == [
        (world.person_a.id, world.users["vcse_worker"].id)
    ]
