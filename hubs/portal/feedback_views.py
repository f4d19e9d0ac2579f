"""Feedback: the person's page ("How was your experience of the hub?") and, for the hub's
managers, what people answered and wrote, without names (they learn from it; it is not a
case record)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.core import audit
from hubs.core.errors import DomainError
from hubs.core.web import options, show_error
from hubs.extensions import db
from hubs.portal.feedback import I_STATEMENT_MAX, give_feedback, hub_feedback
from hubs.portal.models import FftAnswer
from hubs.portal.views import bp, own_person_id
from hubs.staff.queries import get_managed_hub


class FeedbackForm(FlaskForm):
    answer = RadioField(
        "Overall, how was your experience of the hub?",
        choices=options((a.value, a.label) for a in FftAnswer),
        validate_choice=False,  # the service says which answer is missing, in plain words
    )
    i_statement = TextAreaField(
        "Tell us about it in your own words (optional)",
        validators=[Optional(), Length(max=I_STATEMENT_MAX)],
    )


def _render(form: FeedbackForm, status: int = 200) -> Any:
    page = render_template("portal/feedback.html", form=form, answers=list(FftAnswer))
    return (page, status) if status != 200 else page


@bp.route("/feedback", methods=["GET", "POST"])
def feedback() -> Any:
    person_id = own_person_id()
    form = FeedbackForm()
    if not form.is_submitted():
        return _render(form)
    if not form.validate():
        return _render(form, 422)
    try:
        answer = FftAnswer(form.answer.data) if form.answer.data in set(FftAnswer) else None
        give_feedback(
            db.session,
            current_user._get_current_object(),
            person_id,
            answer=answer,
            i_statement=form.i_statement.data or "",
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _render(form, error.status_code)
    db.session.commit()
    flash("Thank you for your feedback. The hub team reads every answer.")
    return redirect(url_for("portal.home"))


staff_bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@staff_bp.get("/hubs/<int:hub_id>")
def hub(hub_id: int) -> str:
    actor = current_user._get_current_object()
    found = get_managed_hub(db.session, actor, hub_id)
    summary = hub_feedback(db.session, found.id)
    audit.record("feedback.hub_view", actor=actor, record_type="hub", record_id=found.id)
    page = render_template("portal/hub_feedback.html", hub=found, summary=summary)
    db.session.commit()
    return page
