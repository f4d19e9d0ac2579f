"""The second factor: enrolment at first sign-in, password then code, recovery codes, resets
by a system administrator, step-up before break-glass, exports and bulk reassignment, and
production's refusal to start with staff who have none."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_migrate
import pyotp
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from hubs import create_app
from hubs.config import ProductionConfig, UnsafeConfiguration
from hubs.core.audit import AuditEvent, Outcome
from hubs.directory.models import Organisation, OrganisationKind
from hubs.extensions import db as _db
from hubs.staff import services as staff_services
from hubs.staff.models import MfaReset, RecoveryCode, StaffRole, User, UserSession
from tests.conftest import csrf_token
from tests.helpers.web import post_sign_in

PASSWORD = "correct-horse-battery-staple"  # the factories' password
T0 = dt.datetime(2025, 3, 3, 9, 0, 10, tzinfo=dt.UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"  # a fixed secret: codes are known for each moment
STRONG = "x" * 40


@pytest.fixture
def mfa_on(app: Flask) -> Iterator[None]:
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


@pytest.fixture
def browser(app: Flask, db: object) -> FlaskClient:
    return app.test_client()


def code_at(moment: dt.datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrolled(db, user: User, at: dt.datetime = T0) -> User:  # type: ignore[no-untyped-def]
    user.mfa_secret, user.mfa_enrolled_at = SECRET, at - dt.timedelta(days=1)
    db.session.commit()
    return user


def post_code(browser: FlaskClient, path: str, code: str, token_from: str | None = None) -> object:
    token = csrf_token(browser, token_from or path)
    return browser.post(path, data={"csrf_token": token, "code": code})


def signed_in_with_code(client: FlaskClient, db, user: User) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A browser whose session passed the second factor now (as the code page leaves it)."""
    token = staff_services.sign_in(
        db.session, user, ip_address="127.0.0.1", user_agent="pytest", second_factor=True
    )
    db.session.commit()
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = token
    return client


def is_signed_in(browser: FlaskClient) -> bool:
    return "/sign-in" not in browser.get("/").headers.get("Location", "")


def audit_rows(db, action: str, outcome: Outcome = Outcome.SUCCESS) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.outcome == outcome)
        )
    )


# --- enrolment at first sign-in --------------------------------------------------------


def test_staff_without_mfa_go_from_the_password_to_enrolment_and_are_not_yet_signed_in(
    mfa_on, browser, world
):
    with time_machine.travel(T0, tick=False):
        response = post_sign_in(browser, world.users["clinician"].email, PASSWORD)

        assert response.status_code == 302
        assert response.headers["Location"].endswith("/sign-in/authenticator")
        assert not is_signed_in(browser)
        assert "/sign-in" in browser.get("/people/").headers["Location"]  # not the page
        page = browser.get("/sign-in/authenticator").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg")[0]
    assert re.search(r'id="mfa-secret">[A-Z2-7]{32}<', page)


def _enrol(browser: FlaskClient, user: User) -> tuple[str, object]:
    post_sign_in(browser, user.email, PASSWORD)
    page = browser.get("/sign-in/authenticator").get_data(as_text=True)
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    return secret, post_code(browser, "/sign-in/authenticator", code_at(T0, secret))


def test_enrolment_with_a_real_code_signs_in_and_shows_ten_recovery_codes_once(
    mfa_on, browser, world, db
):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        secret, response = _enrol(browser, user)

        assert response.status_code == 302
        assert "/account/recovery-codes" in response.headers["Location"]
        shown = browser.get(response.headers["Location"]).get_data(as_text=True)
        codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", shown)
        again = browser.get("/account/recovery-codes")
        assert is_signed_in(browser)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert again.status_code == 302  # shown once only
    db.session.refresh(user)
    assert user.has_mfa and user.mfa_secret == secret
    stored = db.session.scalars(
        sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    ).all()
    assert sorted(stored) == sorted(
        hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes
    )
    assert len(audit_rows(db, "user.mfa_enrol")) == 1


def test_a_wrong_code_at_enrolment_is_refused_in_the_error_summary_and_audited(
    mfa_on, browser, world, db
):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        post_sign_in(browser, user.email, PASSWORD)
        response = post_code(browser, "/sign-in/authenticator", "000000")

        assert not is_signed_in(browser)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#code"' in page
    assert not db.session.get(User, user.id).has_mfa
    assert len(audit_rows(db, "user.mfa_enrol", Outcome.FAILED)) == 1


# --- password then code --------------------------------------------------------------------


def test_an_enrolled_user_signs_in_with_the_password_then_a_current_code(
    mfa_on, browser, world, db
):
    user = enrolled(db, world.users["clinician"])
    with time_machine.travel(T0, tick=False):
        first = post_sign_in(browser, user.email, PASSWORD)
        assert first.headers["Location"].endswith("/sign-in/code")
        assert not is_signed_in(browser)

        response = post_code(browser, "/sign-in/code", code_at(T0))

        assert response.status_code == 302
        assert is_signed_in(browser)
    record = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert record.second_factor_at == T0


