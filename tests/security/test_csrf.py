"""CSRF: every declared POST route refuses a cookie-session request without a valid token.

Generated from the access matrix, so a POST route added later is covered automatically.
"What changed" is read from the audit log (every change writes a row, DESIGN §3 rule 7),
sign-in attempts, session records and accounts.
"""

from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.types import utcnow
from hubs.staff.models import LoginAttempt, User, UserSession
from tests import factories
from tests.conftest import csrf_token
from tests.security.test_access_matrix import (
    MATRIX,
    POST_BODIES,
    ROLES,
    build_url,
    client_for,
    submit,
    token_page,
)

POST_ENDPOINTS = sorted(e for e, rule in MATRIX.items() if "POST" in rule.methods)


def _role_for(endpoint: str) -> str:
    """A role the matrix lets use the route (a public route is tried signed out)."""
    rule = MATRIX[endpoint]
    return "anonymous" if rule.is_public else next(r for r in ROLES if r in rule.roles)


def _fingerprint(db) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    def count(*criteria: object, model: type = UserSession) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*criteria))

    db.session.expire_all()
    return (
        count(model=AuditEvent),
        count(model=LoginAttempt),
        count(model=UserSession),
        count(UserSession.revoked_at.is_not(None)),
        count(User.is_active.is_(True), model=User),
        tuple(db.session.scalars(sa.select(User.password_hash).order_by(User.id))),
    )


def _prepare(app, client, login_as, world, endpoint):  # type: ignore[no-untyped-def]
    role = _role_for(endpoint)
    browser = client_for(login_as, client, world, role)
    path = build_url(app, endpoint, "POST", world, role)
    body = POST_BODIES.get(endpoint, lambda w, r: {})(world, role)
    return role, browser, path, body


def test_every_declared_post_route_is_covered():
    assert POST_ENDPOINTS, "the matrix declares no POST route: the CSRF tests would be empty"
    assert {"auth.login", "auth.logout", "admin.deactivate"} <= set(POST_ENDPOINTS)


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_without_csrf_token_is_refused_and_changes_nothing(
    app, db, client, login_as, world, endpoint
):
    _, browser, path, body = _prepare(app, client, login_as, world, endpoint)
    before = _fingerprint(db)
    response = submit(browser, path, "POST", body, None)
    assert response.status_code == 400
    assert _fingerprint(db) == before


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_with_a_forged_csrf_token_is_refused_and_changes_nothing(
    app, db, client, login_as, world, endpoint
):
    role, browser, path, body = _prepare(app, client, login_as, world, endpoint)
    own = csrf_token(browser, token_page(role))  # the browser's session has its own token
    # A real token, but from another browser's session: what a cross-site attacker could get.
    stolen = csrf_token(app.test_client(), "/sign-in")
    assert stolen != own
    before = _fingerprint(db)
    response = submit(browser, path, "POST", body, stolen)
    assert response.status_code == 400
    assert _fingerprint(db) == before


MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
MFA_ENDPOINTS = {"mfa.code", "mfa.enrol", "mfa.confirm"}


def _second_factor_under_way(db, world, browser, endpoint) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The second-factor pages act only for a browser part-way through signing in (or, for
    step-up, one signed in with a code): set that up, and post a current code."""
    role = _role_for(endpoint)
    user = world.users["clinician" if role == "anonymous" else role]
    user.mfa_secret = MFA_SECRET
    user.mfa_enrolled_at = None if endpoint == "mfa.enrol" else utcnow()
    if endpoint == "mfa.confirm":
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.user_id == user.id)
            .values(second_factor_at=utcnow())
        )
    db.session.commit()
    if endpoint != "mfa.confirm":
        with browser.session_transaction() as cookie_session:
            pending = {"user_id": user.id, "since": int(time.time()), "next": None}
            cookie_session["mfa_pending"] = pending
    return {"code": pyotp.TOTP(MFA_SECRET).now()}


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_with_a_valid_csrf_token_proceeds(app, db, client, login_as, world, endpoint):
    role, browser, path, body = _prepare(app, client, login_as, world, endpoint)
    if endpoint in MFA_ENDPOINTS:
        body = _second_factor_under_way(db, world, browser, endpoint)
    token = csrf_token(browser, token_page(role))
    before = _fingerprint(db)
    response = submit(browser, path, "POST", body, token)
    assert response.status_code < 400, response.status
    assert _fingerprint(db) != before, f"{endpoint} changed nothing with a valid token"


def test_deactivation_without_csrf_token_leaves_the_account_active(db, login_as, world):
    target = factories.UserFactory(organisation=world.trust)
    browser = login_as(world.users["sysadmin"])
    response = browser.post(f"/admin/users/{target.id}/deactivate")
    assert response.status_code == 400
    db.session.refresh(target)
    assert target.is_active and target.deactivated_at is None


def test_sign_out_without_csrf_token_keeps_the_session_open(db, login_as, world):
    clinician = world.users["clinician"]
    browser = login_as(clinician)
    assert browser.post("/sign-out").status_code == 400
    assert browser.get("/people/").status_code == 200
    live = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == clinician.id, UserSession.revoked_at.is_(None))
    )
    assert live == 1


def test_sign_in_without_csrf_token_opens_no_session(db, client, world):
    clinician = world.users["clinician"]
    response = client.post(
        "/sign-in", data={"email": clinician.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/people/").status_code == 302
    sessions = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == clinician.id)
    )
    assert sessions == 0
