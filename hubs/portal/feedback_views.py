"""Feedback: the person's page ("How was your experience of the hub?") and, for the hub's
managers, what people answered and wrote, without names (they learn from it; it is not a
case record)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.core import audit
from hubs.core.web import Page, actor, handle_form, options, page
from hubs.extensions import db
from hubs.portal.feedback import I_STATEMENT_MAX, give_feedback, hub_feedback
from hubs.portal.models import FeedbackResponse, FftAnswer
from hubs.portal.views import bp, own_person_id
from hubs.staff.queries import get_managed_team


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


def _give(form: FeedbackForm, person_id: int) -> FeedbackResponse:
    answer = FftAnswer(form.answer.data) if form.answer.data in set(FftAnswer) else None
    return give_feedback(
        db.session,
        actor(),
        person_id,
        answer=answer,
        i_statement=form.i_statement.data or "",
    )


@bp.route("/feedback", methods=["GET", "POST"])
def feedback() -> Page:
    person_id = own_person_id()
    form = FeedbackForm()
    status = handle_form(
        form,
        lambda: _give(form, person_id),
        done=lambda _: url_for("portal.home"),
        message="Thank you for your feedback. The hub team reads every answer.",
    )
    if isinstance(status, Response):
        return status
    return page("portal/feedback.html", status, form=form, answers=list(FftAnswer))


staff_bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@staff_bp.get("/teams/<int:team_id>")
def team(team_id: int) -> Page:
    found = get_managed_team(db.session, actor(), team_id)
    summary = hub_feedback(db.session, found.id)
    audit.record("feedback.hub_view", actor=actor(), record_type="team", record_id=found.id)
    return page("portal/hub_feedback.html", team=found, summary=summary)
