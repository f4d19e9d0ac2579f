"""Staff pages for a person's safety plan: the current plan, drafting, agreeing with the
person, versions, the person's proposals, and a printable page and PDF to keep offline."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.careplans import versioning
from hubs.careplans.access import PlanAccess
from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.core.errors import Conflict, DomainError, NotFound, ValidationError
from hubs.core.types import today
from hubs.core.web import options, show_error
from hubs.extensions import db
from hubs.people.models import Person
from hubs.safetyplans import forms
from hubs.safetyplans import services as safety
from hubs.safetyplans.models import SafetyPlan
from hubs.safetyplans.pdf import pdf_response, printable

bp = Blueprint("safetyplans", __name__)

PLAN = "/people/<int:safety_person_id>/safety-plan"


def _actor() -> Any:
    return current_user._get_current_object()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _editable(person_id: int) -> tuple[Person, PlanAccess]:
    """The person, if the actor may change their plan; otherwise 404 like any other denial."""
    person, access = safety.get_safety_person(db.session, _actor(), person_id)
    if not access.edit:
        raise NotFound("Page not found")
    return person, access


def _back(person: Person) -> Response:
    return redirect(url_for("safetyplans.overview", safety_person_id=person.id))


def show(form: Any, error: DomainError) -> None:
    """A conflict is about the whole plan, so it heads the form rather than one field."""
    if isinstance(error, Conflict):
        form.form_errors.append(error.message)
    else:
        show_error(form, error)


# --- The current plan ---------------------------------------------------------------------


@bp.get(PLAN)
def overview(safety_person_id: int) -> str:
    person, access = safety.get_safety_person(db.session, _actor(), safety_person_id)
    agreed = safety.current_agreed(db.session, person.id)
    draft = safety.current_draft(db.session, person.id) if access.drafts else None
    pending = safety.proposals_for(db.session, person.id, pending_only=True) if access.edit else []
    safety.record_read(db.session, _actor(), person.id, agreed or draft)
    page = render_template(
        "safetyplans/overview.html",
        person=person,
        agreed=agreed,
        draft=draft,
        pending=pending,
        access=access,
        review=versioning.safety_plan_review(agreed.review_due_on if agreed else None, today()),
        decision=forms.DecisionForm(),
        labels=safety.TEXT_SECTIONS,
    )
    db.session.commit()  # after rendering, so the plans shown are not reloaded one by one
    return page


# --- Drafting and agreeing ----------------------------------------------------------------


def _service_choices(form: forms.SafetyPlanForm, person: Person) -> None:
    form.service_ids.choices = options(
        (str(s.id), s.name) for s in safety.crisis_services(db.session, person.id)
    )


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


def content_from(form: forms.SafetyPlanForm) -> safety.SafetyPlanContent:
    texts = {name: getattr(form, name).data or "" for name in safety.TEXT_SECTIONS}
    return safety.SafetyPlanContent(
        **texts,
        service_ids=[int(v) for v in form.service_ids.data or [] if str(v).isdigit()],
        review_due_on=form.review_due_on.data,
    )


def _render_edit(person: Person, form: forms.SafetyPlanForm, status: int = 200) -> Any:
    head = safety.current_safety_plan(db.session, person.id, drafts=True)
    services = {str(s.id): s for s in safety.crisis_services(db.session, person.id)}
    page = render_template(
        "safetyplans/edit.html",
        person=person,
        head=head,
        form=form,
        services=services,
        hints=forms.SECTION_HINTS,
        conflict=status == 409,
    )
    return (page, status) if status != 200 else page


@bp.route(PLAN + "/edit", methods=["GET", "POST"])
def edit(safety_person_id: int) -> Any:
    person, _ = _editable(safety_person_id)
    form = forms.SafetyPlanForm()
    _service_choices(form, person)
    if not form.is_submitted():
        head = safety.current_safety_plan(db.session, person.id, drafts=True)
        _fill(form, head)
        safety.record_read(db.session, _actor(), person.id, head)
        db.session.commit()
        return _render_edit(person, form)
    if not form.validate():
        return _render_edit(person, form, 422)
    try:
        plan = safety.edit_safety_plan(
            db.session,
            _actor(),
            person,
            version=_int(form.version.data),
            revision=_int(form.revision.data),
            content=content_from(form),
        )
    except DomainError as error:
        db.session.rollback()
        show(form, error)
        person, _ = _editable(safety_person_id)
        return _render_edit(person, form, error.status_code)
    db.session.commit()
    flash(f"Draft version {plan.version} saved. Agree it with the person to make it their plan.")
    return _back(person)


def _method(value: str | None) -> AgreementMethod:
    try:
        return AgreementMethod(value)
    except ValueError:
        raise ValidationError("Choose how the person agreed", field="method") from None


def _render_agree(person: Person, draft: SafetyPlan, form: Any, status: int = 200) -> Any:
    page = render_template(
        "safetyplans/agree.html",
        person=person,
        plan=draft,
        form=form,
        labels=safety.TEXT_SECTIONS,
    )
    return (page, status) if status != 200 else page


@bp.route(PLAN + "/agree", methods=["GET", "POST"])
def agree(safety_person_id: int) -> Any:
    person, _ = _editable(safety_person_id)
    form = forms.SafetyAgreeForm()
    if not form.is_submitted():
        draft = safety.current_draft(db.session, person.id)
        if draft is None:
            flash("There is no draft to agree. Change the plan first: that starts a new version.")
            return _back(person)
        form.version.data, form.revision.data = str(draft.version), str(draft.revision)
        form.review_due_on.data = draft.review_due_on or versioning.add_months(
            today(), versioning.SAFETY_PLAN_REVIEW_MONTHS
        )
        safety.record_read(db.session, _actor(), person.id, draft)
        db.session.commit()
        return _render_agree(person, draft, form)
    plan = safety.safety_version(db.session, person.id, _int(form.version.data) or 0, drafts=True)
    try:
        safety.agree_safety_plan(
            db.session,
            _actor(),
            plan,
            revision=_int(form.revision.data),
            method=_method(form.method.data),
            review_due_on=form.review_due_on.data,
        )
    except DomainError as error:
        db.session.rollback()
        show(form, error)
        person, _ = _editable(safety_person_id)
        plan = safety.safety_version(db.session, person.id, plan.version, drafts=True)
        return _render_agree(person, plan, form, error.status_code)
    db.session.commit()
    flash(f"Version {plan.version} agreed. The person can now see it in their portal.")
    return _back(person)


@bp.post(PLAN + "/proposals")
def decide(safety_person_id: int) -> Response:
    form = forms.DecisionForm()
    person, _ = _editable(safety_person_id)
    proposal = safety.get_proposal(db.session, person.id, _int(form.proposal_id.data))
    if form.decision.data == "accept":
        draft = safety.accept_proposal(db.session, _actor(), proposal)
        message = (
            f"Added to draft version {draft.version}. Agree the new version with the person to "
            "make it part of their plan."
        )
    elif form.decision.data == "decline":
        safety.decline_proposal(db.session, _actor(), proposal)
        message = "Proposal declined. Let the person know why."
    else:
        raise ValidationError("Choose to accept or decline the proposal", field="decision")
    db.session.commit()
    flash(message)
    return _back(person)


# --- Versions -----------------------------------------------------------------------------


@bp.get(PLAN + "/versions")
def history(safety_person_id: int) -> str:
    person, access = safety.get_safety_person(db.session, _actor(), safety_person_id)
    plans = safety.safety_versions(db.session, person.id, drafts=access.drafts)
    number = request.args.get("show", type=int)
    shown = (
        safety.safety_version(db.session, person.id, number, drafts=access.drafts)
        if number
        else None
    )
    safety.record_read(db.session, _actor(), person.id, shown, "view_versions")
    db.session.commit()
    return render_template(
        "safetyplans/versions.html",
        person=person,
        plans=plans,
        shown=shown,
        labels=safety.TEXT_SECTIONS,
    )


@bp.get(PLAN + "/compare")
def compare(safety_person_id: int) -> str:
    person, access = safety.get_safety_person(db.session, _actor(), safety_person_id)
    plans = safety.safety_versions(db.session, person.id, drafts=access.drafts)
    form = forms.CompareForm(request.args)
    choices = options(
        (str(p.version), f"Version {p.version} ({p.status.label.lower()})") for p in plans
    )
    form.older.choices, form.newer.choices = choices, choices
    older_n, newer_n = _int(form.older.data), _int(form.newer.data)
    older = newer = None
    changes: list[versioning.Change] = []
    if older_n and newer_n:
        older = safety.safety_version(db.session, person.id, older_n, drafts=access.drafts)
        newer = safety.safety_version(db.session, person.id, newer_n, drafts=access.drafts)
        changes = safety.compare_safety_versions(older, newer)
    safety.record_read(db.session, _actor(), person.id, newer, "compare")
    db.session.commit()
    return render_template(
        "safetyplans/compare.html",
        person=person,
        plans=plans,
        form=form,
        older=older,
        newer=newer,
        changes=changes,
    )


# --- Printing and the PDF -----------------------------------------------------------------


@bp.get(PLAN + "/print")
def print_page(safety_person_id: int) -> str:
    person, access = safety.get_safety_person(db.session, _actor(), safety_person_id)
    plan = printable(person.id, access)
    safety.record_read(db.session, _actor(), person.id, plan, "print")
    db.session.commit()
    back = url_for("safetyplans.overview", safety_person_id=person.id)
    return render_template("safetyplans/print.html", person=person, plan=plan, back=back)


@bp.get(PLAN + "/pdf")
def pdf(safety_person_id: int) -> Response:
    person, access = safety.get_safety_person(db.session, _actor(), safety_person_id)
    plan = printable(person.id, access)
    if plan is None:
        flash("There is no agreed safety plan to download yet.")
        return _back(person)
    safety.record_read(db.session, _actor(), person.id, plan, "download")
    db.session.commit()
    return pdf_response(person, plan)
