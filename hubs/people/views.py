"""Staff views of people: a list filtered by the access rule, and the person's summary."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from hubs.core.types import today
from hubs.extensions import db
from hubs.people import services

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
def index() -> str:
    search = request.args.get("q", "")[:100]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    results = services.list_people(
        db.session, current_user._get_current_object(), search=search, page=page
    )
    page_html = render_template("people/index.html", results=results, search=search)
    db.session.commit()  # the audit row for this read, after rendering (no reload per row)
    return page_html


@bp.get("/<int:person_id>")
def detail(person_id: int) -> str:
    actor = current_user._get_current_object()
    person = services.view_person(db.session, actor, person_id)
    sections = services.shared_sections(db.session, person.id, actor.organisation_id)
    db.session.commit()  # the audit row for this read
    return render_template(
        "people/detail.html", person=person, today=today(), shared_sections=sections
    )
