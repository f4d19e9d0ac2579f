"""Referral pages for hub staff: the triage queue, intake, the referral and its actions."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import DomainError, ValidationError
from hubs.directory.models import GpPractice, Hub, Service, ServiceKind
from hubs.extensions import db
from hubs.people.access import get_person_for, hub_ids_of
from hubs.referrals import forms, queries, services
from hubs.referrals.access import get_episode_for, get_referral_for
from hubs.referrals.models import (
    CareTeamMember,
    Episode,
    NeedDomain,
    Priority,
    Referral,
    ReferralEvent,
    ReferralSource,
    Severity,
)
from hubs.referrals.states import ReferralAction, ReferralStatus, available_actions
from hubs.staff.models import HubMembership, User

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _enum_arg(enum_cls: Any, name: str) -> Any:
    value = request.args.get(name) or None
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def show_error(form: Any, error: DomainError) -> None:
    """Put a service's error on the form field it names (or the form as a whole)."""
    target = form
    for part in (error.field or "").split("."):
        target = getattr(target, part, None) if part else None
        if target is None:
            break
        if hasattr(target, "form") and hasattr(target.form, "_fields"):
            target = target.form
    if target is not None and hasattr(target, "errors") and not hasattr(target, "_fields"):
        target.errors = [error.message]
    else:
        form.form_errors.append(error.message)


def needs_from(form: Any) -> list[services.NeedInput]:
    return [
        services.NeedInput(
            NeedDomain(row.domain.data),
            Severity(row.severity.data),
            (row.own_words.data or "").strip(),
        )
        for row in form.needs
        if row.domain.data
    ]


# --- Queue --------------------------------------------------------------------------------


@bp.get("/")
def queue() -> str:
    filters = queries.QueueFilters(
        status=_enum_arg(ReferralStatus, "status"),
        priority=_enum_arg(Priority, "priority"),
        need=_enum_arg(NeedDomain, "need"),
        hub_id=request.args.get("hub", type=int),
    )
    page = max(1, request.args.get("page", 1, type=int) or 1)
    results = queries.triage_queue(db.session, _actor(), filters, page=page)
    audit.record(
        "referral.list", actor=_actor(), record_type="referral_list", record_id=f"page-{page}"
    )
    hubs = db.session.scalars(sa.select(Hub).where(Hub.id.in_(hub_ids_of(_actor())))).all()
    page_html = render_template(
        "referrals/queue.html",
        results=results,
        filters=filters,
        hubs=hubs,
        statuses=ReferralStatus,
        priorities=Priority,
        needs=NeedDomain,
    )
    # After rendering: a commit expires every loaded row and the template would reload each
    # referral one by one (the statement count would grow with the page size).
    db.session.commit()
    return page_html


# --- Intake -------------------------------------------------------------------------------


