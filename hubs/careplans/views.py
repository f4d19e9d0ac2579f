"""Staff pages for care plans: the current plan, drafting, agreeing, versions, comparing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.careplans import forms, queries, services
from hubs.careplans.access import PlanAccess, plan_access
from hubs.careplans.models import (
    ActionCategory,
    AgreementMethod,
    CarePlan,
    GoalStatus,
    PlanStatus,
)
from hubs.core import audit
from hubs.core.errors import DomainError, NotFound
from hubs.core.stepup import requires_recent_second_factor
from hubs.core.types import today
from hubs.core.web import show_error
from hubs.extensions import db
from hubs.people.access import get_person_for
from hubs.people.forms import BreakGlassForm
from hubs.people.services import break_glass
from hubs.referrals.models import Episode, NeedDomain

bp = Blueprint("careplans", __name__)


def _actor() -> Any:
    return current_user._get_current_object()


def _episode(episode_id: int) -> tuple[Episode, PlanAccess]:
    """The episode, if the actor may see this person's care plan (else 404)."""
    episode = db.session.get(Episode, episode_id)
    if episode is None:
        raise NotFound("Page not found")
    access = plan_access(
        db.session, _actor(), get_person_for(db.session, _actor(), episode.person_id)
    )
    if not access.care_plan:
        raise NotFound("Page not found")
    return episode, access


def _plan(plan_id: int) -> tuple[CarePlan, PlanAccess]:
    plan = db.session.get(CarePlan, plan_id)
    if plan is None:
        raise NotFound("Page not found")
    _, access = _episode(plan.episode_id)
    if plan.status == PlanStatus.DRAFT and not access.drafts:
        raise NotFound("Page not found")
    return plan, access


def _audit_read(plan_or_episode: Any, person_id: int) -> None:
    audit.record(
        "care_plan.view",
        actor=_actor(),
        record_type="care_plan",
        record_id=getattr(plan_or_episode, "id", None),
        person_id=person_id,
    )


@bp.get("/episodes/<int:episode_id>/care-plan")
def overview(episode_id: int) -> str:
    episode, access = _episode(episode_id)
    plans = queries.versions_of(db.session, episode.id)
    agreed = next(
        (p for p in plans if p.status in (PlanStatus.AGREED, PlanStatus.UNDER_REVIEW)), None
    )
    draft = (
        next((p for p in plans if p.status == PlanStatus.DRAFT), None) if access.drafts else None
    )
    _audit_read(episode, episode.person_id)
    page = render_template(
        "careplans/overview.html",
        episode=episode,
        agreed=agreed,
        draft=draft,
        plans=[p for p in plans if access.drafts or p.status != PlanStatus.DRAFT],
        access=access,
        confirm=forms.ConfirmForm(),
        date_form=forms.DateForm(),
    )
    # After rendering: a commit expires the versions listed and each would be reloaded.
    db.session.commit()
    return page


@bp.post("/episodes/<int:episode_id>/care-plan/draft")
def open_draft(episode_id: int) -> Response:
    forms.ConfirmForm()
    episode, _ = _episode(episode_id)
    draft = services.open_draft(db.session, _actor(), episode)
    db.session.commit()
    return redirect(url_for("careplans.edit", plan_id=draft.id))


def _content(form: forms.CarePlanForm) -> services.CarePlanContent:
    goals = [
        services.GoalInput(
            g.own_words.data or "",
            NeedDomain(g.need_domain.data) if g.need_domain.data else None,
            GoalStatus(g.status.data or "not_started"),
            g.who_helps.data or "",
        )
        for g in form.goals
        if (g.own_words.data or "").strip()
    ]
    actions = [
        services.ActionInput(
            ActionCategory(a.category.data or "other"),
            a.what.data or "",
            a.who.data or "",
            a.by_when.data,
        )
        for a in form.actions
        if (a.what.data or "").strip()
    ]
    return services.CarePlanContent(
        about_me=form.about_me.data or "",
        what_matters=form.what_matters.data or "",
        formulation=form.formulation.data or "",
        if_things_get_worse=form.if_things_get_worse.data or "",
        carers_involvement=form.carers_involvement.data or "",
        staff_notes=form.staff_notes.data or "",
        review_due_on=form.review_due_on.data,
        goals=goals,
        actions=actions,
    )


def _fill(form: forms.CarePlanForm, plan: CarePlan) -> None:
    form.revision.data = str(plan.revision)
    for name in services.TEXT_SECTIONS:
        getattr(form, name).data = getattr(plan, name)
    form.review_due_on.data = plan.review_due_on
    form.goals.entries, form.actions.entries = [], []
    for goal in plan.goals:
        form.goals.append_entry(
            {
                "own_words": goal.own_words,
                "status": goal.status.value,
                "need_domain": goal.need_domain.value if goal.need_domain else "",
                "who_helps": goal.who_helps,
            }
        )
    for action in plan.actions:
        form.actions.append_entry(
            {
                "category": action.category.value,
                "what": action.what,
                "who": action.who,
                "by_when": action.by_when,
            }
        )
    form.goals.append_entry()
    form.actions.append_entry()


