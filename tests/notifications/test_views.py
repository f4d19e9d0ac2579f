"""My tasks and the person's message choices, over HTTP."""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import escape

from hubs.core.alerts import alert_staff
from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.people.models import ContactPreference
from tests.conftest import csrf_token


def _task(world, role: str, key: str, person=None, title: str = "Review due") -> StaffTask:
    user = world.users[role]
    alert_staff(
        [user.id],
        kind="care_plan_review",
        title=title,
        dedupe_key=key,
        person_id=(person or world.person_a).id,
        link="/people/1",
    )
    db.session.commit()
    return db.session.scalar(
        sa.select(StaffTask).where(StaffTask.recipient_id == user.id, StaffTask.dedupe_key == key)
    )


def test_my_tasks_shows_only_my_own_open_tasks(login_as, world):
    _task(world, "clinician", "mine", title="Mytaskcanary")
    _task(world, "manager", "theirs", title="Othertaskcanary")
    html = login_as(world.users["clinician"]).get("/tasks/").get_data(as_text=True)
    assert "Mytaskcanary" in html and "Othertaskcanary" not in html
    assert "Care plan review" in html and str(escape(world.person_a.full_name)) in html


def test_my_tasks_empty_state_says_what_the_page_is_for(login_as, world):
    html = login_as(world.users["hub_admin"]).get("/tasks/").get_data(as_text=True)
    assert "You have no open tasks" in html and "waiting-time standard" in html


def test_reading_tasks_about_a_person_writes_an_audit_row_each(db, login_as, world):
    task = _task(world, "clinician", "mine")
    login_as(world.users["clinician"]).get("/tasks/")
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.view")).all()
    assert [(r.person_id, r.record_id) for r in rows] == [(world.person_a.id, str(task.id))]


def test_the_header_counts_my_open_tasks(login_as, world):
    _task(world, "clinician", "one")
    _task(world, "clinician", "two")
    html = login_as(world.users["clinician"]).get("/people/").get_data(as_text=True)
    assert "My tasks (2)" in html


def test_marking_a_task_done_takes_it_off_the_list(db, login_as, world):
    task = _task(world, "clinician", "mine", title="Donecanary")
    browser = login_as(world.users["clinician"])
    response = browser.post(
        f"/tasks/{task.id}",
        data={"outcome": "done", "csrf_token": csrf_token(browser, "/tasks/")},
    )
    assert response.status_code == 302
    page = browser.get("/tasks/").get_data(as_text=True)
    assert "Task marked as done" in page and "Donecanary" not in page
    db.session.refresh(task)
    assert task.done_at is not None


def test_dismissing_a_task_records_it_as_dismissed(db, login_as, world):
    task = _task(world, "clinician", "mine")
    browser = login_as(world.users["clinician"])
    browser.post(
        f"/tasks/{task.id}",
        data={"outcome": "dismissed", "csrf_token": csrf_token(browser, "/tasks/")},
    )
    db.session.refresh(task)
    assert task.dismissed_at is not None and task.done_at is None


def test_someone_elses_task_answers_404_and_stays_open(db, login_as, world):
    task = _task(world, "manager", "theirs")
    browser = login_as(world.users["clinician"])
    response = browser.post(
        f"/tasks/{task.id}", data={"outcome": "done", "csrf_token": csrf_token(browser, "/tasks/")}
    )
    assert response.status_code == 404
    db.session.refresh(task)
    assert task.is_open


def test_an_unknown_outcome_is_refused(login_as, world):
    task = _task(world, "clinician", "mine")
    browser = login_as(world.users["clinician"])
    response = browser.post(
        f"/tasks/{task.id}",
        data={"outcome": "deleted", "csrf_token": csrf_token(browser, "/tasks/")},
    )
    assert response.status_code == 400


def test_every_close_button_posts_with_a_csrf_token(login_as, world):
    _task(world, "clinician", "mine")
    html = login_as(world.users["clinician"]).get("/tasks/").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", html, flags=re.S)
    task_forms = [f for f in forms if "/tasks/" in f]
    assert task_forms and all('name="csrf_token"' in f for f in task_forms)


# --- The person's choice of messages ----------------------------------------------------------


def test_a_person_chooses_text_messages_in_the_portal(db, login_as, world):
    browser = login_as(world.users["person"])
    page = browser.get("/my/messages").get_data(as_text=True)
    assert "never says anything about your health" in page
    response = browser.post(
        "/my/messages",
        data={
            "preference": "sms",
            "mobile_phone": "07700 900 456",
            "csrf_token": csrf_token(browser, "/my/messages"),
        },
    )
    assert response.status_code == 302
    db.session.refresh(world.person_a)
    assert world.person_a.contact_preference == ContactPreference.SMS
    assert world.person_a.mobile_phone == "07700900456"


def test_a_person_can_stop_messages(db, login_as, world):
    world.person_a.contact_preference = ContactPreference.SMS
    world.person_a.mobile_phone = "07700900456"
    db.session.commit()
    browser = login_as(world.users["person"])
    browser.post(
        "/my/messages",
        data={"preference": "no_messages", "csrf_token": csrf_token(browser, "/my/messages")},
    )
    db.session.refresh(world.person_a)
    assert world.person_a.contact_preference == ContactPreference.NO_MESSAGES


def test_choosing_texts_without_a_mobile_number_shows_the_error_on_the_field(login_as, world):
    browser = login_as(world.users["person"])
    response = browser.post(
        "/my/messages",
        data={"preference": "sms", "csrf_token": csrf_token(browser, "/my/messages")},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and 'href="#mobile_phone"' in html


def test_choosing_nothing_is_refused_with_a_message(login_as, world):
    browser = login_as(world.users["person"])
    response = browser.post(
        "/my/messages", data={"csrf_token": csrf_token(browser, "/my/messages")}
    )
    assert response.status_code == 422
    assert "Choose how we should contact you" in response.get_data(as_text=True)
