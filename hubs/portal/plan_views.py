"""The person's care plan, care team and consent choices, in plain language.

Only agreed versions are shown, never drafts or staff-only notes (DESIGN §3 rule 5).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.careplans import forms as plan_forms
from hubs.careplans import services as plan_services
from hubs.careplans.models import CarePlan, PlanStatus
from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.core.types import today
from hubs.core.web import Page, actor, finish, handle_form, options, page
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
        actor=actor(),
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
        actor=actor(),
        record_type="care_plan",
        record_id=plan.id,
        person_id=person_id,
    )
    db.session.commit()
    return render_template("portal/care_plan.html", plan=plan, history=[], comment_form=None)


def _own_plan(person_id: int, plan_id: int) -> CarePlan:
    plan = next((p for p in _own_plans(person_id) if p.id == plan_id), None)
    if plan is None:
        raise NotFound("Page not found")
    return plan


@bp.post("/care-plan/<int:plan_id>/comments")
def comment_on_care_plan(plan_id: int) -> Page:
    person_id = own_person_id()
    plan = _own_plan(person_id, plan_id)
    form = plan_forms.CommentForm()
    status = handle_form(
        form,
        lambda: plan_services.add_comment(db.session, actor(), plan, form.body.data or ""),
        done=lambda _: url_for("portal.my_care_plan"),
        message="Thank you. Your care team will see your comment.",
    )
    if isinstance(status, Response):
        return status
    history = _own_plans(person_id)
    return page("portal/care_plan.html", status, plan=plan, history=history, comment_form=form)


def _care_team_of(person_id: int) -> list[Any]:
    """The people supporting the person now, with the episode each supports them in."""
    return list(
        db.session.execute(
            sa.select(CareTeamMember, Episode)
            .join(Episode, CareTeamMember.episode_id == Episode.id)
            .where(
                Episode.person_id == person_id,
                CareTeamMember.left_on.is_(None),
                Episode.status != "finished",
            )
            .options(sa.orm.joinedload(CareTeamMember.user), sa.orm.joinedload(Episode.team))
        ).all()
    )


def _audit_own(action: str, record_type: str, person_id: int) -> None:
    audit.record(
        action, actor=actor(), record_type=record_type, record_id=person_id, person_id=person_id
    )


@bp.get("/care-team")
def my_care_team() -> str:
    person_id = own_person_id()
    rows = _care_team_of(person_id)
    _audit_own("care_team.view_own", "care_team", person_id)
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


def _consents(person_id: int) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.person_id == person_id)
            .order_by(Consent.granted_at.desc())
            .options(sa.orm.joinedload(Consent.organisation), sa.orm.joinedload(Consent.withdrawal))
        )
        .unique()
        .all()
    )


def _consent_form() -> ConsentForm:
    form = ConsentForm()
    orgs = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = options(
        [("", "Choose an organisation")] + [(str(o.id), o.name) for o in orgs]
    )
    return form


def _grant(form: ConsentForm, person_id: int) -> Consent:
    return grant_consent(
        db.session,
        actor(),
        _person(person_id),
        organisation_id=int(form.organisation_id.data or 0),
        sections=[ConsentSection(s) for s in form.sections.data or [] if s in SECTION_WORDS],
        starts_on=today(),
        ends_on=form.ends_on.data,
    )


def _consent_page(form: ConsentForm, person_id: int, status: int) -> Page:
    return page(
        "portal/consent.html",
        status,
        form=form,
        consents=_consents(person_id),
        today=today(),
        words=SECTION_WORDS,
        withdraw_form=WithdrawForm(),
    )


@bp.route("/consent", methods=["GET", "POST"])
def my_consent() -> Page:
    person_id = own_person_id()
    form = _consent_form()
    status = handle_form(
        form,
        lambda: _grant(form, person_id),
        done=lambda _: url_for("portal.my_consent"),
        message="Your choice is saved. You can change it at any time.",
    )
    if isinstance(status, Response):
        return status
    if status == 200:  # not submitted: the person looked at their choices
        _audit_own("consent.view_own", "consent", person_id)
    return _consent_page(form, person_id, status)


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
    return finish(
        withdraw_consent(db.session, actor(), consent.id, form.reason.data or ""),
        done=url_for("portal.my_consent"),
        message=lambda _: (
            f"{consent.organisation.name} can no longer see what you shared with them."
        ),
    )
