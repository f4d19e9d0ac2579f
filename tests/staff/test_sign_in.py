"""Signing in through the real form: start pages, messages, lockout, hashing, next, audit."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from hubs.core.audit import AuditEvent
from hubs.staff import services as staff_services
from hubs.staff.models import LoginAttempt, User
from hubs.staff.passwords import verify_password
from tests.factories import PASSWORD
from tests.helpers.web import post_sign_in

BAD_CREDENTIALS = "Enter a correct email address and password"
LOCKED_OUT = "Too many sign-in attempts"
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def browser(app: Flask, db: object) -> FlaskClient:
    """A fresh browser with no cookies."""
    return app.test_client()


def attempts_for(db, email: str) -> list[LoginAttempt]:
    return list(db.session.scalars(sa.select(LoginAttempt).where(LoginAttempt.email == email)))


# --- start pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "start_page"),
    [
        ("clinician", "/referrals/"),
        ("vcse_worker", "/caseloads/"),
        ("hub_admin", "/referrals/"),
        ("manager", "/team"),
        ("analyst", "/reporting/"),
        ("sysadmin", "/admin/users"),
        ("person", "/my/"),
    ],
)
def test_each_access_role_lands_on_its_own_start_page_after_signing_in(
    app, world, role, start_page
):
    browser = app.test_client()
    response = post_sign_in(browser, world.users[role].email, PASSWORD, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == start_page
    assert [r.status_code for r in response.history] == [302, 302]


def test_sign_in_email_matching_ignores_case_and_surrounding_spaces(browser, world):
    email = world.users["clinician"].email

    response = post_sign_in(browser, f"  {email.upper()} ", PASSWORD, follow_redirects=True)

    assert response.request.path == "/referrals/"
    assert browser.get("/people/").status_code == 200


def test_sign_in_page_is_shown_to_anonymous_visitors_and_protected_pages_redirect_there(browser):
    assert browser.get("/sign-in").status_code == 200
    response = browser.get("/people/")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_sign_in_without_csrf_token_is_refused_and_signs_nobody_in(browser, world):
    response = browser.post(
        "/sign-in", data={"email": world.users["clinician"].email, "password": PASSWORD}
    )

    assert response.status_code == 400
    assert browser.get("/people/").status_code == 302


# --- failures look the same -------------------------------------------------------------


def test_wrong_password_and_unknown_email_give_the_same_message_and_status(browser, world, db):
    wrong = post_sign_in(browser, world.users["clinician"].email, "not-the-password-at-all")
    unknown = post_sign_in(browser, "nobody-here@test.invalid", PASSWORD)

    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert BAD_CREDENTIALS in html
        assert "There is a problem" in html  # the error summary
        assert "<title>Error: Sign in" in html
    assert browser.get("/people/").status_code == 302


def test_failed_sign_in_page_does_not_echo_the_password(browser, world):
    response = post_sign_in(browser, world.users["clinician"].email, "secret-typed-wrongly-1")

    assert "secret-typed-wrongly-1" not in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in_even_with_the_correct_password(browser, world, db):
    user = world.users["clinician"]
    user.is_active = False
    db.session.flush()

    response = post_sign_in(browser, user.email, PASSWORD)

    assert response.status_code == 200
    assert BAD_CREDENTIALS in response.get_data(as_text=True)
    assert browser.get("/people/").status_code == 302


# --- lockout ----------------------------------------------------------------------------


def test_eleventh_attempt_after_ten_wrong_passwords_in_five_minutes_is_refused_even_when_correct(
    browser, world, db
):
    email = world.users["clinician"].email
    with time_machine.travel(T0, tick=False):
        for _ in range(10):
            response = post_sign_in(browser, email, "wrong-password-guess")
            assert BAD_CREDENTIALS in response.get_data(as_text=True)
    with time_machine.travel(T0 + dt.timedelta(minutes=4), tick=False):
        response = post_sign_in(browser, email, PASSWORD)
        html = response.get_data(as_text=True)

        assert response.status_code == 200
        assert LOCKED_OUT in html
        assert BAD_CREDENTIALS not in html
        assert browser.get("/people/").status_code == 302


def test_nine_wrong_passwords_do_not_lock_out_the_tenth_correct_attempt(browser, world, db):
    email = world.users["clinician"].email
    with time_machine.travel(T0, tick=False):
        for _ in range(9):
            post_sign_in(browser, email, "wrong-password-guess")

        response = post_sign_in(browser, email, PASSWORD)

    assert response.status_code == 302
    assert LOCKED_OUT not in response.get_data(as_text=True)


def test_failed_sign_in_attempts_are_kept_although_the_request_failed(browser, world, db):
    email = world.users["clinician"].email
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            post_sign_in(browser, email.upper(), "wrong-password-guess")
        post_sign_in(browser, "nobody-here@test.invalid", "whatever-it-is")
    db.session.expire_all()

    kept = attempts_for(db, email)
    assert len(kept) == 3
    assert all(a.succeeded is False for a in kept)
    assert all(a.at == T0 for a in kept)
    assert len(attempts_for(db, "nobody-here@test.invalid")) == 1


def test_lockout_gives_the_same_message_for_an_unknown_email_address(browser, world, db):
    known, unknown = world.users["clinician"].email, "nobody-here@test.invalid"
    with time_machine.travel(T0, tick=False):
        for email in (known, unknown):
            for _ in range(10):
                post_sign_in(browser, email, "wrong-password-guess")
        known_page = post_sign_in(browser, known, PASSWORD)
        unknown_page = post_sign_in(browser, unknown, PASSWORD)

    assert known_page.status_code == unknown_page.status_code == 200
    assert LOCKED_OUT in known_page.get_data(as_text=True)
    assert LOCKED_OUT in unknown_page.get_data(as_text=True)
    db.session.expire_all()
    assert len(attempts_for(db, unknown)) == 11


def test_lockout_of_one_email_does_not_lock_other_accounts(browser, world, db):
    with time_machine.travel(T0, tick=False):
        for _ in range(10):
            post_sign_in(browser, world.users["clinician"].email, "wrong-password-guess")

        response = post_sign_in(browser, world.users["vcse_worker"].email, PASSWORD)

    assert response.status_code == 302


def test_correct_password_works_again_once_the_five_minute_window_has_passed(browser, world, db):
    email = world.users["clinician"].email
    with time_machine.travel(T0, tick=False):
        for _ in range(10):
            post_sign_in(browser, email, "wrong-password-guess")
    with time_machine.travel(T0 + dt.timedelta(minutes=4, seconds=59), tick=False):
        assert LOCKED_OUT in post_sign_in(browser, email, PASSWORD).get_data(as_text=True)
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        response = post_sign_in(browser, email, PASSWORD, follow_redirects=True)

        assert response.request.path == "/referrals/"


# --- password storage -------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_never_plain(db, world):
    plain = "a-brand-new-long-password"
    user = staff_services.create_user(
        db.session,
        email="New.Starter@Test.Invalid",
        display_name="New Starter",
        password=plain,
        role=world.users["clinician"].role,
        organisation_id=world.trust.id,
    )
    db.session.flush()
    db.session.expire_all()

    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
    assert plain not in stored
    assert verify_password(stored, plain)
    assert not verify_password(stored, plain + "x")
    assert user.email == "new.starter@test.invalid"


def test_portal_accounts_also_store_argon2id_hashes(db, world):
    stored = db.session.scalar(
        sa.select(User.password_hash).where(User.id == world.users["person"].id)
    )
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_creating_a_second_account_for_the_same_email_in_other_case_is_refused(db, world):
    from hubs.core.errors import ValidationError

    with pytest.raises(ValidationError):
        staff_services.create_user(
            db.session,
            email=world.users["clinician"].email.upper(),
            display_name="Duplicate",
            password="another-long-password",
            role=world.users["clinician"].role,
            organisation_id=world.trust.id,
        )


# --- next -------------------------------------------------------------------------------


def test_sign_in_returns_to_the_same_site_page_that_asked_for_it(browser, world):
    asked = browser.get("/directory/services")
    assert asked.status_code == 302

    response = post_sign_in(browser, world.users["clinician"].email, PASSWORD, path=asked.location)

    assert response.status_code == 302
    assert response.location == "/directory/services"


def test_sign_in_next_to_another_site_lands_on_the_start_page_instead(browser, world):
    response = post_sign_in(
        browser,
        world.users["clinician"].email,
        PASSWORD,
        query_string={"next": "https://evil.example/"},
        follow_redirects=True,
    )

    assert response.request.path == "/referrals/"
    assert all("evil.example" not in r.location for r in response.history)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_next_parameter_never_redirects_off_site(browser, world, target):
    response = post_sign_in(
        browser, world.users["clinician"].email, PASSWORD, query_string={"next": target}
    )

    assert response.status_code == 302
    # Resolve the Location as a browser does (WHATWG URLs treat a backslash as a slash).
    landed = urljoin("https://hubs.test/sign-in", response.location.replace("\\", "/"))
    assert urlsplit(landed).scheme == "https"
    assert urlsplit(landed).netloc == "hubs.test"


# --- audit ------------------------------------------------------------------------------


def test_each_successful_sign_in_writes_an_audit_row_with_user_role_and_request_id(
    browser, world, db
):
    user = world.users["manager"]
    request_id = "sign-in-test-request-0001"

    post_sign_in(browser, user.email, "wrong-password-guess")
    response = post_sign_in(browser, user.email, PASSWORD, headers={"X-Request-ID": request_id})
    assert response.status_code == 302
    db.session.expire_all()

    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.sign_in")
    ).all()
    assert len(rows) == 1
    (row,) = rows
    assert row.actor_user_id == user.id
    assert row.actor_role == "manager"
    assert row.actor_label == user.email
    assert row.record_type == "user" and row.record_id == str(user.id)
    assert row.request_id == request_id
    assert row.outcome == "success"


def test_every_sign_in_writes_its_own_audit_row(app, world, db):
    user = world.users["analyst"]
    for _ in range(2):
        assert post_sign_in(app.test_client(), user.email, PASSWORD).status_code == 302
    db.session.expire_all()

    count = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.sign_in", AuditEvent.actor_user_id == user.id
        )
    )
    assert count == 2


def test_a_failed_sign_in_writes_no_sign_in_audit_row(browser, world, db):
    post_sign_in(browser, world.users["analyst"].email, "wrong-password-guess")
    db.session.expire_all()

    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "auth.sign_in")
        )
        == 0
    )


def test_signed_in_browser_visiting_sign_in_is_sent_to_its_start_page(browser, world):
    post_sign_in(browser, world.users["sysadmin"].email, PASSWORD)

    response = browser.get("/sign-in", follow_redirects=True)

    assert response.request.path == "/admin/users"


def test_the_csrf_token_from_before_sign_in_is_refused_after_it(browser, world):
    from tests.conftest import csrf_token

    nurse = world.users["clinician"]
    before = csrf_token(browser, "/sign-in")
    signed_in = browser.post(
        "/sign-in", data={"csrf_token": before, "email": nurse.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    stale = browser.post("/sign-out", data={"csrf_token": before})
    fresh_token = csrf_token(browser, "/account/password")

    assert stale.status_code == 400
    assert fresh_token != before
    assert browser.post("/sign-out", data={"csrf_token": fresh_token}).status_code == 302
