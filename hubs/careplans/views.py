"""Staff pages for care plans: the current plan, drafting, agreeing, versions, comparing,
and the emergency (break-glass) access page.

Thin views on the shared web layer: load the plan or episode with its access check (404),
then one service through `handle_form` or `finish`, or a page through `page`, which renders
before it commits its read-audit row (a commit first would expire every version listed and
the template would reload them one by one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, url_for
from werkzeug.wrappers import Response

from hubs.careplans import forms, queries, services
from hubs.careplans.access import PlanAccess, get_care_plan_episode_for, get_care_plan_for
from hubs.careplans.models import ActionCategory, AgreementMethod, CarePlan, GoalStatus, PlanStatus
from hubs.careplans.versioning import Change
from hubs.core.errors import DomainError, NotFound, ValidationError
from hubs.core.stepup import requires_recent_second_factor
from hubs.core.types import today
from hubs.core.web import Page, actor, audits, finish, handle_form, page
from hubs.extensions import db
from hubs.people.forms import BreakGlassForm
from hubs.people.models import Person
from hubs.people.services import break_glass
from hubs.referrals.models import Episode, NeedDomain

bp = Blueprint("careplans", __name__)

BREAK_GLASS_GRANTED = (
    "Emergency access granted. Your use is recorded and the hub's managers have been told."
)


def _episode(episode_id: int) -> tuple[Episode, PlanAccess]:
    return get_care_plan_episode_for(db.session, actor(), episode_id)


def _plan(plan_id: int) -> tuple[CarePlan, PlanAccess]:
    return get_care_plan_for(db.session, actor(), plan_id)


def _editable(plan_id: int, *, draft: bool = False) -> CarePlan:
    """A version the actor may change (a draft, for editing); otherwise 404."""
    plan, access = _plan(plan_id)
    if not access.edit or (draft and plan.status != PlanStatus.DRAFT):
        raise NotFound("Page not found")
    return plan


def _overview_of(plan: CarePlan) -> str:
    return url_for("careplans.overview", episode_id=plan.episode_id)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- The current plan ---------------------------------------------------------------------


@bp.get("/episodes/<int:episode_id>/care-plan")
@audits("care_plan.view", "care_plan")
def overview(episode_id: int) -> Page:
    episode, access = _episode(episode_id)
    plans = queries.episode_plans(db.session, episode.id, drafts=access.drafts)
    return page(
        "careplans/overview.html",
        shows=episode,
        episode=episode,
        agreed=plans.agreed,
        draft=plans.draft,
        plans=plans.versions,
        access=access,
        confirm=forms.ConfirmForm(),
        date_form=forms.DateForm(),
    )


@bp.post("/episodes/<int:episode_id>/care-plan/draft")
def open_draft(episode_id: int) -> Response:
    forms.ConfirmForm()
    episode, _ = _episode(episode_id)
    draft = services.open_draft(db.session, actor(), episode)
    return finish(draft, done=lambda opened: url_for("careplans.edit", plan_id=opened.id))


# --- Drafting and agreeing ----------------------------------------------------------------


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


def _save(plan: CarePlan, form: forms.CarePlanForm) -> CarePlan:
    revision = _int(form.revision.data)
    return services.save_draft(db.session, actor(), plan, revision=revision, content=_content(form))


def _submit(form: Any, work: Callable[[], CarePlan], message: Callable[[CarePlan], str]) -> Any:
    """One plan service through `handle_form`: back to the plan's overview, or the refusal
    shown on the form with its own status (409 for a version changed since it was opened)."""
    return handle_form(
        form, work, done=_overview_of, message=message, catch=(DomainError,), own_status=True
    )


def _form_page(
    template: str, plan_id: int, plan: CarePlan, form: Any, outcome: Response | int
) -> Page:
    if isinstance(outcome, Response):
        return outcome
    # A submitted form comes back with its plan loaded again: a refusal's rollback expired it.
    plan = _plan(plan_id)[0] if form.is_submitted() else plan
    return page(template, outcome, plan=plan, form=form)


@bp.route("/care-plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id: int) -> Page:
    plan = _editable(plan_id, draft=True)
    form = forms.CarePlanForm()
    if not form.is_submitted():
        _fill(form, plan)
    outcome = _submit(
        form, lambda: _save(plan, form), lambda saved: f"Draft version {saved.version} saved"
    )
    return _form_page("careplans/edit.html", plan_id, plan, form, outcome)


def _method(value: str | None) -> AgreementMethod:
    try:
        return AgreementMethod(value)
    except ValueError:
        raise ValidationError("Choose how the person agreed", field="method") from None


def _agree(plan: CarePlan, form: forms.AgreeForm) -> CarePlan:
    return services.agree(
        db.session,
        actor(),
        plan,
        revision=_int(form.revision.data),
        method=_method(form.method.data),
        note=form.note.data or "",
        review_due_on=form.review_due_on.data,
    )


@bp.route("/care-plans/<int:plan_id>/agree", methods=["GET", "POST"])
def agree(plan_id: int) -> Page:
    plan = _editable(plan_id)
    form = forms.AgreeForm()
    if not form.is_submitted():
        form.revision.data = str(plan.revision)
    outcome = _submit(form, lambda: _agree(plan, form), _agreed)
    return _form_page("careplans/agree.html", plan_id, plan, form, outcome)


def _agreed(plan: CarePlan) -> str:
    return f"Version {plan.version} agreed. The person can now see it in their portal."


@bp.post("/care-plans/<int:plan_id>/review")
def start_review(plan_id: int) -> Response:
    forms.ConfirmForm()
    plan, _ = _plan(plan_id)
    draft = services.start_review(db.session, actor(), plan)
    return finish(draft, done=lambda opened: url_for("careplans.edit", plan_id=opened.id))


# --- Versions -----------------------------------------------------------------------------


@bp.get("/care-plans/<int:plan_id>")
@audits("care_plan.view", "care_plan")
def version(plan_id: int) -> Page:
    plan, access = _plan(plan_id)
    return page(
        "careplans/version.html",
        shows=plan,
        plan=plan,
        access=access,
        confirm=forms.ConfirmForm(),
        date_form=forms.DateForm(),
        comment_form=forms.CommentForm(),
    )


def _changes(older: CarePlan, newer: CarePlan, access: PlanAccess) -> list[Change]:
    """What changed between two versions of one episode's plan, staff notes only for those
    who may see them."""
    if older.episode_id != newer.episode_id:
        raise NotFound("Page not found")
    changes = services.compare_versions(older, newer)
    if access.staff_notes:
        return changes
    return [c for c in changes if c.section != services.SECTION_LABELS["staff_notes"]]


@bp.get("/care-plans/<int:older_id>/compare/<int:newer_id>")
@audits("care_plan.view", "care_plan")
def compare(older_id: int, newer_id: int) -> Page:
    older, _ = _plan(older_id)
    newer, access = _plan(newer_id)
    changes = _changes(older, newer, access)
    return page("careplans/compare.html", shows=newer, older=older, newer=newer, changes=changes)


# --- Recording what happened --------------------------------------------------------------


@bp.post("/episodes/<int:episode_id>/assessment")
def record_assessment(episode_id: int) -> Response:
    form = forms.DateForm()
    episode, _ = _episode(episode_id)
    services.record_assessment(db.session, actor(), episode, form.on.data or today())
    done = url_for("careplans.overview", episode_id=episode.id)
    return finish(episode, done=done, message="Assessment recorded")


@bp.post("/care-plans/<int:plan_id>/actions/<int:action_id>/start")
def start_action(plan_id: int, action_id: int) -> Response:
    form = forms.DateForm()
    plan, _ = _plan(plan_id)
    services.start_action(db.session, actor(), plan, action_id, form.on.data or today())
    done = url_for("careplans.version", plan_id=plan.id)
    return finish(plan, done=done, message="Recorded that the action has started")


@bp.post("/care-plans/<int:plan_id>/comments")
def comment(plan_id: int) -> Response:
    form = forms.CommentForm()
    plan, _ = _plan(plan_id)
    services.add_comment(db.session, actor(), plan, form.body.data or "")
    return finish(plan, done=url_for("careplans.version", plan_id=plan.id), message="Comment added")


# --- Emergency access ---------------------------------------------------------------------


def _break_glass(form: BreakGlassForm) -> Person:
    return break_glass(
        db.session,
        actor(),
        nhs_number=form.nhs_number.data or "",
        reason=form.reason.data or "",
        hours=form.hours.data,
    )


# Break-glass is the people feature's (an access reason); its page keeps the URL and the
# endpoint name the access matrix and the people pages know it by, on this blueprint.
@bp.route("/break-glass", methods=["GET", "POST"])
@requires_recent_second_factor
def emergency_access() -> Page:
    form = BreakGlassForm()
    outcome = handle_form(
        form,
        lambda: _break_glass(form),
        done=lambda person: url_for("people.detail", person_id=person.id),
        message=BREAK_GLASS_GRANTED,
        catch=(DomainError,),
        own_status=True,
    )
    if isinstance(outcome, Response):
        return outcome
    return page("careplans/break_glass.html", outcome, form=form)
