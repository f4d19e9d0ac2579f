"""Referral pages for hub staff: the triage queue, intake, the referral and its actions."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request, url_for
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import DomainError
from hubs.core.web import Page, actor, audits, form_status, handle_form, options, page
from hubs.directory.models import GpPractice, Service, ServiceKind, Team
from hubs.extensions import db
from hubs.people.access import get_person_for, team_ids_of
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
from hubs.staff.models import TeamMembership, User

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def _enum_arg(enum_cls: Any, name: str) -> Any:
    value = request.args.get(name) or None
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


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


# The filters' choices on the queue page.
VOCABULARY = {"statuses": ReferralStatus, "priorities": Priority, "needs": NeedDomain}


def _queue_filters() -> queries.QueueFilters:
    return queries.QueueFilters(
        status=_enum_arg(ReferralStatus, "status"),
        priority=_enum_arg(Priority, "priority"),
        need=_enum_arg(NeedDomain, "need"),
        team_id=request.args.get("team", type=int),
    )


@bp.get("/")
def queue() -> Page:
    filters, number = _queue_filters(), max(1, request.args.get("page", 1, type=int) or 1)
    results = queries.triage_queue(db.session, actor(), filters, page=number)
    audit.record(
        "referral.list", actor=actor(), record_type="referral_list", record_id=f"page-{number}"
    )
    hubs = db.session.scalars(sa.select(Team).where(Team.id.in_(team_ids_of(actor())))).all()
    # `page` commits after rendering: a commit expires every loaded row and the template
    # would reload each referral one by one (the statement count would grow with the page).
    return page("referrals/queue.html", results=results, filters=filters, hubs=hubs, **VOCABULARY)


# --- Intake -------------------------------------------------------------------------------


def _intake_choices(form: forms.ReferralForm) -> None:
    hubs = db.session.scalars(sa.select(Team).order_by(Team.name)).all()
    form.team_id.choices = options(
        [("", "The person's own hub (from their GP practice)")]
        + [(str(h.id), h.name) for h in hubs]
    )
    services_ = db.session.scalars(
        sa.select(Service)
        .where(Service.is_active.is_(True), Service.kind != ServiceKind.HUB_TEAM)
        .order_by(Service.name)
    ).all()
    form.service_id.choices = options(
        [("", "The hub team")] + [(str(s.id), s.name) for s in services_]
    )
    practices = db.session.scalars(sa.select(GpPractice).order_by(GpPractice.name)).all()
    form.person.gp_practice_id.choices = options(
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
        team_id=_int(form.team_id.data),
        team_override_reason=form.team_override_reason.data or None,
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


def _receive(form: forms.ReferralForm, person: Any) -> Any:
    if person:
        return services.receive_referral(db.session, actor(), person, _referral_input(form))
    return services.receive_referral_for_new_person(
        db.session, actor(), _new_person_values(form), _referral_input(form)
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    person_id = request.values.get("person_id", type=int)
    person = get_person_for(db.session, actor(), person_id) if person_id else None
    form = forms.ReferralForm()
    _intake_choices(form)
    adding_a_need = "add_need" in request.form
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
    elif adding_a_need:
        form.needs.append_entry()
    elif isinstance(outcome := _submit_intake(form, person), Response):
        return outcome
    duplicates = _duplicates(person) if not adding_a_need else []
    return page(
        "referrals/new.html", form_status(form), form=form, person=person, duplicates=duplicates
    )


def _duplicates(person: Any) -> list[Referral]:
    return services.open_referrals_for(db.session, person.id) if person else []


def _submit_intake(form: forms.ReferralForm, person: Any) -> Response | int:
    # Every domain error (a duplicate to confirm, a routing choice) belongs on the form.
    return handle_form(
        form,
        lambda: _receive(form, person),
        done=lambda referral: url_for("referrals.detail", referral_id=referral.id),
        message=_received_message,
        catch=(DomainError,),
    )


def _received_message(referral: Any) -> str:
    if referral.is_crisis_routed:
        return (
            "Referral recorded and flagged for immediate crisis routing: arrange a warm "
            "handover to a crisis service now. It stays open until a named service confirms."
        )
    return f"Referral recorded for {referral.team.name}"


# --- The referral -------------------------------------------------------------------------


# Everything the referral page shows, read with the referral (a fixed number of statements).
DETAIL_OPTIONS = (
    joinedload(Referral.person),
    joinedload(Referral.team),
    joinedload(Referral.service),
    joinedload(Referral.signposted_service),
    joinedload(Referral.episode).joinedload(Episode.lead_worker),
    joinedload(Referral.episode).selectinload(Episode.care_team).joinedload(CareTeamMember.user),
    selectinload(Referral.needs),
    selectinload(Referral.events).joinedload(ReferralEvent.actor),
)


def _is_member(referral: Referral) -> bool:
    return bool(
        db.session.scalar(
            sa.select(TeamMembership.id).where(
                TeamMembership.user_id == actor().id, TeamMembership.team_id == referral.team_id
            )
        )
    )


@bp.get("/<int:referral_id>")
@audits("referral.view")
def detail(referral_id: int) -> Page:
    referral = get_referral_for(db.session, actor(), referral_id, DETAIL_OPTIONS)
    clocks = queries.clocks_for_many(db.session, [referral])[referral.id]
    actions = available_actions(referral.status, actor().access_role)
    # `page` commits after rendering, so the referral and its history are not reloaded.
    return page(
        "referrals/detail.html",
        shows=referral,
        referral=referral,
        clocks=clocks,
        actions=actions if _is_member(referral) else [],
        ReferralAction=ReferralAction,
    )


ACTION_FORMS = {
    ReferralAction.TRIAGE: forms.TriageForm,
    ReferralAction.ACCEPT: forms.AcceptForm,
    ReferralAction.SIGNPOST: forms.SignpostForm,
    ReferralAction.WITHDRAW: forms.ReasonForm,
    ReferralAction.ENTER_IN_ERROR: forms.ReasonForm,
}


def _action_choices(form: Any, referral: Any) -> None:
    if hasattr(form, "lead_worker_id"):
        care_team = db.session.scalars(
            sa.select(User)
            .join(TeamMembership)
            .where(TeamMembership.team_id == referral.team_id, User.is_active.is_(True))
            .order_by(User.display_name)
        ).all()
        form.lead_worker_id.choices = options(
            [("", "Choose a lead worker")]
            + [(str(u.id), f"{u.display_name} ({u.role_label})") for u in care_team]
        )
    if isinstance(form, forms.SignpostForm):
        candidates = db.session.scalars(
            sa.select(Service)
            .where(Service.is_active.is_(True))
            .where(sa.or_(Service.team_id.is_(None), Service.team_id != referral.team_id))
            .order_by(Service.name)
        ).all()
        form.service_id.choices = options(
            [("", "Choose a service")] + [(str(s.id), s.name) for s in candidates]
        )
    if isinstance(form, forms.TriageForm) and not form.priority.data:
        form.priority.data = referral.priority.value


def _apply(action: ReferralAction, referral: Any, form: Any) -> Any:
    user, session = actor(), db.session
    if action == ReferralAction.TRIAGE:
        return services.triage(
            session,
            user,
            referral,
            rationale=form.rationale.data or "",
            priority=Priority(form.priority.data),
        )
    if action == ReferralAction.ACCEPT:
        return services.accept(
            session,
            user,
            referral,
            lead_worker_id=_int(form.lead_worker_id.data),
            package_started_on=form.package_started_on.data,
        )
    if action == ReferralAction.SIGNPOST:
        return services.signpost(
            session,
            user,
            referral,
            service_id=_int(form.service_id.data),
            handover_note=form.handover_note.data or "",
            confirmed_on=form.confirmed_on.data,
        )
    if action == ReferralAction.WITHDRAW:
        return services.withdraw(session, user, referral, reason=form.reason.data or "")
    return services.enter_in_error(session, user, referral, reason=form.reason.data or "")


@bp.route(
    "/<int:referral_id>/<any(triage,accept,signpost,withdraw,enter_in_error):action>",
    methods=["GET", "POST"],
)
def act(referral_id: int, action: str) -> Page:
    referral = get_referral_for(db.session, actor(), referral_id)
    chosen = ReferralAction(action)
    form = ACTION_FORMS[chosen]()
    _action_choices(form, referral)
    outcome = handle_form(
        form,
        lambda: _apply(chosen, referral, form),
        done=lambda _: url_for("referrals.detail", referral_id=referral_id),
        message=f"{chosen.label}: done",
    )
    if isinstance(outcome, Response):
        return outcome
    return page("referrals/action.html", outcome, referral=referral, form=form, action=chosen)


# --- Episodes -----------------------------------------------------------------------------


@bp.route("/episodes/<int:episode_id>/reassign", methods=["GET", "POST"])
def reassign(episode_id: int) -> Page:
    episode = get_episode_for(db.session, actor(), episode_id)
    form = forms.ReassignForm()
    _action_choices(form, episode.referral)
    outcome = handle_form(
        form,
        lambda: _reassign(episode, form),
        done=lambda _: url_for("referrals.detail", referral_id=episode.referral_id),
        message="Lead worker changed",
    )
    if isinstance(outcome, Response):
        return outcome
    return page("referrals/reassign.html", outcome, episode=episode, form=form)


def _reassign(episode: Episode, form: forms.ReassignForm) -> Any:
    lead_worker_id, reason = _int(form.lead_worker_id.data), form.reason.data or ""
    return services.reassign_lead_worker(
        db.session, actor(), episode, lead_worker_id=lead_worker_id, reason=reason
    )
