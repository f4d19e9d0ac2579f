"""Staff pages for a person's safety plan: the current plan, drafting, agreeing with the
person, versions, the person's proposals, and a printable page and PDF to keep offline.

Thin views on the shared web layer: the person with their access check (404), then one
service through `handle_form` or `finish`, or a page through `page`, which renders before it
commits the read's audit row (every read of a safety plan is audited, DESIGN §3 rule 7).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from hubs.careplans import versioning
from hubs.careplans.access import PlanAccess
from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.core.errors import Conflict, DomainError, NotFound, ValidationError
from hubs.core.types import today
from hubs.core.web import (
    Page,
    actor,
    commit,
    finish,
    handle_form,
    options,
    page,
    rolled_back,
    show_error,
)
from hubs.extensions import db
from hubs.people.models import Person
from hubs.safetyplans import forms
from hubs.safetyplans import services as safety
from hubs.safetyplans.models import SafetyPlan
from hubs.safetyplans.pdf import pdf_response, printable

bp = Blueprint("safetyplans", __name__)

PLAN = "/people/<int:safety_person_id>/safety-plan"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _visible(person_id: int) -> tuple[Person, PlanAccess]:
    return safety.get_safety_person(db.session, actor(), person_id)


def _editable(person_id: int) -> Person:
    """The person, if the actor may change their plan; otherwise 404 like any other denial."""
    person, access = _visible(person_id)
    if not access.edit:
        raise NotFound("Page not found")
    return person


def _overview_url(person: Person) -> str:
    return url_for("safetyplans.overview", safety_person_id=person.id)


def _back(person: Person) -> Response:
    return redirect(_overview_url(person))


def _show(form: Any, error: DomainError) -> None:
    """A conflict is about the whole plan, so it heads the form rather than one field."""
    if isinstance(error, Conflict):
        form.form_errors.append(error.message)
    else:
        show_error(form, error)


def _submit(form: Any, work: Any, person: Person, message: Any) -> Response | int:
    """One safety plan service through `handle_form`: back to the plan, or the refusal shown
    on the form with its own status (409 when the plan changed since it was opened)."""
    return handle_form(
        form,
        work,
        done=lambda _: _overview_url(person),
        message=message,
        catch=(DomainError,),
        show=_show,
        own_status=True,
    )


# --- The current plan ---------------------------------------------------------------------


def _current(person: Person, access: PlanAccess) -> dict[str, Any]:
    """The version in force, the draft and the pending proposals, as far as the actor may
    see them, and when the plan is due for review."""
    agreed = safety.current_agreed(db.session, person.id)
    draft = safety.current_draft(db.session, person.id) if access.drafts else None
    pending = safety.proposals_for(db.session, person.id, pending_only=True) if access.edit else []
    review = versioning.safety_plan_review(agreed.review_due_on if agreed else None, today())
    return {"agreed": agreed, "draft": draft, "pending": pending, "review": review}


@bp.get(PLAN)
def overview(safety_person_id: int) -> Page:
    person, access = _visible(safety_person_id)
    current = _current(person, access)
    safety.record_read(db.session, actor(), person.id, current["agreed"] or current["draft"])
    return page(
        "safetyplans/overview.html",
        person=person,
        access=access,
        decision=forms.DecisionForm(),
        labels=safety.TEXT_SECTIONS,
        **current,
    )


# --- Drafting and agreeing ----------------------------------------------------------------


def _fill(form: forms.SafetyPlanForm, head: SafetyPlan | None) -> None:
    form.version.data = str(head.version if head else 0)
    form.revision.data = str(head.revision) if head else ""
    if head is None:
        return
    for name in safety.TEXT_SECTIONS:
        getattr(form, name).data = getattr(head, name)
    form.service_ids.data = [str(s.id) for s in head.services]
    # A new version gets its own review date when it is agreed.
    form.review_due_on.data = head.review_due_on if head.status == PlanStatus.DRAFT else None


def _plan_form(person: Person) -> forms.SafetyPlanForm:
    """The editing form with the crisis services to choose from; opened (not posted), it
    holds the version being worked on, and reading it is audited."""
    form = forms.SafetyPlanForm()
    form.service_ids.choices = options(
        (str(s.id), s.name) for s in safety.crisis_services(db.session, person.id)
    )
    if not form.is_submitted():
        head = safety.current_safety_plan(db.session, person.id, drafts=True)
        _fill(form, head)
        safety.record_read(db.session, actor(), person.id, head)
    return form


def _content(form: forms.SafetyPlanForm) -> safety.SafetyPlanContent:
    texts = {name: getattr(form, name).data or "" for name in safety.TEXT_SECTIONS}
    return safety.SafetyPlanContent(
        **texts,
        service_ids=[int(v) for v in form.service_ids.data or [] if str(v).isdigit()],
        review_due_on=form.review_due_on.data,
    )


def _save(person: Person, form: forms.SafetyPlanForm) -> SafetyPlan:
    return safety.edit_safety_plan(
        db.session,
        actor(),
        person,
        version=_int(form.version.data),
        revision=_int(form.revision.data),
        content=_content(form),
    )


def _edit_page(person: Person, form: forms.SafetyPlanForm, status: int) -> Page:
    head = safety.current_safety_plan(db.session, person.id, drafts=True)
    services = {str(s.id): s for s in safety.crisis_services(db.session, person.id)}
    context = {"head": head, "services": services, "hints": forms.SECTION_HINTS}
    return page(
        "safetyplans/edit.html", status, person=person, form=form, conflict=status == 409, **context
    )


def _saved(plan: SafetyPlan) -> str:
    return f"Draft version {plan.version} saved. Agree it with the person to make it their plan."


@bp.route(PLAN + "/edit", methods=["GET", "POST"])
def edit(safety_person_id: int) -> Page:
    person = _editable(safety_person_id)
    form = _plan_form(person)
    outcome = _submit(form, lambda: _save(person, form), person, _saved)
    if isinstance(outcome, Response):
        return outcome
    if rolled_back(person):  # the refusal's rollback expired it: load it (and check) again
        person = _editable(safety_person_id)
    return _edit_page(person, form, outcome)


def _method(value: str | None) -> AgreementMethod:
    try:
        return AgreementMethod(value)
    except ValueError:
        raise ValidationError("Choose how the person agreed", field="method") from None


def _agree(plan: SafetyPlan, form: forms.SafetyAgreeForm) -> SafetyPlan:
    return safety.agree_safety_plan(
        db.session,
        actor(),
        plan,
        revision=_int(form.revision.data),
        method=_method(form.method.data),
        review_due_on=form.review_due_on.data,
    )


def _agree_page(person: Person, plan: SafetyPlan, form: Any, status: int = 200) -> Page:
    context = {"plan": plan, "form": form, "labels": safety.TEXT_SECTIONS}
    return page("safetyplans/agree.html", status, person=person, **context)


def _start_agreeing(person: Person, form: forms.SafetyAgreeForm) -> Page:
    """The agreement form for the person's draft, if there is one (the read is audited)."""
    draft = safety.current_draft(db.session, person.id)
    if draft is None:
        flash("There is no draft to agree. Change the plan first: that starts a new version.")
        return _back(person)
    form.version.data, form.revision.data = str(draft.version), str(draft.revision)
    form.review_due_on.data = draft.review_due_on or versioning.add_months(
        today(), versioning.SAFETY_PLAN_REVIEW_MONTHS
    )
    safety.record_read(db.session, actor(), person.id, draft)
    return _agree_page(person, draft, form)


