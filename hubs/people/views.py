"""Staff views of people: a list filtered by the access rule, and the person's summary.

Both reads are audited by the people services themselves; `page` commits those rows after
rendering (a commit first would expire the loaded rows and the template would reload them).
"""

from __future__ import annotations

from flask import Blueprint, request

from hubs.core.types import today
from hubs.core.web import Page, actor, page
from hubs.extensions import db
from hubs.people import services

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
def index() -> Page:
    search = request.args.get("q", "")[:100]
    number = max(1, request.args.get("page", 1, type=int) or 1)
    results = services.list_people(db.session, actor(), search=search, page=number)
    return page("people/index.html", results=results, search=search)


@bp.get("/<int:person_id>")
def detail(person_id: int) -> Page:
    person = services.view_person(db.session, actor(), person_id)
    sections = services.shared_sections(db.session, person.id, actor().organisation_id)
    return page("people/detail.html", person=person, today=today(), shared_sections=sections)
