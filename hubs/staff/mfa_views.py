"""The second factor's pages: the code at sign-in, enrolment, recovery codes, step-up."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from hubs.core.errors import ValidationError
from hubs.core.web import Page, actor, form_status, page, show_error
from hubs.extensions import db
from hubs.staff import mfa, pending, services
from hubs.staff import views as auth_views
from hubs.staff.forms import CodeForm
from hubs.staff.models import User
from hubs.staff.throttle import sign_in_limit
from hubs.staff.views import _safe_next

bp = Blueprint("mfa", __name__)

RECOVERY_KEY = "new_recovery_codes"
SIGN_IN_AGAIN = "Sign in again to continue"
TOO_MANY = "Too many wrong codes. Sign in again"


def _attempt(
    form: CodeForm, work: Callable[[], object], counted: User | None = None
) -> bool | None:
    """Validate and call one service: True when it passed, False when the code was wrong (the
    refusal's audit row is committed, not rolled back), None when too many were wrong. At
    sign-in (`counted`, the account) each code counts towards the client's lockout too."""
    if not form.validate_on_submit():
        return False
    try:
        work()
    except ValidationError as error:
        show_error(form, error)
        if counted is not None:
            _count(counted, passed=False)
        db.session.commit()  # a wrong code is itself worth keeping in the audit trail
        return None if pending.count_failure() else False
    if counted is not None:
        _count(counted, passed=True)
    return True


def _count(user: User, *, passed: bool) -> None:
    services.code_attempt(
        db.session, user, request.remote_addr, passed=passed, throttle=auth_views.throttle()
    )


def _back_to_sign_in(message: str) -> Response:
    pending.clear()
    flash(message)
    return redirect(url_for("auth.login"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@sign_in_limit
def code() -> Page:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = pending.pending_user()
    if user is None:
        return _back_to_sign_in(SIGN_IN_AGAIN)
    if not user.has_mfa:
        return redirect(url_for("mfa.enrol"))
    form = CodeForm()
    passed = _attempt(
        form, lambda: mfa.verify_second_factor(db.session, user, form.code.data or ""), user
    )
    if passed is None:
        return _back_to_sign_in(TOO_MANY)
    if passed:
        return redirect(pending.complete_sign_in(user, second_factor=True) or url_for("auth.start"))
    return page("auth/mfa_code.html", form_status(form), form=form)


@bp.route("/sign-in/authenticator", methods=["GET", "POST"])
@sign_in_limit
def enrol() -> Page:
    """First sign-in (or after a reset): set up the authenticator app, then sign in."""
    user = pending.pending_user()
    if user is None:
        return _back_to_sign_in(SIGN_IN_AGAIN)
    if user.has_mfa:
        return redirect(url_for("mfa.code"))
    secret = mfa.begin_enrolment(user)
    form = CodeForm()
    codes: list[str] = []
    passed = _attempt(form, lambda: codes.extend(_confirm(user, form.code.data)), user)
    if passed is None:
        return _back_to_sign_in(TOO_MANY)
    if passed:
        session[RECOVERY_KEY] = {"codes": codes}
        going = pending.complete_sign_in(user, second_factor=True)
        return redirect(url_for("mfa.recovery_codes", next=going))
    uri = mfa.provisioning_uri(user, current_app.config["MFA_ISSUER"])
    qr = Markup(mfa.qr_svg(uri))  # noqa: S704 - segno's own SVG, from our own secret
    return page("auth/mfa_enrol.html", form_status(form), form=form, secret=secret, qr=qr)


def _confirm(user: User, code: str | None) -> list[str]:
    return mfa.confirm_enrolment(db.session, user, code or "")


@bp.get("/account/recovery-codes")
def recovery_codes() -> Page:
    """The ten recovery codes, shown once, straight after enrolment."""
    shown = session.pop(RECOVERY_KEY, None)
    going = _safe_next(request.args.get("next")) or url_for("auth.start")
    if not shown:
        return redirect(going)
    return page("auth/recovery_codes.html", codes=shown["codes"], going=going)


@bp.route("/account/confirm-code", methods=["GET", "POST"])
def confirm() -> Page:
    """Step-up: enter a current code again before break-glass, an export or a bulk move."""
    user = actor()
    back = _safe_next(request.args.get("next")) or url_for("auth.start")
    if not user.has_mfa:
        return redirect(back)  # nothing to confirm with: step-up does not apply to them
    form = CodeForm()
    passed = _attempt(form, lambda: mfa.step_up(db.session, user, form.code.data or ""))
    if passed is None:
        services.sign_out(db.session, user)
        return _sign_out_after_too_many()
    if passed:
        db.session.commit()
        pending.clear()  # the count of wrong codes starts again
        return redirect(back)
    return page("auth/confirm_code.html", form_status(form), form=form)


def _sign_out_after_too_many() -> Response:
    db.session.commit()
    logout_user()
    flash(TOO_MANY)
    return redirect(url_for("auth.login"))