def _agreed(plan: SafetyPlan) -> str:
    return f"Version {plan.version} agreed. The person can now see it in their portal."


@bp.route(PLAN + "/agree", methods=["GET", "POST"])
def agree(safety_person_id: int) -> Page:
    person = _editable(safety_person_id)
    form = forms.SafetyAgreeForm()
    if not form.is_submitted():
        return _start_agreeing(person, form)
    plan = safety.safety_version(db.session, person.id, _int(form.version.data) or 0, drafts=True)
    outcome = _submit(form, lambda: _agree(plan, form), person, _agreed)
    if isinstance(outcome, Response):
        return outcome
    if rolled_back(person):  # the refusal's rollback expired them: load them (and check) again
        person = _editable(safety_person_id)
        plan = safety.safety_version(db.session, person.id, plan.version, drafts=True)
    return _agree_page(person, plan, form, outcome)


def _decide(proposal: Any, decision: str | None) -> str:
    """Accept the person's proposal into a draft, or decline it; the message to show."""
    if decision == "accept":
        draft = safety.accept_proposal(db.session, actor(), proposal)
        return (
            f"Added to draft version {draft.version}. Agree the new version with the person to "
            "make it part of their plan."
        )
    if decision == "decline":
        safety.decline_proposal(db.session, actor(), proposal)
        return "Proposal declined. Let the person know why."
    raise ValidationError("Choose to accept or decline the proposal", field="decision")


