"""Server-side sessions: sign-out revokes the record, idle and absolute timeouts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from hubs.core.audit import AuditEvent
from hubs.staff.models import User, UserSession
from hubs.staff.sessions import token_digest
from tests.conftest import csrf_token
from tests.helpers.web import sign_in_with_form

COOKIE = "hubs_session"
T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie (a replay)."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "the browser has no session cookie to copy"
    other = app.test_client()
    other.set_cookie(COOKIE, cookie.value)
    return other


def sessions_of(db, user: User) -> list[UserSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
        )
    )


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/sign-in")


# --- the record, not the cookie ---------------------------------------------------------


def test_the_cookie_holds_only_an_opaque_token_whose_hash_is_stored(app, world, db):
    browser = app.test_client()
    sign_in_with_form(browser, world.users["clinician"])

    with browser.session_transaction() as cookie_session:
        token = cookie_session["_user_id"]
    (record,) = sessions_of(db, world.users["clinician"])

    assert token != str(world.users["clinician"].id)
    assert record.token_hash == token_digest(token)
    assert token not in record.token_hash
    assert record.revoked_at is None


def test_a_cookie_copied_before_sign_out_no_longer_works_after_sign_out(app, world, db):
    browser = app.test_client()
    sign_in_with_form(browser, world.users["clinician"])
    replay = copy_of(app, browser)
    assert replay.get("/people/").status_code == 200  # the copy works while signed in

    response = browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/people/")})
    assert is_signed_out(response)

    assert is_signed_out(replay.get("/people/"))
    assert is_signed_out(browser.get("/people/"))
    (record,) = sessions_of(db, world.users["clinician"])
    assert record.revoked_at is not None
    assert record.revoked_reason == "signed_out"


def test_signing_out_one_browser_leaves_the_users_other_sessions_working(app, world, db):
    user = world.users["vcse_worker"]
    laptop, desktop = app.test_client(), app.test_client()
    sign_in_with_form(laptop, user)
    sign_in_with_form(desktop, user)

    laptop.post("/sign-out", data={"csrf_token": csrf_token(laptop, "/people/")})

    assert desktop.get("/people/").status_code == 200
    assert [r.revoked_reason for r in sessions_of(db, user)] == ["signed_out", None]


def test_sign_out_writes_an_audit_row(login_as, world, db):
    user = world.users["manager"]
    client = login_as(user)

    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/team")})
    db.session.expire_all()

    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.sign_out"))
    assert row is not None
    assert row.actor_user_id == user.id


def test_sign_out_by_get_is_not_allowed_and_leaves_the_session_working(login_as, world, db):
    client = login_as(world.users["clinician"])

    response = client.get("/sign-out")

    assert response.status_code == 405
    assert client.get("/people/").status_code == 200
    assert all(r.revoked_at is None for r in sessions_of(db, world.users["clinician"]))


def test_sign_out_without_csrf_token_is_refused_and_leaves_the_session_working(login_as, world, db):
    client = login_as(world.users["clinician"])

    response = client.post("/sign-out")

    assert response.status_code == 400
    assert client.get("/people/").status_code == 200
    assert all(r.revoked_at is None for r in sessions_of(db, world.users["clinician"]))


def test_sign_out_with_a_forged_csrf_token_is_refused(login_as, world, db):
    client = login_as(world.users["clinician"])
    csrf_token(client, "/people/")  # the session has a real token; the form sends another

    response = client.post("/sign-out", data={"csrf_token": "forged-token"})

    assert response.status_code == 400
    assert client.get("/people/").status_code == 200


def test_a_made_up_session_token_in_a_signed_cookie_is_not_signed_in(app, world, db):
    browser = app.test_client()
    with browser.session_transaction() as cookie_session:
        cookie_session["_user_id"] = str(world.users["clinician"].id)

    assert is_signed_out(browser.get("/people/"))


# --- idle timeout -----------------------------------------------------------------------


def test_activity_within_fifteen_minutes_keeps_the_session_alive(login_as, world, db):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        client = login_as(user)
    for minutes in (14, 28, 42):
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/people/").status_code == 200

    (record,) = sessions_of(db, user)
    assert record.revoked_at is None
    assert record.last_seen_at == T0 + dt.timedelta(minutes=42)


def test_sixteen_minutes_idle_signs_the_browser_out_and_revokes_the_record(login_as, world, db):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        client = login_as(user)
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert client.get("/people/").status_code == 200
    expired_at = T0 + dt.timedelta(minutes=30)
    with time_machine.travel(expired_at, tick=False):
        assert is_signed_out(client.get("/people/"))

    (record,) = sessions_of(db, user)
    assert record.revoked_reason == "idle_timeout"
    assert record.revoked_at == expired_at


def test_an_idle_expired_session_stays_dead_when_used_again_soon_after(login_as, world, db):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        client = login_as(user)
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        assert is_signed_out(client.get("/people/"))
    with time_machine.travel(T0 + dt.timedelta(minutes=17), tick=False):
        assert is_signed_out(client.get("/people/"))

    (record,) = sessions_of(db, user)
    assert record.revoked_reason == "idle_timeout"


# --- absolute timeout -------------------------------------------------------------------


def test_absolute_timeout_of_twelve_hours_applies_even_with_activity_every_ten_minutes(
    login_as, world, db
):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        client = login_as(user)
    for step in range(1, 72):  # every 10 minutes up to 11h50m
        with time_machine.travel(T0 + dt.timedelta(minutes=10 * step), tick=False):
            assert client.get("/account/password").status_code == 200, f"at {10 * step} min"
    with time_machine.travel(T0 + dt.timedelta(hours=12), tick=False):
        client.get("/account/password")  # the boundary itself may go either way
    with time_machine.travel(T0 + dt.timedelta(hours=12, minutes=10), tick=False):
        assert is_signed_out(client.get("/people/"))

    (record,) = sessions_of(db, user)
    assert record.revoked_reason == "absolute_timeout"


def test_signing_in_again_after_a_timeout_opens_a_new_session(app, world, db):
    user = world.users["clinician"]
    browser = app.test_client()
    with time_machine.travel(T0, tick=False):
        sign_in_with_form(browser, user)
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        assert is_signed_out(browser.get("/people/"))
        sign_in_with_form(browser, user)
        assert browser.get("/people/").status_code == 200

    assert [r.revoked_reason for r in sessions_of(db, user)] == ["idle_timeout", None]


def test_signed_in_pages_are_not_stored_in_the_browser_cache(login_as, world):
    client = login_as(world.users["clinician"])

    response = client.get("/people/")

    assert response.headers["Cache-Control"] == "no-store"
