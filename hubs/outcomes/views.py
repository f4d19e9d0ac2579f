"""Staff pages for outcome measures: an episode's scores over time, recording DIALOG and
ReQoL-10, and turning DIALOG "more help" answers into draft care plan goals."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.core.errors import DomainError, NotFound
from hubs.core.web import show_error
from hubs.extensions import db
from hubs.outcomes import forms, scoring, services
from hubs.outcomes.models import MeasureKind
from hubs.staff.models import User

bp = Blueprint("outcomes", __name__)


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _for_recording(episode_id: int) -> services.EpisodeOutcomes:
    found = services.episode_outcomes(db.session, _actor(), episode_id)
    if not found.may_record:
        raise NotFound("Page not found")
    return found


@bp.get("/episodes/<int:episode_id>/outcomes")
def episode_outcomes(episode_id: int) -> str:
    found = services.episode_outcomes(db.session, _actor(), episode_id)
    db.session.commit()
    return render_template(
        "outcomes/episode.html",
        found=found,
        charts=scoring.charts(found.measures or []),
        items=scoring.DIALOG_BY_KEY,
        reqol_labels=scoring.REQOL_LABELS,
    )


def _record(kind: MeasureKind, episode_id: int) -> Response | tuple[str, int]:
    """GET the form; POST: validate, record through the one service, redirect."""
    found = _for_recording(episode_id)
    form: Any = forms.DialogForm() if kind == MeasureKind.DIALOG else forms.Reqol10Form()
    if request.method == "POST" and form.validate():
        if kind == MeasureKind.DIALOG:
            answers, more_help = forms.dialog_answers(form)
        else:
            answers, more_help = forms.reqol10_answers(form), []
        try:
            services.record_measure(
                db.session, _actor(), found.episode, kind, form.recorded_on.data, answers, more_help
            )
        except DomainError as error:
            db.session.rollback()  # nothing half-saved
            show_error(form, error)
            found = _for_recording(episode_id)  # the rollback took the audited read with it
        else:
            db.session.commit()
            flash(f"{kind.label} recorded")
            return redirect(url_for("outcomes.episode_outcomes", episode_id=episode_id))
    db.session.commit()
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        f"outcomes/record_{kind.value}.html", found=found, form=form, items=scoring.DIALOG_ITEMS
    )
    return page, status


@bp.route("/episodes/<int:episode_id>/outcomes/dialog", methods=["GET", "POST"])
def record_dialog(episode_id: int) -> Response | tuple[str, int]:
    return _record(MeasureKind.DIALOG, episode_id)


@bp.route("/episodes/<int:episode_id>/outcomes/reqol10", methods=["GET", "POST"])
def record_reqol10(episode_id: int) -> Response | tuple[str, int]:
    return _record(MeasureKind.REQOL10, episode_id)


@bp.post("/episodes/<int:episode_id>/outcomes/<int:measure_id>/goals")
def goals_from_more_help(episode_id: int, measure_id: int) -> Response:
    measure = services.readable_measure(db.session, _actor(), episode_id, measure_id)
    added = services.goals_from_more_help(db.session, _actor(), measure)
    db.session.commit()
    if added.domains:
        labels = ", ".join(d.label.lower() for d in added.domains)
        flash(f"Added to the draft care plan as goals: {labels}")
    else:
        flash("Every 'more help' answer is already a goal in the care plan")
    return redirect(url_for("outcomes.episode_outcomes", episode_id=episode_id))
