"""The person's own safety plan in the portal: the agreed version only (never drafts), its
history, proposing a change to a section, and a printable page and PDF to keep offline."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hubs.careplans.access import PlanAccess
from hubs.core.web import Page, actor, handle_form, page
from hubs.extensions import db
from hubs.people.models import Person
from hubs.portal.views import bp
from hubs.safetyplans import services as safety
from hubs.safetyplans.forms import ProposeForm
from hubs.safetyplans.models import SafetyPlanProposal
from hubs.safetyplans.pdf import pdf_response, printable


def _own() -> tuple[Person, PlanAccess]:
    """The signed-in person's own record: there is no way to name anyone else's."""
    person_id = safety.own_person_id(db.session, actor())
    return safety.get_safety_person(db.session, actor(), person_id)


@bp.get("/safety-plan")
def safety_plan() -> str:
    person, _ = _own()
    plan = safety.current_agreed(db.session, person.id)
    proposals = safety.proposals_for(db.session, person.id)
    safety.record_read(db.session, actor(), person.id, plan)
    db.session.commit()
    return render_template(
        "portal/safety_plan.html",
        person=person,
        plan=plan,
        proposals=proposals,
        labels=safety.TEXT_SECTIONS,
    )


@bp.get("/safety-plan/history")
def safety_history() -> str:
    person, _ = _own()
    plans = safety.safety_versions(db.session, person.id, drafts=False)
    number = request.args.get("version", type=int)
    shown = safety.safety_version(db.session, person.id, number, drafts=False) if number else None
    safety.record_read(db.session, actor(), person.id, shown, "view_versions")
    db.session.commit()
    return render_template(
        "portal/safety_history.html", plans=plans, shown=shown, labels=safety.TEXT_SECTIONS
    )


PROPOSED = (
    "Thank you. Your care team will look at your suggestion and talk it through with you. "
    "Your plan changes once you agree the new version together."
)


def _render_propose(person_id: int, form: ProposeForm, status: int) -> Page:
    plan = safety.current_agreed(db.session, person_id)
    return page(
        "portal/safety_propose.html", status, plan=plan, form=form, labels=safety.TEXT_SECTIONS
    )


def _propose(form: ProposeForm) -> SafetyPlanProposal:
    return safety.propose_change(
        db.session, actor(), form.section.data or "", form.proposed_text.data or ""
    )


@bp.route("/safety-plan/propose", methods=["GET", "POST"])
def propose_safety_change() -> Page:
    person_id = _own()[0].id
    form = ProposeForm()
    if not form.is_submitted():
        form.section.data = request.args.get("section", "")
    status = handle_form(
        form,
        lambda: _propose(form),
        done=lambda _: url_for("portal.safety_plan"),
        message=PROPOSED,
    )
    if isinstance(status, Response):
        return status
    return _render_propose(person_id, form, status)


@bp.get("/safety-plan/print")
def safety_print() -> str:
    person, access = _own()
    plan = printable(person.id, access)
    safety.record_read(db.session, actor(), person.id, plan, "print")
    db.session.commit()
    back = url_for("portal.safety_plan")
    return render_template("safetyplans/print.html", person=person, plan=plan, back=back)


@bp.get("/safety-plan/pdf")
def safety_pdf() -> Response:
    person, access = _own()
    plan = printable(person.id, access)
    if plan is None:
        flash("You do not have an agreed safety plan to download yet.")
        return redirect(url_for("portal.safety_plan"))
    safety.record_read(db.session, actor(), person.id, plan, "download")
    db.session.commit()
    return pdf_response(person, plan)
