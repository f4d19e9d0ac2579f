"""Tracker pages: record a physical health check element, employment status, IPS.

Thin views: load the person (404 without an allocation), validate, one service, commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from hubs.core.types import today
from hubs.core.web import Page, actor, handle_form, options, page
from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.referrals.access import get_supported_person
from hubs.trackers import forms, services
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    IpsOutcome,
    SmokingStatus,
)

bp = Blueprint("trackers", __name__, url_prefix="/trackers")


def _enum(enum_cls: Any, value: str | None) -> Any:
    return enum_cls(value) if value else None


def _dated(form_cls: Any, date_field: str) -> Any:
    """The form, dated today when it is first shown."""
    form = form_cls()
    if request.method == "GET":
        getattr(form, date_field).data = today()
    return form


def _form_page(
    form: FlaskForm,
    person_id: int,
    title: str,
    save: Callable[[], object],
    hints: dict[str, str] | None = None,
) -> Page:
    """Show a tracker form; on a valid submit call its service once, commit and go back."""
    person = get_supported_person(db.session, actor(), person_id)
    outcome = handle_form(
        form,
        save,
        done=lambda _: url_for("support.person", person_id=person_id),
        message=f"{title}: saved",
    )
    if isinstance(outcome, Response):
        return outcome
    context = {"form": form, "person": person, "title": title, "hints": hints or {}}
    return page("support/simple_form.html", outcome, **context)


HEALTH_CHECK_HINTS = {
    "where_done": "For example the GP practice, the hub clinic or a pharmacy",
    "cessation_offer": "Everyone who smokes is offered support to stop",
}


def _health_check(form: forms.HealthCheckForm, person_id: int) -> object:
    return services.record_health_check(
        db.session,
        actor(),
        person_id,
        element=HealthCheckElement(form.element.data),
        done_on=form.done_on.data,
        where_done=form.where_done.data or "",
        result=form.result.data or "",
        smoking_status=_enum(SmokingStatus, form.smoking_status.data),
        cessation_offer=_enum(CessationOffer, form.cessation_offer.data),
    )


@bp.route("/people/<int:person_id>/health-checks/new", methods=["GET", "POST"])
def health_check(person_id: int) -> Page:
    form = _dated(forms.HealthCheckForm, "done_on")
    save = partial(_health_check, form, person_id)
    return _form_page(form, person_id, "Record a physical health check", save, HEALTH_CHECK_HINTS)


def _employment(form: forms.EmploymentForm, person_id: int) -> object:
    status = _enum(EmploymentStatus, form.status.data)
    return services.record_employment_status(
        db.session, actor(), person_id, asked_on=form.asked_on.data, status=status
    )


@bp.route("/people/<int:person_id>/employment/new", methods=["GET", "POST"])
def employment(person_id: int) -> Page:
    form = _dated(forms.EmploymentForm, "asked_on")
    save = partial(_employment, form, person_id)
    return _form_page(form, person_id, "Record employment status", save)


def _ips_form() -> forms.IpsReferralForm:
    form = _dated(forms.IpsReferralForm, "referred_on")
    employment_services = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind == ServiceKind.EMPLOYMENT)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = options(
        [("", "Not chosen")] + [(str(s.id), s.name) for s in employment_services]
    )
    return form


def _refer_to_ips(form: forms.IpsReferralForm, person_id: int) -> object:
    chosen = form.service_id.data
    return services.refer_to_ips(
        db.session,
        actor(),
        person_id,
        referred_on=form.referred_on.data,
        service_id=int(chosen) if chosen and chosen.isdigit() else None,
        note=form.note.data or "",
    )


@bp.route("/people/<int:person_id>/ips/new", methods=["GET", "POST"])
def ips_referral(person_id: int) -> Page:
    form = _ips_form()
    save = partial(_refer_to_ips, form, person_id)
    return _form_page(form, person_id, "Refer to IPS employment support", save)


def _ips_outcome(form: forms.IpsOutcomeForm, referral: Any) -> object:
    outcome = _enum(IpsOutcome, form.outcome.data)
    return services.record_ips_outcome(
        db.session, actor(), referral, outcome=outcome, outcome_on=form.outcome_on.data
    )


@bp.route("/ips/<int:ips_referral_id>/outcome", methods=["GET", "POST"])
def ips_outcome(ips_referral_id: int) -> Page:
    referral = services.get_ips_referral_for(db.session, actor(), ips_referral_id)
    form = _dated(forms.IpsOutcomeForm, "outcome_on")
    save = partial(_ips_outcome, form, referral)
    return _form_page(form, referral.person_id, "Record the IPS outcome", save)
