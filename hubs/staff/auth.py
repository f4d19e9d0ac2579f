"""Wiring sign-in into Flask: session and bearer-token loading, CSRF, cache headers."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import AnonymousUserMixin, current_user, user_logged_in

from hubs.core import access as route_access
from hubs.extensions import csrf, db, login_manager
from hubs.staff import sessions
from hubs.staff.mfa import needs_second_factor
from hubs.staff.models import TokenScope, User
from hubs.staff.services import resolve_api_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class Anonymous(AnonymousUserMixin):
    access_role = "anonymous"
    id = None
    email = "anonymous"
    organisation_id = None


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@login_manager.user_loader
def load_user_from_session(token: str) -> User | None:
    # A request that presents a bearer token is judged by that token alone, never by a
    # cookie it also happens to carry (that would let a forged header skip CSRF).
    if "Authorization" in request.headers:
        return None
    cfg = current_app.config
    user = sessions.resolve_session(
        db.session,
        token,
        idle=cfg["SESSION_IDLE_TIMEOUT"],
        absolute=cfg["SESSION_ABSOLUTE_TIMEOUT"],
        touch_interval=cfg["SESSION_TOUCH_INTERVAL"],
    )
    # Session bookkeeping (last seen, expiry) is its own small transaction at the start of
    # the request, before any of the request's own work. Most requests change nothing here:
    # committing anyway would expire the user just loaded and cost every page a reload.
    if db.session.dirty:
        db.session.commit()
    if user is not None and _second_factor_missing(user):
        return None
    return user


def _second_factor_missing(user: User) -> bool:
    """A staff session opened without a code (before MFA was required, or by a password
    alone) is not signed in while MFA is required: the user signs in again, with the code."""
    required = current_app.config["MFA_REQUIRED"]
    return needs_second_factor(user, required=required) and user.second_factor_at is None


@login_manager.request_loader
def load_user_from_bearer(req: object) -> User | None:
    token = _bearer_token()
    if token is None:
        return None
    found = resolve_api_token(db.session, token)
    db.session.commit()
    if found is None:
        return None
    g.auth_method, g.token_scope = "token", found.scope
    user = found.user
    user.session_token = None
    return user


def authenticate_request() -> None:
    """Load the user first thing, refuse bad tokens, and check CSRF for cookie sessions."""
    if request.endpoint == "static":
        return  # stylesheets and scripts need no user, and no session bookkeeping write
    current_user._get_current_object()  # force loading before any of the request's work
    if "Authorization" in request.headers and g.get("auth_method") != "token":
        abort(401, "The bearer token is missing, unknown or revoked")
    if g.get("auth_method") == "token":
        if g.token_scope == TokenScope.READ and request.method not in SAFE_METHODS:
            abort(403, "This token may only read: ask for a read-write token to make changes")
        return
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        rule = route_access.load_matrix().get(request.endpoint or "")
        if rule is None or not rule.is_public:
            # "Authenticate" (401), not "bad CSRF token" (400): there is no session to protect.
            abort(401, "Sign in, or send a bearer token")
    if request.method not in SAFE_METHODS:
        csrf.protect()


def no_store_when_signed_in(response: Response) -> Response:
    """Pages with personal data must not sit in a shared browser's cache."""
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def rotate_csrf_token(*_: object, **__: object) -> None:
    """A token issued before sign-in is not valid after it: a token planted in or read from
    the anonymous session (login CSRF, session fixation) cannot act for the signed-in user."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def init_auth(app: Flask) -> None:
    user_logged_in.connect(rotate_csrf_token, weak=False)
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.session_protection = None  # the server-side record is the protection
    app.before_request(authenticate_request)
    app.after_request(no_store_when_signed_in)