def test_a_wrong_code_is_refused_and_the_user_is_not_signed_in(mfa_on, browser, world, db):
    user = enrolled(db, world.users["clinician"])
    with time_machine.travel(T0, tick=False):
        post_sign_in(browser, user.email, PASSWORD)
        response = post_code(browser, "/sign-in/code", code_at(T0 - dt.timedelta(minutes=5)))

        assert response.status_code == 422
        assert "unused recovery code" in response.get_data(as_text=True)
        assert not is_signed_in(browser)
    assert len(audit_rows(db, "auth.second_factor", Outcome.FAILED)) == 1


def test_a_code_used_once_cannot_be_replayed_in_another_browser(mfa_on, app, world, db):
    user = enrolled(db, world.users["clinician"])
    first, second = app.test_client(), app.test_client()
    with time_machine.travel(T0, tick=False):
        post_sign_in(first, user.email, PASSWORD)
        assert post_code(first, "/sign-in/code", code_at(T0)).status_code == 302
        post_sign_in(second, user.email, PASSWORD)

        assert post_code(second, "/sign-in/code", code_at(T0)).status_code == 422
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        assert (
            post_code(second, "/sign-in/code", code_at(T0 + dt.timedelta(seconds=30))).status_code
            == 302
        )


def test_five_wrong_codes_send_the_browser_back_to_the_password(mfa_on, browser, world, db):
    user = enrolled(db, world.users["clinician"])
    with time_machine.travel(T0, tick=False):
        post_sign_in(browser, user.email, PASSWORD)
        for _ in range(4):
            assert post_code(browser, "/sign-in/code", "000000").status_code == 422
        fifth = post_code(browser, "/sign-in/code", "000000")
        after = browser.get("/sign-in/code")
    assert fifth.headers["Location"].endswith("/sign-in")
    assert after.headers["Location"].endswith("/sign-in")  # the password step is forgotten


def test_the_password_step_expires_after_five_minutes(mfa_on, browser, world, db):
    user = enrolled(db, world.users["clinician"])
    with time_machine.travel(T0, tick=False):
        post_sign_in(browser, user.email, PASSWORD)
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        response = post_code(browser, "/sign-in/code", code_at(later), token_from="/sign-in")
    assert response.headers["Location"].endswith("/sign-in")


def test_a_recovery_code_signs_in_once_only(mfa_on, app, world, db):
    user = world.users["clinician"]
    with time_machine.travel(T0, tick=False):
        enrolling = app.test_client()
        _, response = _enrol(enrolling, user)
        codes = re.findall(
            r"<li><code>([a-z2-7-]+)</code></li>",
            enrolling.get(response.headers["Location"]).get_data(as_text=True),
        )
    later = T0 + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        once, twice = app.test_client(), app.test_client()
        post_sign_in(once, user.email, PASSWORD)
        used = post_code(once, "/sign-in/code", codes[3].upper())  # case and dashes are forgiven
        post_sign_in(twice, user.email, PASSWORD)
        reused = post_code(twice, "/sign-in/code", codes[3])

        assert used.status_code == 302 and is_signed_in(once)
        assert reused.status_code == 422 and not is_signed_in(twice)
    assert len(audit_rows(db, "user.recovery_code_used")) == 1


def test_with_mfa_off_staff_without_it_sign_in_with_a_password_alone(browser, world):
    response = post_sign_in(browser, world.users["clinician"].email, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(browser)


def test_a_session_opened_without_a_code_is_not_signed_in_once_mfa_is_required(
    mfa_on, login_as, world
):
    browser = login_as(world.users["clinician"])  # a password-only session from before
    assert not is_signed_in(browser)


# --- reset by a system administrator -------------------------------------------------------


def test_a_system_administrator_resets_mfa_with_a_reason_audited_and_the_user_enrols_again(
    mfa_on, app, client, world, db
):
    user = enrolled(db, world.users["clinician"])
    path = f"/admin/users/{user.id}/reset-mfa"
    with time_machine.travel(T0, tick=False):
        admin = signed_in_with_code(client, db, world.users["sysadmin"])
        victim_browser = signed_in_with_code(app.test_client(), db, user)
        response = admin.post(
            path, data={"csrf_token": csrf_token(admin, path), "reason": "Lost phone"}
        )

        assert response.status_code == 302
        assert not is_signed_in(victim_browser)  # every session of theirs ended
        again = app.test_client()
        assert (
            post_sign_in(again, user.email, PASSWORD)
            .headers["Location"]
            .endswith("/sign-in/authenticator")
        )
    db.session.refresh(user)
    assert not user.has_mfa and user.mfa_secret is None
    reset = db.session.scalar(sa.select(MfaReset).where(MfaReset.user_id == user.id))
    assert (reset.reason, reset.reset_by_id) == ("Lost phone", world.users["sysadmin"].id)
    [row] = audit_rows(db, "user.mfa_reset")
    assert (row.actor_user_id, row.record_id) == (world.users["sysadmin"].id, str(user.id))


def test_a_reset_without_a_reason_is_refused_in_the_error_summary(client, world, db):
    user = enrolled(db, world.users["clinician"])
    admin = signed_in_with_code(client, db, world.users["sysadmin"])
    path = f"/admin/users/{user.id}/reset-mfa"
    response = admin.post(path, data={"csrf_token": csrf_token(admin, path), "reason": ""})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).has_mfa


