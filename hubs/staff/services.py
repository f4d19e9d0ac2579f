"""The verbs of the staff feature: sign in and out, passwords, deactivation, API tokens.

Services take the actor and values explicitly, flush but never commit, and raise domain
errors; the view or command that calls them commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import utcnow
from hubs.staff import lockout, sessions
from hubs.staff.mfa import needs_second_factor
from hubs.staff.models import AccountKind, ApiToken, TokenScope, User
from hubs.staff.passwords import hash_password, password_problem, verify_password

#: A person signed in (staff or portal). Sender: the user; no kwargs.
signed_in = hub_signals.signal("signed-in")
#: A session was revoked (sign-out, password change, deactivation). Sender: the user;
#: kwargs: reason.
session_revoked = hub_signals.signal("session-revoked")

BAD_CREDENTIALS = "Enter a correct email address and password"
LOCKED_OUT = "Too many sign-in attempts. Wait 5 minutes, then try again"


class SignInRefused(DomainError):
    """Sign-in failed. The message never says whether the e-mail address exists."""

    status_code = 200  # the sign-in form re-renders with the message


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Throttle:
    max_failures: int
    window: dt.timedelta


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    throttle: Throttle,
    ip_address: str | None,
    mfa_required: bool = False,
) -> User:
    """Check an e-mail and password from one client, recording the attempt.

    Too many failures lock only this (account, client) pair. When a code follows, a correct
    password is not yet a success (it does not reset the pair's count; the code page
    records the outcome), and a locked pair may go on to the code: the owner's own second
    factor lifts the lockout, and wrong codes count as failures of the pair."""
    email = normalise_email(email)
    user = session.scalar(sa.select(User).where(User.email == email))
    count = lockout.failures(session, email, ip_address, throttle.window, user)
    locked = count >= throttle.max_failures
    # Always verify, even when locked or unknown, so timing reveals nothing either.
    password_ok = verify_password(user.password_hash if user else None, password)
    valid = user if user is not None and user.is_active and password_ok else None
    if valid is not None and _goes_on_to_code(valid, locked=locked, required=mfa_required):
        return valid
    succeeded = valid is not None and not locked
    record_attempt(session, email, ip_address, succeeded=succeeded, user=user, throttle=throttle)
    if locked:
        raise SignInRefused(LOCKED_OUT, field="email")
    if valid is None:
        raise SignInRefused(BAD_CREDENTIALS, field="email")
    return valid


def _goes_on_to_code(user: User, *, locked: bool, required: bool) -> bool:
    """A correct password leads to the code page; from a locked client only for an account
    with a second factor, whose owner can lift the lockout with it."""
    return needs_second_factor(user, required=required) and (not locked or user.has_mfa)


def record_attempt(
    session: Session,
    email: str,
    ip_address: str | None,
    *,
    succeeded: bool,
    user: User | None,
    throttle: Throttle,
) -> None:
    """Keep a sign-in attempt (a password, or a code after one) for the pair's lockout."""
    lockout.record(
        session,
        normalise_email(email),
        ip_address,
        succeeded=succeeded,
        user=user,
        locks_at=throttle.max_failures,
        window=throttle.window,
    )


def is_locked(session: Session, user: User, ip_address: str | None, throttle: Throttle) -> bool:
    count = lockout.failures(session, user.email, ip_address, throttle.window, user)
    return count >= throttle.max_failures


def code_attempt(
    session: Session, user: User, ip_address: str | None, *, passed: bool, throttle: Throttle
) -> None:
    """Count a code entered after the password as the pair's sign-in attempt; a right code
    from a locked client is the owner lifting that lockout (audited)."""
    was_locked = passed and is_locked(session, user, ip_address, throttle)
    record_attempt(session, user.email, ip_address, succeeded=passed, user=user, throttle=throttle)
    if was_locked:
        lockout.lift(session, user, user)


def lift_lockouts(session: Session, actor: User, user_id: int) -> User:
    """A system administrator lets an account sign in again from every client."""
    if actor.access_role != AccessRole.SYSADMIN:
        raise PermissionDenied("Only a system administrator can lift a sign-in lockout")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such account")
    lockout.lift(session, actor, user)
    return user