def _intake_choices(form: forms.ReferralForm) -> None:
    hubs = db.session.scalars(sa.select(Hub).order_by(Hub.name)).all()
    form.hub_id.choices = forms.options(
        [("", "The person's own hub (from their GP practice)")]
        + [(str(h.id), h.name) for h in hubs]
    )
    services_ = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind != ServiceKind.HUB_TEAM)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = forms.options(
        [("", "The hub team")] + [(str(s.id), s.name) for s in services_]
    )
    practices = db.session.scalars(sa.select(GpPractice).order_by(GpPractice.name)).all()
    form.person.gp_practice_id.choices = forms.options(
        [("", "Not registered or not known")] + [(str(p.id), p.name) for p in practices]
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _referral_input(form: forms.ReferralForm) -> services.ReferralInput:
    return services.ReferralInput(
        source=ReferralSource(form.source.data),
        referrer_name=form.referrer_name.data or "",
        referrer_organisation=form.referrer_organisation.data or None,
        received_on=form.received_on.data,
        priority=Priority(form.priority.data),
        needs=needs_from(form),
        what_matters=form.what_matters.data or "",
        risk_summary=form.risk_summary.data or "",
        communication_needs=form.communication_needs.data or "",
        diagnosis=form.diagnosis.data or None,
        service_id=_int(form.service_id.data),
        hub_id=_int(form.hub_id.data),
        hub_override_reason=form.hub_override_reason.data or None,
        submission_key=form.submission_key.data or None,
        confirm_duplicate=bool(form.confirm_duplicate.data),
    )


def _new_person_values(form: forms.ReferralForm) -> dict[str, Any]:
    person = form.person
    return {
        "nhs_number": person.nhs_number.data,
        "given_name": (person.given_name.data or "").strip(),
        "family_name": (person.family_name.data or "").strip(),
        "date_of_birth": person.date_of_birth.data,
        "sex": person.sex.data,
        "gp_practice_id": _int(person.gp_practice_id.data),
    }


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | tuple[str, int] | str:
    person_id = request.values.get("person_id", type=int)
    person = get_person_for(db.session, _actor(), person_id) if person_id else None
    form = forms.ReferralForm()
    _intake_choices(form)
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
        duplicates = services.open_referrals_for(db.session, person.id) if person else []
        return render_template(
            "referrals/new.html", form=form, person=person, duplicates=duplicates
        )
    if "add_need" in request.form:
        form.needs.append_entry()
        return render_template("referrals/new.html", form=form, person=person, duplicates=[])
    if form.validate():
        try:
            if person:
                referral = services.receive_referral(
                    db.session, _actor(), person, _referral_input(form)
                )
            else:
                referral = services.receive_referral_for_new_person(
                    db.session, _actor(), _new_person_values(form), _referral_input(form)
                )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_received_message(referral))
            return redirect(url_for("referrals.detail", referral_id=referral.id))
    duplicates = services.open_referrals_for(db.session, person.id) if person else []
    return render_template(
        "referrals/new.html", form=form, person=person, duplicates=duplicates
    ), 422


def _received_message(referral: Any) -> str:
    if referral.is_crisis_routed:
        return (
            "Referral recorded and flagged for immediate crisis routing: arrange a warm "
            "handover to a crisis service now. It stays open until a named service confirms."
        )
    return f"Referral recorded for {referral.hub.name}"


# --- The referral -------------------------------------------------------------------------


# Everything the referral page shows, read with the referral (a fixed number of statements).
DETAIL_OPTIONS = (
    joinedload(Referral.person),
    joinedload(Referral.hub),
    joinedload(Referral.service),
    joinedload(Referral.signposted_service),
    joinedload(Referral.episode).joinedload(Episode.lead_worker),
    joinedload(Referral.episode).selectinload(Episode.care_team).joinedload(CareTeamMember.user),
    selectinload(Referral.needs),
    selectinload(Referral.events).joinedload(ReferralEvent.actor),
)


@bp.get("/<int:referral_id>")
def detail(referral_id: int) -> str:
    referral = get_referral_for(db.session, _actor(), referral_id, DETAIL_OPTIONS)
    audit.record(
        "referral.view",
        actor=_actor(),
        record_type="referral",
        record_id=referral.id,
        person_id=referral.person_id,
    )
    clocks = queries.clocks_for_many(db.session, [referral])[referral.id]
    member = db.session.scalar(
        sa.select(HubMembership.id).where(
            HubMembership.user_id == _actor().id, HubMembership.hub_id == referral.hub_id
        )
    )
    actions = available_actions(referral.status, _actor().access_role) if member else []
    page = render_template(
        "referrals/detail.html",
        referral=referral,
        clocks=clocks,
        actions=actions,
        ReferralAction=ReferralAction,
    )
    db.session.commit()  # after rendering, so the referral and its history are not reloaded
    return page


ACTION_FORMS = {
    ReferralAction.TRIAGE: forms.TriageForm,
    ReferralAction.ACCEPT: forms.AcceptForm,
    ReferralAction.SIGNPOST: forms.SignpostForm,
    ReferralAction.WITHDRAW: forms.ReasonForm,
    ReferralAction.ENTER_IN_ERROR: forms.ReasonForm,
}


