"""Sign in, sign out, the start page per role, password change and the manager's team."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from hubs.core.access import AccessRole
from hubs.core.web import actor, finish, handle_form
from hubs.directory.models import Team
from hubs.extensions import db
from hubs.staff import pending, services
from hubs.staff.forms import ChangePasswordForm, SignInForm
from hubs.staff.mfa import needs_second_factor
from hubs.staff.models import MembershipKind, TeamMembership, User
from hubs.staff.throttle import sign_in_limit

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


def throttle() -> services.Throttle:
    config = current_app.config
    return services.Throttle(config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW"])


def _check_password(form: SignInForm) -> User | None:
    """Check the password. A refusal is committed too, not rolled back: each failed attempt
    counts towards the lockout."""
    try:
        user = services.authenticate(
            db.session,
            form.email.data or "",
            form.password.data or "",
            throttle=throttle(),
            ip_address=request.remote_addr,
            mfa_required=current_app.config["MFA_REQUIRED"],
        )
    except services.SignInRefused as refused:
        db.session.commit()  # the failed attempt itself must be kept for the lockout count
        form.email.errors = [refused.message]
        return None
    db.session.commit()
    return user


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limit
def login() -> Response | str:
    """Password first; then, for staff, the code (or enrolment) before anything else."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.start"))
    form = SignInForm()
    user = _check_password(form) if form.validate_on_submit() else None
    if user is None:
        return render_template("auth/login.html", form=form)
    next_url = _safe_next(request.args.get("next"))
    if needs_second_factor(user, required=current_app.config["MFA_REQUIRED"]):
        pending.hold(user, next_url)
        return redirect(url_for("mfa.code" if user.has_mfa else "mfa.enrol"))
    pending.complete_sign_in(user, second_factor=False)
    return redirect(next_url or url_for("auth.start"))


@bp.post("/sign-out")
def logout() -> Response:
    services.sign_out(db.session, actor())
    signed_out = finish(None, done=url_for("auth.login"), message="You have signed out")
    logout_user()  # after the commit: the session record is revoked before the cookie forgets it
    return signed_out


def _change_password(user: User, form: ChangePasswordForm) -> None:
    services.change_password(
        db.session,
        user,
        current_password=form.current_password.data or "",
        new_password=form.new_password.data or "",
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response | tuple[str, int]:
    user, form = actor(), ChangePasswordForm()
    outcome = handle_form(
        form,
        lambda: _change_password(user, form),
        done=lambda _: url_for("auth.start"),
        message="Your password has been changed. Other devices have been signed out.",
    )
    if isinstance(outcome, Response):
        login_user(user)  # the browser keeps working on its freshly opened session
        return outcome
    return render_template("auth/change_password.html", form=form), outcome


def _teams_managed_by(user_id: int) -> dict[Team, list[TeamMembership]]:
    """The hubs a manager runs, each with its members by name."""
    managed = db.session.scalars(
        sa.select(TeamMembership)
        .where(
            TeamMembership.user_id == user_id,
            TeamMembership.kind == MembershipKind.MANAGER,
        )
        .options(sa.orm.joinedload(TeamMembership.team))
    ).all()
    team_ids = [m.team_id for m in managed]
    members = db.session.scalars(
        sa.select(TeamMembership)
        .where(TeamMembership.team_id.in_(team_ids))
        .join(TeamMembership.user)
        .options(sa.orm.contains_eager(TeamMembership.user).joinedload(User.organisation))
        .order_by(User.display_name)
    ).all()
    return {m.team: [x for x in members if x.team_id == m.team_id] for m in managed}


@bp.get("/team")
def my_team() -> str:
    """The hubs a manager runs, with the multidisciplinary team in each."""
    return render_template("staff/team.html", teams=_teams_managed_by(current_user.id))
