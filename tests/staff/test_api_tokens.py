"""API bearer tokens: issued and revoked by the CLI, hashed at rest, owner's permissions only."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from flask import Flask

from hubs.core.audit import AuditEvent
from hubs.staff.models import ApiToken, TokenScope, User, UserSession

TOKEN_LINE = re.compile(r"^(hubs_[A-Za-z0-9_-]{20,})$", re.MULTILINE)


def run_cli(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["hubs", "token", *args])


def create_token(app: Flask, user: User, *extra: str) -> str:
    result = run_cli(app, "create", user.email, *extra)
    assert result.exit_code == 0, result.output
    match = TOKEN_LINE.search(result.output)
    assert match, result.output
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_row(db, plain: str) -> ApiToken:
    db.session.expire_all()
    digest = hashlib.sha256(plain.encode()).hexdigest()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    assert row is not None
    return row


# --- issuing ----------------------------------------------------------------------------


def test_cli_creates_a_token_and_prints_it_once(app, world, db):
    user = world.users["clinician"]

    result = run_cli(app, "create", user.email.upper(), "--name", "gp-system")

    assert result.exit_code == 0, result.output
    plain = TOKEN_LINE.search(result.output).group(1)
    assert plain.startswith("hubs_")
    row = token_row(db, plain)
    assert row.user_id == user.id
    assert row.name == "gp-system"
    assert row.revoked_at is None
    assert f"Token {row.id} " in result.output


def test_only_the_sha256_hash_of_a_token_is_stored_never_the_token(app, world, db):
    plain = create_token(app, world.users["clinician"])
    row = token_row(db, plain)

    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    stored = db.session.execute(sa.select(ApiToken.__table__)).all()
    audit = db.session.execute(sa.select(AuditEvent.__table__)).all()
    for values in [*stored, *audit]:
        assert not any(isinstance(v, str) and plain in v for v in values)


def test_each_token_issued_is_different(app, world, db):
    user = world.users["clinician"]

    assert create_token(app, user) != create_token(app, user)


def test_cli_refuses_a_token_for_an_unknown_email(app, world, db):
    result = run_cli(app, "create", "nobody-here@test.invalid")

    assert result.exit_code != 0
    assert "No account" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_cli_refuses_a_token_for_a_deactivated_account(app, world, db):
    user = world.users["clinician"]
    user.is_active = False
    db.session.flush()

    result = run_cli(app, "create", user.email)

    assert result.exit_code != 0
    assert "deactivated" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


# --- acting with the owner's permissions ------------------------------------------------


def test_a_clinicians_token_can_read_the_people_list(app, world, db, client):
    plain = create_token(app, world.users["clinician"])

    response = client.get("/people/", headers=bearer(plain))

    assert response.status_code == 200
    assert token_row(db, plain).last_used_at is not None


def test_an_analysts_token_gets_the_analysts_403_on_the_people_list(app, world, client):
    plain = create_token(app, world.users["analyst"])

    assert client.get("/people/", headers=bearer(plain)).status_code == 403
    assert client.get("/directory/hubs", headers=bearer(plain)).status_code == 200


def test_a_persons_token_reaches_only_their_portal(app, world, client):
    plain = create_token(app, world.users["person"])

    assert client.get("/my/", headers=bearer(plain)).status_code == 200
    assert client.get("/people/", headers=bearer(plain)).status_code == 403


def test_a_token_request_opens_no_browser_session(app, world, db, client):
    user = world.users["clinician"]
    plain = create_token(app, user)

    client.get("/people/", headers=bearer(plain))

    with client.session_transaction() as cookie_session:
        assert "_user_id" not in cookie_session
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_a_token_is_not_remembered_for_the_next_request_without_it(app, world, client):
    plain = create_token(app, world.users["clinician"])
    assert client.get("/people/", headers=bearer(plain)).status_code == 200

    response = client.get("/people/")

    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


# --- refusals ---------------------------------------------------------------------------


def test_a_revoked_token_gets_401(app, world, db, client):
    plain = create_token(app, world.users["clinician"])
    assert client.get("/people/", headers=bearer(plain)).status_code == 200
    row_id = token_row(db, plain).id

    result = run_cli(app, "revoke", str(row_id))

    assert result.exit_code == 0, result.output
    assert client.get("/people/", headers=bearer(plain)).status_code == 401
    assert token_row(db, plain).revoked_at is not None


def test_revoking_an_unknown_token_id_fails(app, world, db):
    result = run_cli(app, "revoke", "999999")

    assert result.exit_code != 0
    assert "No such token" in result.output


def test_revoking_one_token_leaves_the_owners_other_tokens_working(app, world, db, client):
    user = world.users["clinician"]
    first, second = create_token(app, user), create_token(app, user)

    run_cli(app, "revoke", str(token_row(db, first).id))

    assert client.get("/people/", headers=bearer(first)).status_code == 401
    assert client.get("/people/", headers=bearer(second)).status_code == 200


def test_an_unknown_token_gets_401(client, world):
    response = client.get("/people/", headers=bearer("hubs_" + "x" * 43))

    assert response.status_code == 401


def test_an_unknown_token_gets_401_even_with_a_valid_session_cookie(login_as, world):
    client = login_as(world.users["clinician"])
    assert client.get("/people/").status_code == 200

    response = client.get("/people/", headers=bearer("hubs_not-a-real-token"))

    assert response.status_code == 401


def test_a_malformed_authorization_header_gets_401_even_with_a_valid_session_cookie(
    login_as, world
):
    client = login_as(world.users["clinician"])

    assert client.get("/people/", headers={"Authorization": "Bearer"}).status_code == 401
    assert (
        client.get("/people/", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    )


def test_a_valid_token_acts_as_its_owner_not_as_the_session_cookies_user(app, world, login_as):
    client = login_as(world.users["clinician"])  # cookie: a clinician who may see /people/
    plain = create_token(app, world.users["analyst"])

    assert client.get("/people/", headers=bearer(plain)).status_code == 403


# --- CSRF -------------------------------------------------------------------------------


def test_a_bearer_token_post_is_exempt_from_csrf(app, world, client):
    plain = create_token(app, world.users["clinician"], "--scope", "read_write")

    response = client.post("/sign-out", headers=bearer(plain))

    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_a_cookie_session_post_without_csrf_token_is_refused(login_as, world):
    client = login_as(world.users["clinician"])

    response = client.post("/sign-out")

    assert response.status_code == 400
    assert client.get("/people/").status_code == 200


def test_a_bearer_token_post_does_not_sign_out_the_owners_browser_sessions(
    app, world, db, login_as
):
    user = world.users["clinician"]
    browser = login_as(user)
    plain = create_token(app, user)

    app.test_client().post("/sign-out", headers=bearer(plain))

    assert browser.get("/people/").status_code == 200
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(UserSession.id)).where(UserSession.revoked_at.is_not(None))
        )
        == 0
    )


def test_unauthenticated_api_request_is_told_to_use_a_bearer_token(client):
    response = client.get("/api/v1/referrals/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unauthenticated_api_post_gets_401_json_not_a_csrf_400(client, world):
    response = client.post("/api/v1/referrals/", json={"person_id": world.person_a.id})

    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- Expiry and scope -------------------------------------------------------------------------


def test_a_token_is_read_only_and_lasts_90_days_unless_asked_otherwise(app, db, world, client):
    import datetime as dt

    import time_machine

    from hubs.core.types import utcnow

    plain = create_token(app, world.users["clinician"])
    row = token_row(db, plain)

    assert row.scope == TokenScope.READ
    assert dt.timedelta(days=89) < row.expires_at - utcnow() <= dt.timedelta(days=90)
    assert client.get("/people/", headers=bearer(plain)).status_code == 200
    refused = client.post("/api/v1/referrals/", json={}, headers=bearer(plain))
    assert refused.status_code == 403 and refused.is_json
    with time_machine.travel(row.expires_at + dt.timedelta(seconds=1)):
        assert client.get("/people/", headers=bearer(plain)).status_code == 401


def test_a_read_write_token_may_change_things(app, world, client):
    plain = create_token(app, world.users["clinician"], "--scope", "read_write", "--days", "7")

    response = client.post("/api/v1/referrals/", json={}, headers=bearer(plain))

    assert response.status_code == 422  # past authentication and scope, to validation


def test_a_token_lifetime_outside_a_day_to_a_year_is_refused(app, world):
    result = run_cli(app, "create", world.users["clinician"].email, "--days", "400")

    assert result.exit_code != 0 and "1 day to a year" in result.output


def test_changing_the_password_revokes_the_owners_tokens(app, db, world, client):
    from hubs.staff import services as staff_services
    from tests.factories import PASSWORD

    nurse = world.users["clinician"]
    plain = create_token(app, nurse)
    staff_services.change_password(
        db.session,
        nurse,
        current_password=PASSWORD,
        new_password="a-brand-new-passphrase-2026",
        ip_address=None,
        user_agent=None,
    )
    db.session.commit()

    assert client.get("/people/", headers=bearer(plain)).status_code == 401
    assert token_row(db, plain).revoked_at is not None
