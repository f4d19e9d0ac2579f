"""Sign-in lockout for one (account, client) pair, never for the account as a whole.

Wrong passwords (and wrong codes) from one client lock that client out of that account for
the window; the account's owner on their own device is not affected, so nobody can lock a
colleague out by guessing at their e-mail address. A successful sign-in from the pair (with
the owner's second factor, when the pair is locked) or a system administrator lifts it.
How many requests one client may send at all is Flask-Limiter's job (`hubs.staff.throttle`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.audit import AuditEvent
from hubs.core.types import utcnow
from hubs.staff.models import LoginAttempt, User

LOCKED = "auth.lockout"
LIFTED = "auth.lockout_lifted"


def _pair(email: str, ip_address: str | None) -> list[sa.ColumnElement[bool]]:
    same_client = (
        LoginAttempt.ip_address.is_(None)
        if ip_address is None
        else LoginAttempt.ip_address == ip_address
    )
    return [LoginAttempt.email == email, same_client]


def _counting_since(
    session: Session, email: str, ip_address: str | None, window: dt.timedelta, user: User | None
) -> dt.datetime:
    """Failures count from the latest of: the window's start, the pair's last success, and
    the last time an administrator lifted the account's lockouts."""
    moments = [utcnow() - window]
    moments.append(
        session.scalar(
            sa.select(sa.func.max(LoginAttempt.at)).where(
                *_pair(email, ip_address), LoginAttempt.succeeded.is_(True)
            )
        )
    )
    if user is not None:
        moments.append(
            session.scalar(
                sa.select(sa.func.max(AuditEvent.at)).where(
                    AuditEvent.action == LIFTED,
                    AuditEvent.record_type == "user",
                    AuditEvent.record_id == str(user.id),
                    # The owner's own lift is the pair's success row; theirs lifts only it.
                    AuditEvent.actor_user_id != user.id,
                )
            )
        )
    return max(m for m in moments if m is not None)


def failures(
    session: Session, email: str, ip_address: str | None, window: dt.timedelta, user: User | None
) -> int:
    since = _counting_since(session, email, ip_address, window, user)
    return (
        session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(
                *_pair(email, ip_address),
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > since,
            )
        )
        or 0
    )


def record(
    session: Session,
    email: str,
    ip_address: str | None,
    *,
    succeeded: bool,
    user: User | None,
    locks_at: int,
    window: dt.timedelta,
) -> None:
    """Keep one attempt; the failure that locks the pair is audited."""
    session.add(LoginAttempt(email=email, succeeded=succeeded, ip_address=ip_address))
    session.flush()
    if not succeeded and failures(session, email, ip_address, window, user) == locks_at:
        audit.record(LOCKED, actor=None, record_type="user", record_id=user.id if user else None)


def lift(session: Session, actor: User, user: User) -> None:
    """Lift every lockout of an account: its owner with their code, or an administrator."""
    audit.record(LIFTED, actor=actor, record_type="user", record_id=user.id)
    session.flush()
