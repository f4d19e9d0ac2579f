"""A safety plan to keep offline: the version to print, and the same page as a PDF, for the
staff pages and the person's portal alike (one template, so the two never differ)."""

from __future__ import annotations

from flask import current_app, render_template, request
from werkzeug.wrappers import Response

from hubs.careplans.access import PlanAccess
from hubs.core.pdf import html_to_pdf
from hubs.extensions import db
from hubs.people.models import Person
from hubs.safetyplans.models import SafetyPlan
from hubs.safetyplans.queries import current_agreed, safety_version


def printable(person_id: int, access: PlanAccess) -> SafetyPlan | None:
    """The version to print: the one asked for, else the agreed plan the person holds."""
    number = request.args.get("version", type=int)
    if number:
        return safety_version(db.session, person_id, number, drafts=access.drafts)
    return current_agreed(db.session, person_id)


def pdf_response(person: Person, plan: SafetyPlan) -> Response:
    """The same page as the printable one, as a PDF the person can keep offline."""
    html = render_template("safetyplans/print.html", person=person, plan=plan, back=None)
    response = current_app.response_class(html_to_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="safety-plan-version-{plan.version}.pdf"'
    )
    return response
