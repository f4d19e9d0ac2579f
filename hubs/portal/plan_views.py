"""The person's care plan, care team and consent choices, in plain language.

Only agreed versions are shown, never drafts or staff-only notes (DESIGN §3 rule 5).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.careplans import forms as plan_forms
from hubs.careplans import services as plan_services
from hubs.careplans.models import CarePlan, PlanStatus
from hubs.core import audit
from hubs.core.errors import DomainError, NotFound
from hubs.core.types import today
from hubs.core.web import options, show_error
from hubs.directory.models import Organisation
from hubs.extensions import db
from hubs.people.models import Consent, ConsentSection
from hubs.people.services import grant_consent, withdraw_consent
from hubs.portal.views import bp, own_person_id
from hubs.referrals.models import CareTeamMember, Episode

SECTION_WORDS = {
    "demographics": "My details",
    "referrals": "My referrals",
    "care_plan": "My care plan",
    "safety_plan": "My safety plan",
    "support_log": "Notes of the support I get",
    "outcome_measures": "My scores",
}
VISIBLE = (PlanStatus.AGREED, PlanStatus.UNDER_REVIEW, PlanStatus.SUPERSEDED)


def _actor() -> Any:
    return current_user._get_current_object()


def _own_plans(person_id: int) -> list[CarePlan]:
    return list(
        db.session.scalars(
            sa.select(CarePlan)
            .where(CarePlan.person_id == person_id, CarePlan.status.in_(VISIBLE))
            .order_by(CarePlan.agreed_at.desc())
        )
    )


@bp.get("/care-plan")
def my_care_plan() -> str:
    person_id = own_person_id()
    plans = _own_plans(person_id)
    current = next((p for p in plans if p.status != PlanStatus.SUPERSEDED), None)
    audit.record(
        "care_plan.view_own",
        actor=_actor(),
        record_type="care_plan",
        record_id=current.id if current else None,
        person_id=person_id,
    )
    db.session.commit()
    return render_template(
        "portal/care_plan.html", plan=current, history=plans, comment_form=plan_forms.CommentForm()
    )


@bp.get("/care-plan/<int:plan_id>")
def my_care_plan_version(plan_id: int) -> str:
    person_id = own_person_id()
    plan = next((p for p in _own_plans(person_id) if p.id == plan_id), None)
    if plan is None:
        raise NotFound("Page not found")
    audit.record(
        "care_plan.view_own",
        actor=_actor(),
        record_type="care_plan",
        record_id=plan.id,
        person_id=person_id,
    )
    db.session.commit()
    return render_template("portal/care_plan.html", plan=plan, history=[], comment_form=None)


@bp.post("/care-plan/<int:plan_id>/comments")
def comment_on_care_plan(plan_id: int) -> Response | tuple[str, int]:
    person_id = own_person_id()
    plan = next((p for p in _own_plans(person_id) if p.id == plan_id), None)
    if plan is None:
        raise NotFound("Page not found")
    form = plan_forms.CommentForm()
    try:
        plan_services.add_comment(db.session, _actor(), plan, form.body.data or "")
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_template(
            "portal/care_plan.html", plan=plan, history=_own_plans(person_id), comment_form=form
        ), error.status_code
    db.session.commit()
    flash("Thank you. Your care team will see your comment.")
    return redirect(url_for("portal.my_care_plan"))


@bp.get("/care-team")
def my_care_team() -> str:
    person_id = own_person_id()
    rows = db.session.execute(
        sa.select(CareTeamMember, Episode)
        .join(Episode, CareTeamMember.episode_id == Episode.id)
        .where(
            Episode.person_id == person_id,
            CareTeamMember.left_on.is_(None),
            Episode.status != "finished",
        )
        .options(sa.orm.joinedload(CareTeamMember.user), sa.orm.joinedload(Episode.hub))
    ).all()
    audit.record(
        "care_team.view_own",
        actor=_actor(),
        record_type="care_team",
        record_id=person_id,
        person_id=person_id,
    )
    db.session.commit()
    return render_template("portal/care_team.html", members=rows)


class ConsentForm(FlaskForm):
    organisation_id = SelectField("Who can see it", validate_choice=False)
    sections = SelectMultipleField(
        "What they can see", validate_choice=False, choices=options(SECTION_WORDS.items())
    )
    ends_on = DateField("Until (optional)", validators=[Optional()])


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why (optional)", validators=[Length(max=1000)])


def _consent_page(form: ConsentForm, person_id: int, status: int = 200) -> tuple[str, int]:
    consents = (
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.person_id == person_id)
            .order_by(Consent.granted_at.desc())
            .options(sa.orm.joinedload(Consent.organisation), sa.orm.joinedload(Consent.withdrawal))
        )
        .unique()
        .all()
    )
    return render_template(
        "portal/consent.html",
        form=form,
        consents=consents,
        today=today(),
        words=SECTION_WORDS,
        withdraw_form=WithdrawForm(),
    ), status


@bp.route("/consent", methods=["GET", "POST"])
def my_consent() -> Response | tuple[str, int]:
    person_id = own_person_id()
    form = ConsentForm()
    orgs = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = options(
        [("", "Choose an organisation")] + [(str(o.id), o.name) for o in orgs]
    )
    if request.method == "POST":
        try:
            grant_consent(
                db.session,
                _actor(),
                _person(person_id),
                organisation_id=int(form.organisation_id.data or 0),
                sections=[
                    ConsentSection(s) for s in form.sections.data or [] if s in SECTION_WORDS
                ],
                starts_on=today(),
                ends_on=form.ends_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return _consent_page(form, person_id, error.status_code)
        db.session.commit()
        flash("Your choice is saved. You can change it at any time.")
        return redirect(url_for("portal.my_consent"))
    audit.record(
        "consent.view_own",
        actor=_actor(),
        record_type="consent",
        record_id=person_id,
        person_id=person_id,
    )
    db.session.commit()
    return _consent_page(form, person_id)


def _person(person_id: int) -> Any:
    from hubs.people.models import Person

    return db.session.get(Person, person_id)


@bp.post("/consent/<int:consent_id>/withdraw")
def withdraw_my_consent(consent_id: int) -> Response:
    person_id = own_person_id()
    form = WithdrawForm()
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.person_id != person_id:
        raise NotFound("Page not found")
    withdraw_consent(db.session, _actor(), consent.id, form.reason.data or "")
    db.session.commit()
    flash(f"{consent.organisation.name} can no longer see what you shared with them.")
    return redirect(url_for("portal.my_consent"))
