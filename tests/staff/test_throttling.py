"""Sign-in throttling that an attacker cannot turn on a victim: a per-client request limit,
and lockouts of one (account, client) pair only, lifted by the owner's code or an
administrator, and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyotp
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from hubs.core.audit import AuditEvent
from hubs.extensions import db as _db
from hubs.staff import services as staff_services
from hubs.staff.throttle import limiter
from tests.conftest import csrf_token
from tests.helpers.web import post_sign_in

PASSWORD = "correct-horse-battery-staple"  # the factories' password
WRONG = "wrong-password-guess"
LOCKED_OUT = "Too many sign-in attempts"
BAD_CREDENTIALS = "Enter a correct email address and password"
T0 = dt.datetime(2025, 3, 3, 9, 0, 10, tzinfo=dt.UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
ATTACKER, OWNER = "203.0.113.5", "198.51.100.7"


def from_address(app: Flask, address: str) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def lock_out(browser: FlaskClient, email: str) -> None:
    for _ in range(10):
        assert BAD_CREDENTIALS in post_sign_in(browser, email, WRONG).get_data(as_text=True)


def actions(db, name: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == name)))


def test_ten_wrong_passwords_from_one_client_do_not_lock_the_owner_out_on_their_own(app, world, db):
    email = world.users["clinician"].email
    with time_machine.travel(T0, tick=False):
        lock_out(from_address(app, ATTACKER), email)
        response = post_sign_in(from_address(app, OWNER), email, PASSWORD)
    assert response.status_code == 302


def test_the_client_that_guessed_is_locked_out_of_that_account_and_the_lockout_is_audited(
    app, world, db
):
    user = world.users["clinician"]
    attacker = from_address(app, ATTACKER)
    with time_machine.travel(T0, tick=False):
        lock_out(attacker, user.email)
        refused = post_sign_in(attacker, user.email, PASSWORD)
        other_account = post_sign_in(attacker, world.users["vcse_worker"].email, PASSWORD)
    assert LOCKED_OUT in refused.get_data(as_text=True)
    assert other_account.status_code == 302
    [row] = actions(db, "auth.lockout")
    assert row.record_id == str(user.id)


def test_the_lockout_ends_with_the_window(app, world, db):
    email = world.users["clinician"].email
    browser = from_address(app, ATTACKER)
    with time_machine.travel(T0, tick=False):
        lock_out(browser, email)
    with time_machine.travel(T0 + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert post_sign_in(browser, email, PASSWORD).status_code == 302


def test_the_owner_lifts_their_lockout_with_a_valid_code(app, world, db):
    user = world.users["clinician"]
    user.mfa_secret, user.mfa_enrolled_at = SECRET, T0 - dt.timedelta(days=1)
    db.session.commit()
    browser = from_address(app, OWNER)
    with time_machine.travel(T0, tick=False):
        lock_out(browser, user.email)
        to_code = post_sign_in(browser, user.email, PASSWORD)
        assert to_code.headers["Location"].endswith("/sign-in/code")
        token = csrf_token(browser, "/sign-in/code")
        code = pyotp.TOTP(SECRET).at(T0)
        signed_in = browser.post("/sign-in/code", data={"csrf_token": token, "code": code})
    assert signed_in.status_code == 302
    assert "/sign-in" not in signed_in.headers["Location"]
    [lifted] = actions(db, "auth.lockout_lifted")
    assert lifted.actor_user_id == user.id
    with time_machine.travel(T0 + dt.timedelta(seconds=1), tick=False):
        again = post_sign_in(from_address(app, OWNER), user.email, WRONG)
    assert BAD_CREDENTIALS in again.get_data(as_text=True)  # the count started again


def test_a_password_alone_does_not_lift_a_lockout_for_an_account_without_a_code(app, world, db):
    email = world.users["clinician"].email
    browser = from_address(app, ATTACKER)
    with time_machine.travel(T0, tick=False):
        lock_out(browser, email)
        for _ in range(2):
            assert LOCKED_OUT in post_sign_in(browser, email, PASSWORD).get_data(as_text=True)
    assert actions(db, "auth.lockout_lifted") == []


def test_a_system_administrator_lifts_the_lockouts_of_an_account(app, client, world, db):
    user = world.users["clinician"]
    locked = from_address(app, ATTACKER)
    with time_machine.travel(T0, tick=False):
        lock_out(locked, user.email)
        token = staff_services.sign_in(
            _db.session, world.users["sysadmin"], ip_address="127.0.0.1", user_agent="pytest"
        )
        _db.session.commit()
        with client.session_transaction() as cookie_session:
            cookie_session["_user_id"] = token
        path = f"/admin/users/{user.id}/lift-lockouts"
        lifted = client.post(path, data={"csrf_token": csrf_token(client, "/admin/users")})
        assert lifted.status_code == 302
        assert post_sign_in(locked, user.email, PASSWORD).status_code == 302
    [row] = actions(db, "auth.lockout_lifted")
    assert (row.actor_user_id, row.record_id) == (world.users["sysadmin"].id, str(user.id))


@pytest.fixture
def small_limit(app: Flask) -> Iterator[None]:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    limiter.reset()


def test_one_client_may_post_the_sign_in_form_only_so_often(small_limit, app, world, db):
    email = world.users["clinician"].email
    busy, other = from_address(app, ATTACKER), from_address(app, OWNER)
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert post_sign_in(busy, email, WRONG).status_code == 200
        assert post_sign_in(busy, email, PASSWORD).status_code == 429
        assert post_sign_in(other, email, PASSWORD).status_code == 302
    with time_machine.travel(T0 + dt.timedelta(minutes=1, seconds=1), tick=False):
        assert post_sign_in(busy, email, PASSWORD).status_code == 302
