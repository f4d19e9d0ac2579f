"""Between the password and the code: the pending second-factor state.

After a correct password the browser holds only `mfa_pending` in its (signed) Flask session:
which account, since when, where to go next. No session record exists yet, so every other
route still sees an anonymous visitor; the record is opened when the code passes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_login import login_user

from hubs.core.types import utcnow
from hubs.extensions import db
from hubs.staff import services
from hubs.staff.models import User

PENDING_KEY = "mfa_pending"
FAILURES_KEY = "mfa_failures"
# Wrong codes allowed before the password must be entered again (6 digits: 1 in 200,000
# chance of guessing in five tries, and the per-client limit on the sign-in POST applies).
MAX_CODE_FAILURES = 5


def hold(user: User, next_url: str | None) -> None:
    session[PENDING_KEY] = {
        "user_id": user.id,
        "since": int(utcnow().timestamp()),
        "next": next_url,
    }
    session.pop(FAILURES_KEY, None)


def _state() -> dict[str, Any] | None:
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    age = utcnow().timestamp() - int(state.get("since", 0))
    if age > current_app.config["MFA_PENDING_TIMEOUT"].total_seconds():
        clear()
        return None
    return state


def pending_user() -> User | None:
    """The account whose password was just accepted, if that was recent and it is active."""
    state = _state()
    if state is None:
        return None
    user = db.session.get(User, state["user_id"])
    return user if user is not None and user.is_active else None


def clear() -> None:
    session.pop(PENDING_KEY, None)
    session.pop(FAILURES_KEY, None)


def count_failure() -> bool:
    """Count a wrong code; True (and the state cleared) when there have been too many."""
    failures = int(session.get(FAILURES_KEY, 0)) + 1
    session[FAILURES_KEY] = failures
    if failures >= MAX_CODE_FAILURES:
        clear()
        return True
    return False


def complete_sign_in(user: User, *, second_factor: bool) -> str | None:
    """Open the session record, sign the browser in; returns where the user was going."""
    state = session.get(PENDING_KEY) or {}
    services.sign_in(
        db.session,
        user,
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        second_factor=second_factor,
    )
    db.session.commit()
    clear()
    login_user(user)
    return state.get("next")