def sign_in(
    session: Session,
    user: User,
    *,
    ip_address: str | None,
    user_agent: str | None,
    second_factor: bool = False,
) -> str:
    """Open a session record for an authenticated user; returns the cookie token.
    `second_factor`: the user has just entered a code as well as the password."""
    token = sessions.open_session(
        session,
        user,
        ip_address=ip_address,
        user_agent=user_agent,
        second_factor_at=utcnow() if second_factor else None,
    )
    audit.record("auth.sign_in", actor=user, record_type="user", record_id=user.id)
    signed_in.send(user)
    return token


def sign_out(session: Session, user: User) -> None:
    """End this browser's session record; a copy of its cookie no longer works."""
    if user.session_token:
        sessions.revoke_session(session, user.session_token, "signed_out")
    audit.record("auth.sign_out", actor=user, record_type="user", record_id=user.id)
    session_revoked.send(user, reason="signed_out")


def change_password(
    session: Session,
    user: User,
    *,
    current_password: str,
    new_password: str,
    ip_address: str | None,
    user_agent: str | None,
) -> str:
    """Change a password and sign out every session, then open a fresh one for this browser."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationError("Your current password is not correct", field="current_password")
    problem = password_problem(new_password)
    if problem:
        raise ValidationError(problem, field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    # Demo accounts stop being demo-only once someone chooses their own password.
    user.is_demo = False
    sessions.revoke_all_sessions(session, user.id, "password_changed")
    # Tokens were issued under the old password: whoever held it may have made one.
    _revoke_tokens_of(session, user.id)
    audit.record("user.change_password", actor=user, record_type="user", record_id=user.id)
    session_revoked.send(user, reason="password_changed")
    # This browser keeps its second factor: the code was entered here, not on the old device.
    return sessions.open_session(
        session,
        user,
        ip_address=ip_address,
        user_agent=user_agent,
        second_factor_at=user.second_factor_at,
    )


def deactivate_user(session: Session, actor: User, user_id: int) -> User:
    """Stop an account: its sessions end at once and its API tokens stop working."""
    if actor.access_role != AccessRole.SYSADMIN:
        raise PermissionDenied("Only a system administrator can deactivate accounts")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such account")
    if user.id == actor.id:
        raise ValidationError("You cannot deactivate your own account", field="user_id")
    if user.is_active:
        user.is_active = False
        user.deactivated_at = utcnow()
        sessions.revoke_all_sessions(session, user.id, "deactivated")
        _revoke_tokens_of(session, user.id)
        audit.record("user.deactivate", actor=actor, record_type="user", record_id=user.id)
        session_revoked.send(user, reason="deactivated")
    return user


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    kind: AccountKind = AccountKind.STAFF,
    role: object = None,
    organisation_id: int | None = None,
    is_demo: bool = False,
) -> User:
    """Create a sign-in identity (used by the admin CLI and demo data)."""
    email = normalise_email(email)
    if session.scalar(sa.select(User.id).where(User.email == email)):
        raise ValidationError(f"An account for {email} already exists", field="email")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        kind=kind,
        role=role,
        organisation_id=organisation_id,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    return user


# --- API tokens -------------------------------------------------------------------------

TOKEN_PREFIX = "hubs_"  # noqa: S105 - a label that makes leaked tokens greppable
# A token that leaks stops working by itself (ASVS 5.0 V7); integrations renew it.
TOKEN_LIFETIME = dt.timedelta(days=90)
MAX_TOKEN_LIFETIME = dt.timedelta(days=365)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    session: Session,
    user: User,
    name: str,
    *,
    scope: TokenScope = TokenScope.READ,
    lifetime: dt.timedelta = TOKEN_LIFETIME,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for a system integration; the plain token is shown once only."""
    if not user.is_active:
        raise ValidationError("Cannot issue a token for a deactivated account", field="email")
    if not dt.timedelta(days=1) <= lifetime <= MAX_TOKEN_LIFETIME:
        raise ValidationError("A token lasts from 1 day to a year", field="days")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plain[:12],
        token_hash=_digest(plain),
        scope=scope,
        expires_at=utcnow() + lifetime,
    )
    session.add(token)
    session.flush()
    audit.record("api_token.create", actor=None, record_type="api_token", record_id=token.id)
    return token, plain


def _revoke_tokens_of(session: Session, user_id: int) -> None:
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def revoke_api_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", actor=None, record_type="api_token", record_id=token.id)
    return token


def resolve_api_token(session: Session, plain: str) -> ApiToken | None:
    """A live bearer token (not revoked, not expired, its owner active), or None."""
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at <= utcnow():
        return None
    token.last_used_at = utcnow()
    return token
