"""Changing a password and deactivating an account both end sessions at once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from hubs.core.audit import AuditEvent
from hubs.extensions import db as _db
from hubs.staff import services as staff_services
from hubs.staff.models import ApiToken, User, UserSession
from hubs.staff.passwords import verify_password
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from tests.helpers.web import post_sign_in

COOKIE = "hubs_session"
NEW_PASSWORD = "a-much-longer-new-passphrase"


def browser_signed_in_as(app: Flask, user: User) -> FlaskClient:
    """Another browser with its own real session record (login_as reuses one client)."""
    token = staff_services.sign_in(_db.session, user, ip_address="127.0.0.1", user_agent="pytest")
    _db.session.commit()
    browser = app.test_client()
    with browser.session_transaction() as cookie_session:
        cookie_session["_user_id"] = token
        cookie_session["_fresh"] = True
    return browser


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(COOKIE, cookie.value)
    return other


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/sign-in")


def stored_hash(db, user: User) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))


def audit_rows(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def change_password(client: FlaskClient, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


# --- password change --------------------------------------------------------------------


def test_password_change_page_needs_a_signed_in_account(client, world):
    assert is_signed_out(client.get("/account/password"))


def test_wrong_current_password_is_refused_with_an_error_summary(login_as, world, db):
    user = world.users["clinician"]
    client = login_as(user)
    before = stored_hash(db, user)

    response = change_password(client, "not-my-current-password", NEW_PASSWORD)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert "Your current password is not correct" in html
    assert stored_hash(db, user) == before
    assert client.get("/people/").status_code == 200
    assert audit_rows(db, "user.change_password") == []


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short-pw", None, "Enter a password of at least 12 characters"),
        ("Password1234", None, "Choose a password that is harder to guess"),
        (NEW_PASSWORD, NEW_PASSWORD + "-typo", "The passwords do not match"),
    ],
)
def test_an_unacceptable_new_password_is_refused_and_nothing_changes(
    login_as, app, world, db, new, confirm, message
):
    user = world.users["clinician"]
    client = login_as(user)
    other = browser_signed_in_as(app, user)
    before = stored_hash(db, user)

    response = change_password(client, PASSWORD, new, confirm)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "There is a problem" in html
    assert stored_hash(db, user) == before
    assert other.get("/people/").status_code == 200
    assert audit_rows(db, "user.change_password") == []


def test_password_change_without_csrf_token_is_refused(login_as, world, db):
    user = world.users["clinician"]
    client = login_as(user)
    before = stored_hash(db, user)

    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 400
    assert stored_hash(db, user) == before


def test_password_change_stores_a_new_argon2id_hash_and_only_the_new_password_works(
    app, login_as, world, db
):
    user = world.users["clinician"]
    client = login_as(user)

    response = change_password(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    stored = stored_hash(db, user)
    assert stored.startswith("$argon2id$")
    assert NEW_PASSWORD not in stored
    assert verify_password(stored, NEW_PASSWORD)
    refused = post_sign_in(app.test_client(), user.email, PASSWORD)
    assert refused.status_code == 200  # refused: re-rendered
    assert post_sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_password_change_signs_out_every_other_session_but_keeps_this_browser_signed_in(
    app, login_as, world, db
):
    user = world.users["clinician"]
    client = login_as(user)
    other_device = browser_signed_in_as(app, user)
    stolen_copy = copy_of(app, client)  # this browser's own cookie, copied before the change
    assert other_device.get("/people/").status_code == 200
    assert stolen_copy.get("/people/").status_code == 200

    response = change_password(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert client.get("/people/").status_code == 200
    assert is_signed_out(other_device.get("/people/"))
    assert is_signed_out(stolen_copy.get("/people/"))
    db.session.expire_all()
    records = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    assert [r.revoked_reason for r in records] == ["password_changed", "password_changed", None]


def test_password_change_leaves_other_users_sessions_alone(app, login_as, world, db):
    colleague = browser_signed_in_as(app, world.users["vcse_worker"])
    client = login_as(world.users["clinician"])

    change_password(client, PASSWORD, NEW_PASSWORD)

    assert colleague.get("/people/").status_code == 200


def test_password_change_writes_an_audit_row(login_as, world, db):
    user = world.users["clinician"]
    client = login_as(user)

    change_password(client, PASSWORD, NEW_PASSWORD)

    (row,) = audit_rows(db, "user.change_password")
    assert row.actor_user_id == user.id
    assert row.record_id == str(user.id)
    assert row.request_id is not None


# --- deactivation -----------------------------------------------------------------------


def deactivate(client: FlaskClient, user_id: int, *, form_page: str = "/admin/users"):
    token = csrf_token(client, form_page)
    return client.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token})


def test_sysadmin_deactivation_ends_the_users_session_at_once(app, login_as, world, db):
    target = world.users["clinician"]
    victim_browser = browser_signed_in_as(app, target)
    assert victim_browser.get("/people/").status_code == 200
    admin = login_as(world.users["sysadmin"])

    response = deactivate(admin, target.id)

    assert response.status_code == 302
    assert response.location == "/admin/users"
    db.session.expire_all()
    refreshed = db.session.get(User, target.id)
    assert refreshed.is_active is False
    assert refreshed.deactivated_at is not None
    # Revoked by the deactivation itself, before the user's browser comes back.
    record = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == target.id))
    assert record.revoked_at is not None
    assert record.revoked_reason == "deactivated"
    assert is_signed_out(victim_browser.get("/people/"))
    (row,) = audit_rows(db, "user.deactivate")
    assert row.actor_user_id == world.users["sysadmin"].id
    assert row.record_id == str(target.id)


def test_deactivated_account_shows_as_deactivated_in_the_admin_list(login_as, world, db):
    target = world.users["clinician"]
    admin = login_as(world.users["sysadmin"])

    page = admin.get(deactivate(admin, target.id).location).get_data(as_text=True)

    assert f"{target.email} has been deactivated" in page
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(target.email)}.*?</tr>", page, re.S)
    assert row is not None
    assert "Deactivated" in row.group(0)
    assert f"/admin/users/{target.id}/deactivate" not in page


def test_deactivation_stops_the_users_api_tokens(app, login_as, world, db):
    target = world.users["clinician"]
    _, plain = staff_services.create_api_token(db.session, target, "integration")
    db.session.commit()
    api = app.test_client()
    assert api.get("/people/", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    admin = login_as(world.users["sysadmin"])

    deactivate(admin, target.id)

    assert api.get("/people/", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None


def test_an_inactive_accounts_live_session_and_token_stop_working_whatever_made_it_inactive(
    app, world, db
):
    target = world.users["clinician"]
    browser = browser_signed_in_as(app, target)
    _, plain = staff_services.create_api_token(db.session, target, "integration")
    target.is_active = False  # e.g. set directly in the database, not through the service
    db.session.commit()

    assert is_signed_out(browser.get("/people/"))
    api = app.test_client()
    assert api.get("/people/", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    db.session.expire_all()
    record = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == target.id))
    assert record.revoked_reason == "deactivated"


@pytest.mark.parametrize("role", ["manager", "hub_admin", "clinician", "analyst", "person"])
def test_only_a_sysadmin_can_deactivate_accounts(app, login_as, world, db, role):
    target = world.users["vcse_worker"]
    target_browser = browser_signed_in_as(app, target)
    client = login_as(world.users[role])

    response = deactivate(client, target.id, form_page="/account/password")

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).is_active is True
    assert target_browser.get("/people/").status_code == 200
    assert audit_rows(db, "user.deactivate") == []


def test_a_non_sysadmin_cannot_see_the_admin_account_list(login_as, world):
    client = login_as(world.users["manager"])

    assert client.get("/admin/users").status_code == 403


def test_sysadmin_cannot_deactivate_themself_and_nothing_changes(login_as, world, db):
    admin_user = world.users["sysadmin"]
    admin = login_as(admin_user)

    response = deactivate(admin, admin_user.id)

    assert response.status_code == 422
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.expire_all()
    refreshed = db.session.get(User, admin_user.id)
    assert refreshed.is_active is True
    assert refreshed.deactivated_at is None
    assert admin.get("/admin/users").status_code == 200
    assert audit_rows(db, "user.deactivate") == []


def test_the_admin_list_offers_no_deactivate_button_for_the_sysadmin_themself(login_as, world):
    admin_user = world.users["sysadmin"]
    page = login_as(admin_user).get("/admin/users").get_data(as_text=True)

    assert f"/admin/users/{admin_user.id}/deactivate" not in page
    assert f"/admin/users/{world.users['clinician'].id}/deactivate" in page


def test_deactivation_without_csrf_token_is_refused_and_nothing_changes(login_as, world, db):
    target = world.users["clinician"]
    admin = login_as(world.users["sysadmin"])

    response = admin.post(f"/admin/users/{target.id}/deactivate")

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).is_active is True


def test_deactivating_an_unknown_account_is_not_found(login_as, world):
    admin = login_as(world.users["sysadmin"])

    assert deactivate(admin, 999_999).status_code == 404


def test_the_admin_list_shows_staff_accounts_only_never_portal_emails(login_as, world):
    page = login_as(world.users["sysadmin"]).get("/admin/users").get_data(as_text=True)

    for key, user in world.users.items():
        if key in {"person", "other_person"}:
            assert user.email not in page
        else:
            assert user.email in page
