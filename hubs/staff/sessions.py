"""Server-side session records.

The browser's cookie carries only a random token; the record decides whether it is still
good. Logout, password change and deactivation revoke records, so a copied cookie stops
working the moment they happen (plain Flask cookies would survive logout).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hubs.core.types import utcnow
from hubs.staff.models import User, UserSession


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session,
    user: User,
    *,
    ip_address: str | None,
    user_agent: str | None,
    second_factor_at: dt.datetime | None = None,
) -> str:
    """Start a session record for a user who has just proved who they are; returns the token."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:200] or None,
            second_factor_at=second_factor_at,
        )
    )
    session.flush()
    user.session_token = token
    user.second_factor_at = second_factor_at
    return token


def resolve_session(
    session: Session,
    token: str,
    *,
    idle: dt.timedelta,
    absolute: dt.timedelta,
    touch_interval: dt.timedelta,
) -> User | None:
    """The user behind a session token, if the record is live; expired records are revoked."""
    # The user comes in the same statement: every signed-in page starts here.
    record = session.scalar(
        sa.select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == token_digest(token))
    )
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    if now - record.last_seen_at > idle:
        _revoke(record, "idle_timeout", now)
        return None
    if now - record.created_at > absolute:
        _revoke(record, "absolute_timeout", now)
        return None
    user = record.user
    if not user.is_active:
        _revoke(record, "deactivated", now)
        return None
    if now - record.last_seen_at >= touch_interval:
        record.last_seen_at = now
    user.session_token = token
    user.second_factor_at = record.second_factor_at
    return user


def _revoke(record: UserSession, reason: str, now: dt.datetime) -> None:
    record.revoked_at = now
    record.revoked_reason = reason


def revoke_session(session: Session, token: str, reason: str) -> None:
    # The user comes in the same statement: every signed-in page starts here.
    record = session.scalar(
        sa.select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == token_digest(token))
    )
    if record is not None and record.revoked_at is None:
        _revoke(record, reason, utcnow())


def revoke_all_sessions(session: Session, user_id: int, reason: str) -> int:
    """Sign a user out everywhere; returns how many live sessions were ended."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