def test_the_cli_resets_mfa_with_a_reason(app, world, db):
    user = enrolled(db, world.users["clinician"])
    result = app.test_cli_runner().invoke(
        args=["hubs", "user", "reset-mfa", user.email.upper(), "--reason", "Phone stolen"]
    )
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert not user.has_mfa
    reset = db.session.scalar(sa.select(MfaReset).where(MfaReset.user_id == user.id))
    assert (reset.reason, reset.reset_by_id) == ("Phone stolen", None)
    assert len(audit_rows(db, "user.mfa_reset")) == 1


def test_the_cli_refuses_a_reset_without_a_reason(app, world, db):
    user = enrolled(db, world.users["clinician"])
    result = app.test_cli_runner().invoke(args=["hubs", "user", "reset-mfa", user.email])
    assert result.exit_code != 0
    assert db.session.get(User, user.id).has_mfa


# --- step-up ---------------------------------------------------------------------------------


STEP_UP_PAGES: dict[str, Callable[[object], str]] = {
    "manager": lambda world: f"/caseloads/teams/{world.hub_a.id}/reassign",  # type: ignore[attr-defined]
    "clinician": lambda world: "/break-glass",
    "analyst": lambda world: "/reporting/indicators/eip_two_weeks/export.csv",
}


@pytest.mark.parametrize("role", sorted(STEP_UP_PAGES))
def test_sensitive_pages_want_a_code_entered_in_the_last_five_minutes(
    mfa_on, client, world, db, role
):
    user = enrolled(db, world.users[role])
    path = STEP_UP_PAGES[role](world)
    with time_machine.travel(T0, tick=False):
        browser = signed_in_with_code(client, db, user)
        assert browser.get(path).status_code == 200  # the code at sign-in is recent enough
    later = T0 + dt.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        asked = browser.get(path)
        assert asked.status_code == 302
        assert "/account/confirm-code" in asked.headers["Location"]

        wrong = post_code(browser, asked.headers["Location"], "000000")
        confirmed = post_code(browser, asked.headers["Location"], code_at(later))

        assert wrong.status_code == 422
        assert confirmed.headers["Location"] == path
        assert browser.get(path).status_code == 200
    assert len(audit_rows(db, "auth.step_up")) == 1
    assert len(audit_rows(db, "auth.step_up", Outcome.FAILED)) == 1


def test_bulk_reassignment_through_the_api_with_an_old_code_is_refused(mfa_on, client, world, db):
    user = enrolled(db, world.users["manager"])
    with time_machine.travel(T0, tick=False):
        browser = signed_in_with_code(client, db, user)
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        response = browser.post(
            f"/api/v1/caseloads/teams/{world.hub_a.id}/reassign",
            json={},
            headers={"X-CSRFToken": csrf_token(browser, "/account/password")},
        )
    assert response.status_code in {403, 422}
    if response.status_code == 403:
        assert "authenticator" in response.get_data(as_text=True)


# --- production ------------------------------------------------------------------------------


@pytest.fixture
def migrated_file(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    uri = f"sqlite:///{tmp_path}/production.db"
    dev_app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True})
    with dev_app.app_context():
        flask_migrate.upgrade()
        _db.session.remove()
    yield uri, dev_app
    with dev_app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _production(uri: str) -> type[ProductionConfig]:
    return type(
        "ProductionUnderTest",
        (ProductionConfig,),
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": STRONG, "PSEUDONYM_KEY": STRONG},
    )


def _add_staff(dev_app: Flask, *, with_mfa: bool) -> None:
    with dev_app.app_context():
        trust = Organisation(code="RX1", name="A trust", kind=OrganisationKind.NHS_TRUST)
        _db.session.add(trust)
        _db.session.flush()
        user = staff_services.create_user(
            _db.session,
            email="nurse@test.invalid",
            display_name="A nurse",
            password=STRONG,
            role=StaffRole.MENTAL_HEALTH_NURSE,
            organisation_id=trust.id,
        )
        if with_mfa:
            user.mfa_secret, user.mfa_enrolled_at = SECRET, T0
        _db.session.commit()
        _db.session.remove()


def test_production_refuses_to_start_while_an_active_staff_account_has_no_second_factor(
    migrated_file,
):
    uri, dev_app = migrated_file
    _add_staff(dev_app, with_mfa=False)
    with pytest.raises(UnsafeConfiguration, match="no second factor"):
        create_app(_production(uri))


def test_production_starts_when_every_active_staff_account_has_a_second_factor(migrated_file):
    uri, dev_app = migrated_file
    _add_staff(dev_app, with_mfa=True)
    production = create_app(_production(uri))
    with production.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_production_refuses_to_start_with_mfa_turned_off(tmp_path):
    config = type("NoMfa", (_production(f"sqlite:///{tmp_path}/p.db"),), {"MFA_REQUIRED": False})
    with pytest.raises(UnsafeConfiguration, match="MFA_REQUIRED"):
        create_app(config)
