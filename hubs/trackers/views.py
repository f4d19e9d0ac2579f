"""Tracker pages: record a physical health check element, employment status, IPS.

Thin views: load the person (404 without an allocation), validate, one service, commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from hubs.core.errors import ValidationError
from hubs.core.types import today
from hubs.core.web import options, show_error
from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.referrals.access import get_supported_person
from hubs.staff.models import User
from hubs.trackers import forms, services
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    IpsOutcome,
    SmokingStatus,
)

bp = Blueprint("trackers", __name__, url_prefix="/trackers")

Page = Response | tuple[str, int] | str


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _enum(enum_cls: Any, value: str | None) -> Any:
    return enum_cls(value) if value else None


def _form_page(
    form: FlaskForm,
    person_id: int,
    title: str,
    save: Callable[[], object],
    hints: dict[str, str] | None = None,
) -> Page:
    """Show a tracker form; on a valid submit call its service once, commit and go back."""
    person = get_supported_person(db.session, _actor(), person_id)
    if form.validate_on_submit():
        try:
            save()
        except ValidationError as error:
            db.session.rollback()
            person = get_supported_person(db.session, _actor(), person_id)
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{title}: saved")
            return redirect(url_for("support.person", person_id=person_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "support/simple_form.html", form=form, person=person, title=title, hints=hints or {}
    ), status


@bp.route("/people/<int:person_id>/health-checks/new", methods=["GET", "POST"])
def health_check(person_id: int) -> Page:
    form = forms.HealthCheckForm()
    if request.method == "GET":
        form.done_on.data = today()

    def save() -> object:
        return services.record_health_check(
            db.session,
            _actor(),
            person_id,
            element=HealthCheckElement(form.element.data),
            done_on=form.done_on.data,
            where_done=form.where_done.data or "",
            result=form.result.data or "",
            smoking_status=_enum(SmokingStatus, form.smoking_status.data),
            cessation_offer=_enum(CessationOffer, form.cessation_offer.data),
        )

    hints = {
        "where_done": "For example the GP practice, the hub clinic or a pharmacy",
        "cessation_offer": "Everyone who smokes is offered support to stop",
    }
    return _form_page(form, person_id, "Record a physical health check", save, hints)


@bp.route("/people/<int:person_id>/employment/new", methods=["GET", "POST"])
def employment(person_id: int) -> Page:
    form = forms.EmploymentForm()
    if request.method == "GET":
        form.asked_on.data = today()

    def save() -> object:
        return services.record_employment_status(
            db.session,
            _actor(),
            person_id,
            asked_on=form.asked_on.data,
            status=_enum(EmploymentStatus, form.status.data),
        )

    return _form_page(form, person_id, "Record employment status", save)


def _ips_choices(form: forms.IpsReferralForm) -> None:
    employment_services = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind == ServiceKind.EMPLOYMENT)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = options(
        [("", "Not chosen")] + [(str(s.id), s.name) for s in employment_services]
    )


@bp.route("/people/<int:person_id>/ips/new", methods=["GET", "POST"])
def ips_referral(person_id: int) -> Page:
    form = forms.IpsReferralForm()
    _ips_choices(form)
    if request.method == "GET":
        form.referred_on.data = today()

    def save() -> object:
        chosen = form.service_id.data
        return services.refer_to_ips(
            db.session,
            _actor(),
            person_id,
            referred_on=form.referred_on.data,
            service_id=int(chosen) if chosen and chosen.isdigit() else None,
            note=form.note.data or "",
        )

    return _form_page(form, person_id, "Refer to IPS employment support", save)


@bp.route("/ips/<int:ips_referral_id>/outcome", methods=["GET", "POST"])
def ips_outcome(ips_referral_id: int) -> Page:
    referral = services.get_ips_referral_for(db.session, _actor(), ips_referral_id)
    form = forms.IpsOutcomeForm()
    if request.method == "GET":
        form.outcome_on.data = today()

    def save() -> object:
        return services.record_ips_outcome(
            db.session,
            _actor(),
            referral,
            outcome=_enum(IpsOutcome, form.outcome.data),
            outcome_on=form.outcome_on.data,
        )

    return _form_page(form, referral.person_id, "Record the IPS outcome", save)
