"""Support pages: a person's support log, logging and expanding contacts, community offers
and signposting. Thin views: load, check access (404), validate, one service, commit.

Pages that read records render before they commit their audit row (`page`): a commit
expires every loaded row, and the template would then reload them one at a time, so the
number of statements would grow with the length of the log.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.types import today
from hubs.core.web import Page, actor, audits, handle_form, options, page
from hubs.directory.models import WEEKDAYS, AccessFeature, Neighbourhood, Service, ServiceKind
from hubs.extensions import db
from hubs.people.models import Person
from hubs.referrals.access import get_supported_person
from hubs.referrals.models import NeedDomain
from hubs.support import forms, queries, services
from hubs.support.models import ActivityType, ContactMode, Reached, SignpostingOutcome
from hubs.trackers.models import HealthCheckElement
from hubs.trackers.queries import person_trackers

bp = Blueprint("support", __name__, url_prefix="/support")


def _audit_person(action: str, person: Person) -> None:
    """The read-audit row for a page about the person as a whole (the record is the person)."""
    audit.record(
        action, actor=actor(), record_type="person", record_id=person.id, person_id=person.id
    )


# --- A person's support -------------------------------------------------------------------


@bp.get("/people/<int:person_id>")
def person(person_id: int) -> Page:
    found = get_supported_person(db.session, actor(), person_id)
    _audit_person("support_log.view", found)
    return page(
        "support/person.html",
        person=found,
        log=queries.support_log(db.session, found.id),
        trackers=person_trackers(db.session, found.id),
        quick_form=forms.QuickContactForm(formdata=None, contact_on=today()),
        health_elements=list(HealthCheckElement),
    )


# --- Contacts -----------------------------------------------------------------------------


def _details(form: forms.ContactDetailsForm) -> services.ContactDetails:
    return services.ContactDetails(
        location=form.location.data or "",
        activities=[ActivityType(a) for a in form.activities.data or []],
        needs=[NeedDomain(n) for n in form.needs.data or []],
        notes=form.notes.data or "",
        is_staff_only=bool(form.is_staff_only.data),
        next_step=form.next_step.data or "",
        next_contact_on=form.next_contact_on.data,
    )


def _contact_input(form: Any) -> services.ContactInput:
    details = _details(form) if isinstance(form, forms.ContactForm) else services.ContactDetails()
    return services.ContactInput(
        contact_on=form.contact_on.data,
        duration_minutes=form.duration_minutes.data,
        mode=ContactMode(form.mode.data),
        reached=Reached(form.reached.data),
        details=details,
    )


def _contact_page(found: Person, form: forms.ContactForm, status: int) -> Page:
    return page("support/contact_form.html", status, person=found, form=form)


@bp.route("/people/<int:person_id>/contacts/new", methods=["GET", "POST"])
def log_contact(person_id: int) -> Page:
    found = get_supported_person(db.session, actor(), person_id)
    form = forms.ContactForm()
    if request.method == "GET":
        form.contact_on.data = today()
    outcome = handle_form(
        form,
        lambda: services.log_contact(db.session, actor(), found.id, _contact_input(form)),
        done=lambda _: url_for("support.person", person_id=person_id),
        message="Contact logged",
    )
    if isinstance(outcome, Response):
        return outcome
    return _contact_page(found, form, outcome)


def _quick_input(form: forms.QuickContactForm) -> services.ContactInput:
    if form.contact_on.data is None:
        form.contact_on.data = today()
    return _contact_input(form)


def _full_form(quick: forms.QuickContactForm) -> forms.ContactForm:
    """The full contact form with what was posted: its own errors, and the quick form's (a
    service's refusal among them) on the fields the two share."""
    full = forms.ContactForm()
    full.validate()
    for name, field in quick._fields.items():
        if field.errors:
            full[name].errors = list(field.errors)
    full.form_errors.extend(quick.form_errors)
    return full


@bp.post("/people/<int:person_id>/contacts/quick")
def quick_log(person_id: int) -> Page:
    """Log a contact in three fields from the caseload, then expand it."""
    found = get_supported_person(db.session, actor(), person_id)
    form = forms.QuickContactForm()
    outcome = handle_form(
        form,
        lambda: services.log_contact(db.session, actor(), found.id, _quick_input(form)),
        done=lambda contact: url_for("support.contact", contact_id=contact.id),
        message="Contact logged. Add what you did, your notes and the next step, or leave it.",
    )
    if isinstance(outcome, Response):
        return outcome
    return _contact_page(found, _full_form(form), 422)


def _details_form(contact: Any) -> forms.ContactDetailsForm:
    if request.method == "POST":
        return forms.ContactDetailsForm()
    return forms.ContactDetailsForm(
        formdata=None,
        location=contact.location,
        activities=[a.activity.value for a in contact.activities],
        needs=[n.domain.value for n in contact.needs],
        notes=contact.notes,
        is_staff_only=contact.is_staff_only,
        next_step=contact.next_step,
        next_contact_on=contact.next_contact_on,
    )


