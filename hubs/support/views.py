"""Support pages: a person's support log, logging and expanding contacts, community offers
and signposting. Thin views: load, check access (404), validate, one service, commit.

Pages that read records render before they commit their audit row: a commit expires every
loaded row, and the template would then reload them one at a time, so the number of
statements would grow with the length of the log.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import ValidationError
from hubs.core.types import today
from hubs.core.web import options, show_error
from hubs.directory.models import WEEKDAYS, AccessFeature, Lcp, Service, ServiceKind
from hubs.extensions import db
from hubs.referrals.access import get_supported_person
from hubs.referrals.models import NeedDomain
from hubs.staff.models import User
from hubs.support import forms, queries, services
from hubs.support.models import ActivityType, ContactMode, Reached, SignpostingOutcome
from hubs.trackers.models import HealthCheckElement
from hubs.trackers.queries import person_trackers

bp = Blueprint("support", __name__, url_prefix="/support")

Page = Response | tuple[str, int] | str


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


# --- A person's support -------------------------------------------------------------------


@bp.get("/people/<int:person_id>")
def person(person_id: int) -> str:
    actor = _actor()
    found = get_supported_person(db.session, actor, person_id)
    audit.record(
        "support_log.view",
        actor=actor,
        record_type="person",
        record_id=found.id,
        person_id=found.id,
    )
    log = queries.support_log(db.session, found.id)
    trackers = person_trackers(db.session, found.id)
    page = render_template(
        "support/person.html",
        person=found,
        log=log,
        trackers=trackers,
        quick_form=forms.QuickContactForm(formdata=None, contact_on=today()),
        health_elements=list(HealthCheckElement),
    )
    db.session.commit()  # the audit row; after rendering (see the module docstring)
    return page


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


def _contact_page(person_id: int, form: forms.ContactForm, status: int = 200) -> tuple[str, int]:
    found = get_supported_person(db.session, _actor(), person_id)
    return render_template("support/contact_form.html", person=found, form=form), status


@bp.route("/people/<int:person_id>/contacts/new", methods=["GET", "POST"])
def log_contact(person_id: int) -> Page:
    found = get_supported_person(db.session, _actor(), person_id)
    form = forms.ContactForm()
    if request.method == "GET":
        form.contact_on.data = today()
        return _contact_page(found.id, form)
    if form.validate_on_submit():
        try:
            services.log_contact(db.session, _actor(), found.id, _contact_input(form))
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Contact logged")
            return redirect(url_for("support.person", person_id=person_id))
    return _contact_page(person_id, form, 422)


@bp.post("/people/<int:person_id>/contacts/quick")
def quick_log(person_id: int) -> Page:
    """Log a contact in three fields from the caseload, then expand it."""
    found = get_supported_person(db.session, _actor(), person_id)
    form = forms.QuickContactForm()
    if form.validate_on_submit():
        if form.contact_on.data is None:
            form.contact_on.data = today()
        try:
            contact = services.log_contact(db.session, _actor(), found.id, _contact_input(form))
        except ValidationError as error:
            db.session.rollback()
            full = forms.ContactForm()
            full.validate()
            show_error(full, error)
            return _contact_page(person_id, full, 422)
        db.session.commit()
        flash("Contact logged. Add what you did, your notes and the next step, or leave it.")
        return redirect(url_for("support.contact", contact_id=contact.id))
    full = forms.ContactForm()
    full.validate()
    return _contact_page(person_id, full, 422)


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
def contact(contact_id: int) -> Page:
    """A contact; its author adds the details (what was done, notes, next step)."""
    actor = _actor()
    found = services.get_contact_for(db.session, actor, contact_id)
    form = _details_form(found)
    if form.validate_on_submit():
        try:
            services.expand_contact(db.session, actor, found, _details(form))
        except ValidationError as error:
            db.session.rollback()
            found = services.get_contact_for(db.session, actor, contact_id)
            show_error(form, error)
        else:
            db.session.commit()
            flash("Contact details saved")
            return redirect(url_for("support.person", person_id=found.person_id))
    audit.record(
        "contact.view",
        actor=actor,
        record_type="contact",
        record_id=found.id,
        person_id=found.person_id,
    )
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "support/contact.html", contact=found, form=form, can_edit=found.worker_id == actor.id
    )
    db.session.commit()
    return page, status


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
        lcp_id=args.get("lcp", type=int),
        weekday=weekday if weekday is not None and 0 <= weekday <= 6 else None,
        day_part=pick(queries.DayPart, args.get("time")),
        features=tuple(f for f in features if f is not None),
        text=(args.get("q") or "")[:100],
    )


def _offers_page(person: Any = None) -> str:
    filters = _offer_filters()
    results = queries.search_offers(db.session, filters)
    lcps = db.session.scalars(sa.select(Lcp).order_by(Lcp.is_demo, Lcp.name)).all()
    return render_template(
        "support/offers.html",
        results=results,
        filters=filters,
        person=person,
        lcps=lcps,
        needs=NeedDomain,
        weekdays=WEEKDAYS,
        day_parts=queries.DayPart,
        features=AccessFeature,
    )


@bp.get("/offers")
def offers() -> str:
    """Search the directory's community offers and services (reference data only)."""
    return _offers_page()


