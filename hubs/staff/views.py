"""Sign in, sign out, the start page per role, password change and the manager's team."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from hubs.core.access import AccessRole
from hubs.core.errors import ValidationError
from hubs.extensions import db
from hubs.staff import services
from hubs.staff.forms import ChangePasswordForm, SignInForm
from hubs.staff.models import HubMembership, MembershipKind, User

bp = Blueprint("auth", __name__)

START_PAGES = {
    # Hub staff start at the triage queue: managing referrals is their first job.
    AccessRole.CLINICIAN: "referrals.queue",
    # Connectors start at their caseload: the people they support and what is due.
    AccessRole.VCSE_WORKER: "caseloads.mine",
    AccessRole.HUB_ADMIN: "referrals.queue",
    AccessRole.MANAGER: "auth.my_team",
    # Analysts work only with the suppressed strategy indicators.
    AccessRole.ANALYST: "reporting.dashboard_page",
    AccessRole.SYSADMIN: "admin.users",
    AccessRole.PERSON: "portal.home",
}


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the sign-in page cannot be used to redirect elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/")
def start() -> Response:
    """Each role lands on its own start page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(START_PAGES[current_user.access_role]))


@bp.route("/sign-in", methods=["GET", "POST"])
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("auth.start"))
    form = SignInForm()
    if form.validate_on_submit():
        throttle = services.Throttle(
            current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_FAILURE_WINDOW"]
        )
        try:
            user = services.authenticate(
                db.session,
                form.email.data or "",
                form.password.data or "",
                throttle=throttle,
                ip_address=request.remote_addr,
            )
        except services.SignInRefused as refused:
            db.session.commit()  # the failed attempt itself must be kept for the lockout count
            form.email.errors = [refused.message]
            return render_template("auth/login.html", form=form), 200
        services.sign_in(
            db.session,
            user,
            ip_address=request.remote_addr,
            user_agent=request.headers.get("User-Agent"),
        )
        db.session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("auth.start"))
    return render_template("auth/login.html", form=form)


@bp.post("/sign-out")
def logout() -> Response:
    services.sign_out(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("You have signed out")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response | str:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                db.session,
                user,
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
                ip_address=request.remote_addr,
                user_agent=request.headers.get("User-Agent"),
            )
        except ValidationError as error:
            db.session.rollback()
            getattr(form, error.field or "new_password").errors = [error.message]
            return render_template("auth/change_password.html", form=form), 422
        db.session.commit()
        login_user(user)  # the browser keeps working on its freshly opened session
        flash("Your password has been changed. Other devices have been signed out.")
        return redirect(url_for("auth.start"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.get("/team")
def my_team() -> str:
    """The hubs a manager runs, with the multidisciplinary team in each."""
    managed = db.session.scalars(
        sa.select(HubMembership)
        .where(
            HubMembership.user_id == current_user.id,
            HubMembership.kind == MembershipKind.MANAGER,
        )
        .options(sa.orm.joinedload(HubMembership.hub))
    ).all()
    hub_ids = [m.hub_id for m in managed]
    members = db.session.scalars(
        sa.select(HubMembership)
        .where(HubMembership.hub_id.in_(hub_ids))
        .join(HubMembership.user)
        .options(sa.orm.contains_eager(HubMembership.user).joinedload(User.organisation))
        .order_by(User.display_name)
    ).all()
    teams = {m.hub: [x for x in members if x.hub_id == m.hub_id] for m in managed}
    return render_template("staff/team.html", teams=teams)
