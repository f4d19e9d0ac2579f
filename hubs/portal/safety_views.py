"""The person's own safety plan in the portal: the agreed version only (never drafts), its
history, proposing a change to a section, and a printable page and PDF to keep offline."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.careplans.access import PlanAccess
from hubs.core.errors import DomainError
from hubs.core.web import show_error
from hubs.extensions import db
from hubs.people.models import Person
from hubs.portal.views import bp
from hubs.safetyplans import services as safety
from hubs.safetyplans.forms import ProposeForm
from hubs.safetyplans.pdf import pdf_response, printable


def _actor() -> Any:
    return current_user._get_current_object()


def _own() -> tuple[Person, PlanAccess]:
    """The signed-in person's own record: there is no way to name anyone else's."""
    person_id = safety.own_person_id(db.session, _actor())
    return safety.get_safety_person(db.session, _actor(), person_id)


@bp.get("/safety-plan")
def safety_plan() -> str:
    person, _ = _own()
    plan = safety.current_agreed(db.session, person.id)
    proposals = safety.proposals_for(db.session, person.id)
    safety.record_read(db.session, _actor(), person.id, plan)
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
    safety.record_read(db.session, _actor(), person.id, shown, "view_versions")
    db.session.commit()
    return render_template(
        "portal/safety_history.html", plans=plans, shown=shown, labels=safety.TEXT_SECTIONS
    )


def _render_propose(person: Person, form: ProposeForm, status: int = 200) -> Any:
    plan = safety.current_agreed(db.session, person.id)
    page = render_template(
        "portal/safety_propose.html", plan=plan, form=form, labels=safety.TEXT_SECTIONS
    )
    return (page, status) if status != 200 else page


@bp.route("/safety-plan/propose", methods=["GET", "POST"])
def propose_safety_change() -> Any:
    person, _ = _own()
    form = ProposeForm()
    if not form.is_submitted():
        form.section.data = request.args.get("section", "")
        return _render_propose(person, form)
    if not form.validate():
        return _render_propose(person, form, 422)
    try:
        safety.propose_change(
            db.session, _actor(), form.section.data or "", form.proposed_text.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        person, _ = _own()
        return _render_propose(person, form, error.status_code)
    db.session.commit()
    flash(
        "Thank you. Your care team will look at your suggestion and talk it through with you. "
        "Your plan changes once you agree the new version together."
    )
    return redirect(url_for("portal.safety_plan"))


@bp.get("/safety-plan/print")
def safety_print() -> str:
    person, access = _own()
    plan = printable(person.id, access)
    safety.record_read(db.session, _actor(), person.id, plan, "print")
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
    safety.record_read(db.session, _actor(), person.id, plan, "download")
    db.session.commit()
    return pdf_response(person, plan)