@bp.post(PLAN + "/proposals")
def decide(safety_person_id: int) -> Response:
    form = forms.DecisionForm()
    person = _editable(safety_person_id)
    proposal = safety.get_proposal(db.session, person.id, _int(form.proposal_id.data))
    message = _decide(proposal, form.decision.data)
    return finish(message, done=_overview_url(person), message=message)


# --- Versions -----------------------------------------------------------------------------


@bp.get(PLAN + "/versions")
def history(safety_person_id: int) -> Page:
    person, access = _visible(safety_person_id)
    plans = safety.safety_versions(db.session, person.id, drafts=access.drafts)
    number = request.args.get("show", type=int)
    shown = _version(person, access, number) if number else None
    safety.record_read(db.session, actor(), person.id, shown, "view_versions")
    context = {"plans": plans, "shown": shown, "labels": safety.TEXT_SECTIONS}
    return page("safetyplans/versions.html", person=person, **context)


def _version(person: Person, access: PlanAccess, number: int) -> SafetyPlan:
    return safety.safety_version(db.session, person.id, number, drafts=access.drafts)


def _compare_form(plans: list[SafetyPlan]) -> forms.CompareForm:
    form = forms.CompareForm(request.args)
    choices = options(
        (str(p.version), f"Version {p.version} ({p.status.label.lower()})") for p in plans
    )
    form.older.choices, form.newer.choices = choices, choices
    return form


def _comparison(person: Person, access: PlanAccess, form: forms.CompareForm) -> dict[str, Any]:
    """The two versions chosen and what changed between them (nothing until both are)."""
    older_n, newer_n = _int(form.older.data), _int(form.newer.data)
    if not (older_n and newer_n):
        return {"older": None, "newer": None, "changes": []}
    older, newer = _version(person, access, older_n), _version(person, access, newer_n)
    return {"older": older, "newer": newer, "changes": safety.compare_safety_versions(older, newer)}


@bp.get(PLAN + "/compare")
def compare(safety_person_id: int) -> Page:
    person, access = _visible(safety_person_id)
    plans = safety.safety_versions(db.session, person.id, drafts=access.drafts)
    form = _compare_form(plans)
    found = _comparison(person, access, form)
    safety.record_read(db.session, actor(), person.id, found["newer"], "compare")
    return page("safetyplans/compare.html", person=person, plans=plans, form=form, **found)


# --- Printing and the PDF -----------------------------------------------------------------


@bp.get(PLAN + "/print")
def print_page(safety_person_id: int) -> Page:
    person, access = _visible(safety_person_id)
    plan = printable(person.id, access)
    safety.record_read(db.session, actor(), person.id, plan, "print")
    back = _overview_url(person)
    return page("safetyplans/print.html", person=person, plan=plan, back=back)


@bp.get(PLAN + "/pdf")
def pdf(safety_person_id: int) -> Response:
    person, access = _visible(safety_person_id)
    plan = printable(person.id, access)
    if plan is None:
        flash("There is no agreed safety plan to download yet.")
        return _back(person)
    safety.record_read(db.session, actor(), person.id, plan, "download")
    # Like a page: the document is made, then the read's audit row commits with it.
    return commit(pdf_response(person, plan))
