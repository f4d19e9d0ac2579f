"""Step-up: the most powerful actions want the second factor entered minutes ago.

Break-glass, exports and bulk reassignment act on many records or outside the usual
reasons; a session left open on a shared computer must not be enough for them. The session
loader (hubs.staff.auth) puts when this browser last entered a code on the user as
`second_factor_at`; this module only reads it, so any feature may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from hubs.core.types import utcnow

F = TypeVar("F", bound=Callable[..., Any])
CONFIRM_ENDPOINT = "mfa.confirm"
MESSAGE = "Enter a code from your authenticator app to continue"


def _applies() -> bool:
    """Staff in a browser session, when MFA is required or they have enrolled anyway. A
    bearer token belongs to a system, which has no second factor to give."""
    if g.get("auth_method") == "token" or not current_user.is_authenticated:
        return False
    return bool(current_app.config["MFA_REQUIRED"] or getattr(current_user, "has_mfa", False))


def has_recent_second_factor() -> bool:
    entered = getattr(current_user, "second_factor_at", None)
    return entered is not None and utcnow() - entered <= current_app.config["STEP_UP_WINDOW"]


def _come_back_to() -> str:
    """Where to return after the code: this page, or for a form post the page it came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/"


def requires_recent_second_factor(view: F) -> F:
    """Send the user to re-enter a code unless they entered one within STEP_UP_WINDOW."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _applies() or has_recent_second_factor():
            return view(*args, **kwargs)
        if request.path.startswith("/api/"):
            abort(403, "Confirm a code from your authenticator app at /account/confirm-code")
        flash(MESSAGE)
        return redirect(url_for(CONFIRM_ENDPOINT, next=_come_back_to()))

    return wrapper  # type: ignore[return-value]