def _action_choices(form: Any, referral: Any) -> None:
    if hasattr(form, "lead_worker_id"):
        team = db.session.scalars(
            sa.select(User)
            .join(HubMembership)
            .where(HubMembership.hub_id == referral.hub_id, User.is_active.is_(True))
            .order_by(User.display_name)
        ).all()
        form.lead_worker_id.choices = forms.options(
            [("", "Choose a lead worker")]
            + [(str(u.id), f"{u.display_name} ({u.role_label})") for u in team]
        )
    if isinstance(form, forms.SignpostForm):
        candidates = db.session.scalars(
            sa.select(Service)
            .where(Service.is_active.is_(True))
            .where(sa.or_(Service.hub_id.is_(None), Service.hub_id != referral.hub_id))
            .order_by(Service.name)
        ).all()
        form.service_id.choices = forms.options(
            [("", "Choose a service")] + [(str(s.id), s.name) for s in candidates]
        )
    if isinstance(form, forms.TriageForm) and not form.priority.data:
        form.priority.data = referral.priority.value


def _apply(action: ReferralAction, referral: Any, form: Any) -> Any:
    actor, session = _actor(), db.session
    if action == ReferralAction.TRIAGE:
        return services.triage(
            session,
            actor,
            referral,
            rationale=form.rationale.data or "",
            priority=Priority(form.priority.data),
        )
    if action == ReferralAction.ACCEPT:
        return services.accept(
            session,
            actor,
            referral,
            lead_worker_id=_int(form.lead_worker_id.data),
            package_started_on=form.package_started_on.data,
        )
    if action == ReferralAction.SIGNPOST:
        return services.signpost(
            session,
            actor,
            referral,
            service_id=_int(form.service_id.data),
            handover_note=form.handover_note.data or "",
            confirmed_on=form.confirmed_on.data,
        )
    if action == ReferralAction.WITHDRAW:
        return services.withdraw(session, actor, referral, reason=form.reason.data or "")
    return services.enter_in_error(session, actor, referral, reason=form.reason.data or "")


@bp.route(
    "/<int:referral_id>/<any(triage,accept,signpost,withdraw,enter_in_error):action>",
    methods=["GET", "POST"],
)
def act(referral_id: int, action: str) -> Response | tuple[str, int] | str:
    referral = get_referral_for(db.session, _actor(), referral_id)
    chosen = ReferralAction(action)
    form = ACTION_FORMS[chosen]()
    _action_choices(form, referral)
    if form.validate_on_submit():
        try:
            _apply(chosen, referral, form)
        except ValidationError as error:
            db.session.rollback()
            referral = get_referral_for(db.session, _actor(), referral_id)
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{chosen.label}: done")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
        return render_template(
            "referrals/action.html", referral=referral, form=form, action=chosen
        ), 422
    status = 422 if form.errors else 200
    return render_template(
        "referrals/action.html", referral=referral, form=form, action=chosen
    ), status


# --- Episodes -----------------------------------------------------------------------------


@bp.route("/episodes/<int:episode_id>/reassign", methods=["GET", "POST"])
def reassign(episode_id: int) -> Response | tuple[str, int] | str:
    episode = get_episode_for(db.session, _actor(), episode_id)
    form = forms.ReassignForm()
    _action_choices(form, episode.referral)
    if form.validate_on_submit():
        try:
            services.reassign_lead_worker(
                db.session,
                _actor(),
                episode,
                lead_worker_id=_int(form.lead_worker_id.data),
                reason=form.reason.data or "",
            )
        except ValidationError as error:
            db.session.rollback()
            episode = get_episode_for(db.session, _actor(), episode_id)
            show_error(form, error)
        else:
            db.session.commit()
            flash("Lead worker changed")
            return redirect(url_for("referrals.detail", referral_id=episode.referral_id))
        return render_template("referrals/reassign.html", episode=episode, form=form), 422
    return render_template("referrals/reassign.html", episode=episode, form=form)
