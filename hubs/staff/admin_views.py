"""System administration of accounts: no clinical data is shown here."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from hubs.core.web import Page, actor, finish, handle_form, page
from hubs.extensions import db
from hubs.staff import mfa, services
from hubs.staff.forms import ResetMfaForm
from hubs.staff.models import AccountKind, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


class ConfirmForm(FlaskForm):
    """A button-only form: its CSRF token is the whole point."""


@bp.get("/users")
def users() -> str:
    accounts = db.session.scalars(
        # Staff only: a person's portal e-mail would reveal that they use mental health services.
        sa.select(User)
        .where(User.kind == AccountKind.STAFF)
        .options(sa.orm.joinedload(User.organisation))
        .order_by(User.email)
    ).all()
    return render_template("admin/users.html", accounts=accounts, form=ConfirmForm())


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int) -> Response:
    ConfirmForm()  # CSRF is checked for every unsafe request before the view runs
    user = services.deactivate_user(db.session, actor(), user_id)
    return finish(user, done=url_for("admin.users"), message=_deactivated)


@bp.post("/users/<int:user_id>/lift-lockouts")
def lift_lockouts(user_id: int) -> Response:
    ConfirmForm()  # CSRF is checked for every unsafe request before the view runs
    user = services.lift_lockouts(db.session, actor(), user_id)
    return finish(user, done=url_for("admin.users"), message=_lifted)


def _lifted(user: User) -> str:
    return f"{user.email} can sign in again from every device (sign-in lockouts lifted)"


def _deactivated(user: User) -> str:
    return f"{user.email} has been deactivated and signed out everywhere"


@bp.route("/users/<int:user_id>/reset-mfa", methods=["GET", "POST"])
def reset_mfa(user_id: int) -> Page:
    """Clear a lost or compromised second factor, with a reason; the user enrols again."""
    user = db.session.get(User, user_id)
    if user is None or user.kind != AccountKind.STAFF:
        abort(404)
    form = ResetMfaForm()
    outcome = handle_form(
        form,
        lambda: mfa.reset_mfa(db.session, actor(), user_id, form.reason.data or ""),
        done=lambda _: url_for("admin.users"),
        message=lambda reset: (
            f"The second factor of {reset.email} has been reset. They set up their "
            "authenticator app again when they next sign in"
        ),
    )
    if not isinstance(outcome, int):
        return outcome
    return page("admin/reset_mfa.html", outcome, form=form, account=user)