@bp.get("/people/<int:person_id>/offers")
def person_offers(person_id: int) -> str:
    """The same search, for a person, with a way to signpost them to an offer."""
    actor = _actor()
    found = get_supported_person(db.session, actor, person_id)
    audit.record(
        "offers.search_for_person",
        actor=actor,
        record_type="person",
        record_id=found.id,
        person_id=found.id,
    )
    page = _offers_page(found)
    db.session.commit()
    return page


# --- Signposting --------------------------------------------------------------------------


def _offer_choices(form: forms.SignpostForm) -> None:
    offers = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind != ServiceKind.HUB_TEAM)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = options(
        [("", "Choose an offer")] + [(str(s.id), s.name) for s in offers]
    )


def _signpost_page(person_id: int, form: forms.SignpostForm, status: int = 200) -> Page:
    found = get_supported_person(db.session, _actor(), person_id)
    return render_template("support/signpost.html", person=found, form=form), status


@bp.route("/people/<int:person_id>/signpost", methods=["GET", "POST"])
def signpost(person_id: int) -> Page:
    found = get_supported_person(db.session, _actor(), person_id)
    form = forms.SignpostForm()
    _offer_choices(form)
    if request.method == "GET":
        form.service_id.data = request.args.get("service_id", "")
        form.signposted_on.data = today()
        return _signpost_page(found.id, form)
    if form.validate_on_submit():
        service_id = form.service_id.data
        try:
            services.signpost(
                db.session,
                _actor(),
                found.id,
                service_id=int(service_id) if service_id and service_id.isdigit() else None,
                signposted_on=form.signposted_on.data,
                follow_up_on=form.follow_up_on.data,
                note=form.note.data or "",
            )
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Signposting recorded, with a reminder to follow up")
            return redirect(url_for("support.person", person_id=person_id))
    return _signpost_page(person_id, form, 422)


@bp.route("/signpostings/<int:signposting_id>/outcome", methods=["GET", "POST"])
def signposting_outcome(signposting_id: int) -> Page:
    actor = _actor()
    record = services.get_signposting_for(db.session, actor, signposting_id)
    form = forms.SignpostingOutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_signposting_outcome(
                db.session,
                actor,
                record,
                outcome=SignpostingOutcome(form.outcome.data),
                note=form.note.data or "",
                follow_up_on=form.follow_up_on.data,
            )
        except ValidationError as error:
            db.session.rollback()
            record = services.get_signposting_for(db.session, actor, signposting_id)
            show_error(form, error)
        else:
            db.session.commit()
            flash("Follow-up recorded")
            return redirect(url_for("support.person", person_id=record.person_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("support/signposting_outcome.html", record=record, form=form), status