@bp.route("/contacts/<int:contact_id>", methods=["GET", "POST"])
@audits("contact.view")
def contact(contact_id: int) -> Page:
    """A contact; its author adds the details (what was done, notes, next step)."""
    found = services.get_contact_for(db.session, actor(), contact_id)
    form = _details_form(found)
    outcome = handle_form(
        form,
        lambda: services.expand_contact(db.session, actor(), found, _details(form)),
        done=lambda _: url_for("support.person", person_id=found.person_id),
        message="Contact details saved",
    )
    if isinstance(outcome, Response):
        return outcome
    context = {"contact": found, "form": form, "can_edit": found.worker_id == actor().id}
    return page("support/contact.html", outcome, shows=found, **context)


# --- Community offers ---------------------------------------------------------------------


def _offer_filters() -> queries.OfferFilters:
    args = request.args

    def pick(enum_cls: Any, value: str | None) -> Any:
        try:
            return enum_cls(value) if value else None
        except ValueError:
            return None

    weekday = args.get("day", type=int)
    features = [pick(AccessFeature, v) for v in args.getlist("access")]
    return queries.OfferFilters(
        need=pick(NeedDomain, args.get("need")),
        neighbourhood_id=args.get("neighbourhood", type=int),
        weekday=weekday if weekday is not None and 0 <= weekday <= 6 else None,
        day_part=pick(queries.DayPart, args.get("time")),
        features=tuple(f for f in features if f is not None),
        text=(args.get("q") or "")[:100],
    )


def _offers(person: Person | None = None) -> dict[str, Any]:
    """What the offers page shows: the search's results and the filters' choices."""
    filters = _offer_filters()
    return {
        "results": queries.search_offers(db.session, filters),
        "filters": filters,
        "person": person,
        "neighbourhoods": db.session.scalars(
            sa.select(Neighbourhood).order_by(Neighbourhood.is_demo, Neighbourhood.name)
        ).all(),
        "needs": NeedDomain,
        "weekdays": WEEKDAYS,
        "day_parts": queries.DayPart,
        "features": AccessFeature,
    }


@bp.get("/offers")
def offers() -> str:
    """Search the directory's community offers and services (reference data only)."""
    return render_template("support/offers.html", **_offers())


@bp.get("/people/<int:person_id>/offers")
def person_offers(person_id: int) -> Page:
    """The same search, for a person, with a way to signpost them to an offer."""
    found = get_supported_person(db.session, actor(), person_id)
    _audit_person("offers.search_for_person", found)
    return page("support/offers.html", **_offers(found))


# --- Signposting --------------------------------------------------------------------------


def _signpost_form() -> forms.SignpostForm:
    form = forms.SignpostForm()
    offers = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind != ServiceKind.HUB_TEAM)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = options(
        [("", "Choose an offer")] + [(str(s.id), s.name) for s in offers]
    )
    if request.method == "GET":
        form.service_id.data = request.args.get("service_id", "")
        form.signposted_on.data = today()
    return form


def _signpost(found: Person, form: forms.SignpostForm) -> Any:
    service_id = form.service_id.data
    return services.signpost(
        db.session,
        actor(),
        found.id,
        service_id=int(service_id) if service_id and service_id.isdigit() else None,
        signposted_on=form.signposted_on.data,
        follow_up_on=form.follow_up_on.data,
        note=form.note.data or "",
    )


@bp.route("/people/<int:person_id>/signpost", methods=["GET", "POST"])
def signpost(person_id: int) -> Page:
    found = get_supported_person(db.session, actor(), person_id)
    form = _signpost_form()
    outcome = handle_form(
        form,
        lambda: _signpost(found, form),
        done=lambda _: url_for("support.person", person_id=person_id),
        message="Signposting recorded, with a reminder to follow up",
    )
    if isinstance(outcome, Response):
        return outcome
    return page("support/signpost.html", outcome, person=found, form=form)


def _record_outcome(record: Any, form: forms.SignpostingOutcomeForm) -> Any:
    return services.record_signposting_outcome(
        db.session,
        actor(),
        record,
        outcome=SignpostingOutcome(form.outcome.data),
        note=form.note.data or "",
        follow_up_on=form.follow_up_on.data,
    )


@bp.route("/signpostings/<int:signposting_id>/outcome", methods=["GET", "POST"])
def signposting_outcome(signposting_id: int) -> Page:
    record = services.get_signposting_for(db.session, actor(), signposting_id)
    form = forms.SignpostingOutcomeForm()
    outcome = handle_form(
        form,
        lambda: _record_outcome(record, form),
        done=lambda _: url_for("support.person", person_id=record.person_id),
        message="Follow-up recorded",
    )
    if isinstance(outcome, Response):
        return outcome
    return page("support/signposting_outcome.html", outcome, record=record, form=form)