@bp.route("/care-plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id: int) -> Response | tuple[str, int] | str:
    plan, access = _plan(plan_id)
    if not access.edit or plan.status != PlanStatus.DRAFT:
        raise NotFound("Page not found")
    form = forms.CarePlanForm()
    if not form.is_submitted():
        _fill(form, plan)
        return render_template("careplans/edit.html", plan=plan, form=form)
    if form.validate():
        try:
            services.save_draft(
                db.session,
                _actor(),
                plan,
                revision=_int(form.revision.data),
                content=_content(form),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status_code
        else:
            db.session.commit()
            flash(f"Draft version {plan.version} saved")
            return redirect(url_for("careplans.overview", episode_id=plan.episode_id))
    else:
        status = 422
    plan, _ = _plan(plan_id)
    return render_template("careplans/edit.html", plan=plan, form=form), status


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/care-plans/<int:plan_id>/agree", methods=["GET", "POST"])
def agree(plan_id: int) -> Response | tuple[str, int] | str:
    plan, access = _plan(plan_id)
    if not access.edit:
        raise NotFound("Page not found")
    form = forms.AgreeForm()
    if not form.is_submitted():
        form.revision.data = str(plan.revision)
        return render_template("careplans/agree.html", plan=plan, form=form)
    try:
        services.agree(
            db.session,
            _actor(),
            plan,
            revision=_int(form.revision.data),
            method=_method(form.method.data),
            note=form.note.data or "",
            review_due_on=form.review_due_on.data,
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        plan, _ = _plan(plan_id)
        return render_template("careplans/agree.html", plan=plan, form=form), error.status_code
    db.session.commit()
    flash(f"Version {plan.version} agreed. The person can now see it in their portal.")
    return redirect(url_for("careplans.overview", episode_id=plan.episode_id))


def _method(value: str | None) -> AgreementMethod:
    from hubs.core.errors import ValidationError

    try:
        return AgreementMethod(value)
    except ValueError:
        raise ValidationError("Choose how the person agreed", field="method") from None


@bp.post("/care-plans/<int:plan_id>/review")
def start_review(plan_id: int) -> Response:
    forms.ConfirmForm()
    plan, _ = _plan(plan_id)
    draft = services.start_review(db.session, _actor(), plan)
    db.session.commit()
    return redirect(url_for("careplans.edit", plan_id=draft.id))


@bp.get("/care-plans/<int:plan_id>")
def version(plan_id: int) -> str:
    plan, access = _plan(plan_id)
    _audit_read(plan, plan.person_id)
    db.session.commit()
    return render_template(
        "careplans/version.html",
        plan=plan,
        access=access,
        confirm=forms.ConfirmForm(),
        date_form=forms.DateForm(),
        comment_form=forms.CommentForm(),
    )


@bp.get("/care-plans/<int:older_id>/compare/<int:newer_id>")
def compare(older_id: int, newer_id: int) -> str:
    older, _ = _plan(older_id)
    newer, access = _plan(newer_id)
    if older.episode_id != newer.episode_id:
        raise NotFound("Page not found")
    changes = services.compare_versions(older, newer)
    if not access.staff_notes:
        changes = [c for c in changes if c.section != services.SECTION_LABELS["staff_notes"]]
    _audit_read(newer, newer.person_id)
    db.session.commit()
    return render_template("careplans/compare.html", older=older, newer=newer, changes=changes)


@bp.post("/episodes/<int:episode_id>/assessment")
def record_assessment(episode_id: int) -> Response:
    form = forms.DateForm()
    episode, _ = _episode(episode_id)
    services.record_assessment(db.session, _actor(), episode, form.on.data or today())
    db.session.commit()
    flash("Assessment recorded")
    return redirect(url_for("careplans.overview", episode_id=episode.id))


@bp.post("/care-plans/<int:plan_id>/actions/<int:action_id>/start")
def start_action(plan_id: int, action_id: int) -> Response:
    form = forms.DateForm()
    plan, _ = _plan(plan_id)
    services.start_action(db.session, _actor(), plan, action_id, form.on.data or today())
    db.session.commit()
    flash("Recorded that the action has started")
    return redirect(url_for("careplans.version", plan_id=plan.id))


@bp.post("/care-plans/<int:plan_id>/comments")
def comment(plan_id: int) -> Response:
    form = forms.CommentForm()
    plan, _ = _plan(plan_id)
    services.add_comment(db.session, _actor(), plan, form.body.data or "")
    db.session.commit()
    flash("Comment added")
    return redirect(url_for("careplans.version", plan_id=plan.id))


@bp.route("/break-glass", methods=["GET", "POST"])
@requires_recent_second_factor
def emergency_access() -> Response | tuple[str, int] | str:
    form = BreakGlassForm()
    if form.is_submitted():
        try:
            person = break_glass(
                db.session,
                _actor(),
                nhs_number=form.nhs_number.data or "",
                reason=form.reason.data or "",
                hours=form.hours.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("careplans/break_glass.html", form=form), error.status_code
        db.session.commit()
        flash(
            "Emergency access granted. Your use is recorded and the hub's managers have been told."
        )
        return redirect(url_for("people.detail", person_id=person.id))
    return render_template("careplans/break_glass.html", form=form)
