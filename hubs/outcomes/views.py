"""Staff pages for outcome measures: an episode's scores over time, recording DIALOG and
ReQoL-10, and turning DIALOG "more help" answers into draft care plan goals.

Thin views on the shared web layer: the episode's measures are read (and the read audited)
by the services, a measure is recorded through `handle_form`, and pages render before they
commit (`page`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from werkzeug.wrappers import Response

from hubs.core.errors import DomainError, NotFound
from hubs.core.web import Page, actor, finish, handle_form, page, rolled_back
from hubs.extensions import db
from hubs.outcomes import forms, scoring, services
from hubs.outcomes.models import MeasureKind, OutcomeMeasure

bp = Blueprint("outcomes", __name__)


def _for_recording(episode_id: int) -> services.EpisodeOutcomes:
    found = services.episode_outcomes(db.session, actor(), episode_id)
    if not found.may_record:
        raise NotFound("Page not found")
    return found


def _outcomes_url(episode_id: int) -> str:
    return url_for("outcomes.episode_outcomes", episode_id=episode_id)


@bp.get("/episodes/<int:episode_id>/outcomes")
def episode_outcomes(episode_id: int) -> Page:
    found = services.episode_outcomes(db.session, actor(), episode_id)
    return page(
        "outcomes/episode.html",
        found=found,
        charts=scoring.charts(found.measures or []),
        items=scoring.DIALOG_BY_KEY,
        reqol_labels=scoring.REQOL_LABELS,
    )


def _measure(found: services.EpisodeOutcomes, kind: MeasureKind, form: Any) -> OutcomeMeasure:
    if kind == MeasureKind.DIALOG:
        answers, more_help = forms.dialog_answers(form)
    else:
        answers, more_help = forms.reqol10_answers(form), []
    return services.record_measure(
        db.session, actor(), found.episode, kind, form.recorded_on.data, answers, more_help
    )


def _record(kind: MeasureKind, episode_id: int) -> Page:
    """GET the form; POST: validate, record through the one service, redirect."""
    found = _for_recording(episode_id)
    form: Any = forms.DialogForm() if kind == MeasureKind.DIALOG else forms.Reqol10Form()
    outcome = handle_form(
        form,
        lambda: _measure(found, kind, form),
        done=lambda _: _outcomes_url(episode_id),
        message=f"{kind.label} recorded",
        catch=(DomainError,),
    )
    if isinstance(outcome, Response):
        return outcome
    if rolled_back(found.episode):  # the rollback took the audited read with it: read again
        found = _for_recording(episode_id)
    template = f"outcomes/record_{kind.value}.html"
    return page(template, outcome, found=found, form=form, items=scoring.DIALOG_ITEMS)


@bp.route("/episodes/<int:episode_id>/outcomes/dialog", methods=["GET", "POST"])
def record_dialog(episode_id: int) -> Page:
    return _record(MeasureKind.DIALOG, episode_id)


@bp.route("/episodes/<int:episode_id>/outcomes/reqol10", methods=["GET", "POST"])
def record_reqol10(episode_id: int) -> Page:
    return _record(MeasureKind.REQOL10, episode_id)


def _goals_added(added: services.GoalsAdded) -> str:
    if not added.domains:
        return "Every 'more help' answer is already a goal in the care plan"
    labels = ", ".join(d.label.lower() for d in added.domains)
    return f"Added to the draft care plan as goals: {labels}"


@bp.post("/episodes/<int:episode_id>/outcomes/<int:measure_id>/goals")
def goals_from_more_help(episode_id: int, measure_id: int) -> Response:
    measure = services.readable_measure(db.session, actor(), episode_id, measure_id)
    added = services.goals_from_more_help(db.session, actor(), measure)
    return finish(added, done=_outcomes_url(episode_id), message=_goals_added)
