"""Transition pages: the manager's board, a transition with its checklist and actions, an
episode's transitions, starting one, and discharge with an onward support plan.

Views are thin: load (404 without a reason to see it) → validate the form → call one
service → commit once → redirect. Pages render before their audit row commits (`page`): a
commit expires loaded rows and the template would reload them one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import ValidationError
from hubs.core.types import today
from hubs.core.web import Page, actor, audits, handle_form, handle_post, options, page
from hubs.directory.models import Team
from hubs.extensions import db
from hubs.pathways import discharge as discharging
from hubs.pathways import forms, queries, rules, services
from hubs.pathways.access import get_transition_for, sides_of
from hubs.pathways.models import ChecklistItem, OnwardSupport, Transition, TransitionKind
from hubs.pathways.states import TransitionAction, TransitionState, available_actions
from hubs.referrals.access import get_episode_for
from hubs.referrals.models import Episode
from hubs.staff.models import TeamMembership, User

bp = Blueprint("pathways", __name__, url_prefix="/transitions")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _care_team(team_id: int | None) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id == team_id, User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )


def _staff_choices(team_id: int | None, prompt: str) -> list[Any]:
    return options(
        [("", prompt)]
        + [(str(u.id), f"{u.display_name} ({u.role_label})") for u in _care_team(team_id)]
    )


# --- The manager's board ------------------------------------------------------------------


@bp.get("/")
def board() -> Page:
    """Transitions from and into the hubs I manage, by state, escalations first."""
    day = today()
    found = queries.board(db.session, actor(), day)
    audit.record("transition.list", actor=actor(), record_type="transition_list", record_id="board")
    return page("pathways/board.html", board=found, today=day)


# --- A transition -------------------------------------------------------------------------


@bp.get("/<int:transition_id>")
@audits("transition.view")
def detail(transition_id: int) -> Page:
    user = actor()
    transition = get_transition_for(db.session, user, transition_id)
    sides = sides_of(db.session, user, transition)
    return page(
        "pathways/detail.html",
        shows=transition,
        transition=transition,
        row=queries.row_for(transition, today()),
        actions=available_actions(transition.state, user.access_role, sides),
        sides=sides,
        items=list(ChecklistItem),
        can_tick=bool(sides) and transition.state != TransitionState.COMPLETED,
        tick_form=forms.TickForm(formdata=None),
        TransitionAction=TransitionAction,
    )


ACTION_FORMS: dict[TransitionAction, type[Any]] = {
    TransitionAction.PLAN: forms.PlanForm,
    TransitionAction.RECORD_MEETING: forms.MeetingForm,
    TransitionAction.ACCEPT: forms.AcceptForm,
    TransitionAction.DECLINE: forms.ReasonForm,
    TransitionAction.ESCALATE: forms.ReasonForm,
    TransitionAction.REPLAN: forms.ReplanForm,
    TransitionAction.START_PARALLEL_SUPPORT: forms.ParallelForm,
    TransitionAction.COMPLETE: forms.CompleteForm,
}


def _prepare(form: Any, transition: Transition) -> None:
    """Fill choices and sensible defaults for the action's form."""
    if isinstance(form, forms.PlanForm):  # and the replan form, which extends it
        form.sending_worker_id.choices = _staff_choices(
            transition.sending_episode.team_id, "Choose a worker"
        )
        form.receiving_worker_id.choices = _staff_choices(
            transition.receiving_team_id, "Choose a worker"
        )
        if not form.is_submitted():
            form.planned_on.data = max(transition.planned_on, today())
            form.sending_worker_id.data = str(transition.sending_worker_id or "")
            form.receiving_worker_id.data = str(transition.receiving_worker_id or "")
            form.receiving_worker_name.data = transition.receiving_worker_name
            if transition.joint_meeting_on and transition.joint_meeting_on >= today():
                form.joint_meeting_on.data = transition.joint_meeting_on
    if isinstance(form, forms.AcceptForm):
        form.lead_worker_id.choices = _staff_choices(
            transition.receiving_team_id, "Choose a lead worker"
        )
    if isinstance(form, forms.ParallelForm) and not form.is_submitted():
        form.overlap_ends_on.data = rules.suggested_overlap_end(today())
    if isinstance(form, forms.MeetingForm) and not form.is_submitted():
        form.held_on.data = today()


def _action_form(transition: Transition, chosen: TransitionAction) -> Any:
    """The action's form, filled, once the action is allowed here (409 if not, else 403)."""
    services.check_action(db.session, actor(), transition, chosen)
    form = ACTION_FORMS[chosen]()
    _prepare(form, transition)
    return form


def _plan_input(form: forms.PlanForm) -> services.PlanInput:
    """The plan form's values (the replan form has the same fields, and a reason)."""
    return services.PlanInput(
        planned_on=form.planned_on.data,
        joint_meeting_on=form.joint_meeting_on.data,
        sending_worker_id=_int(form.sending_worker_id.data),
        receiving_worker_id=_int(form.receiving_worker_id.data),
        receiving_worker_name=form.receiving_worker_name.data,
    )


APPLY: dict[TransitionAction, Callable[[User, Transition, Any], object]] = {
    TransitionAction.PLAN: lambda a, t, f: services.plan(db.session, a, t, _plan_input(f)),
    TransitionAction.RECORD_MEETING: lambda a, t, f: services.record_meeting(
        db.session, a, t, held_on=f.held_on.data
    ),
    TransitionAction.ACCEPT: lambda a, t, f: services.accept(
        db.session, a, t, lead_worker_id=_int(f.lead_worker_id.data), lead_name=f.lead_name.data
    ),
    TransitionAction.DECLINE: lambda a, t, f: services.decline(
        db.session, a, t, reason=f.reason.data or ""
    ),
    TransitionAction.ESCALATE: lambda a, t, f: services.escalate(
        db.session, a, t, reason=f.reason.data or ""
    ),
    TransitionAction.REPLAN: lambda a, t, f: services.replan(
        db.session, a, t, _plan_input(f), reason=f.reason.data or ""
    ),
    TransitionAction.START_PARALLEL_SUPPORT: lambda a, t, f: services.start_parallel_support(
        db.session, a, t, overlap_ends_on=f.overlap_ends_on.data
    ),
    TransitionAction.COMPLETE: lambda a, t, f: services.complete(db.session, a, t),
}

ACTION_PATTERN = "any(" + ",".join(a.value for a in TransitionAction) + ")"


@bp.route(f"/<int:transition_id>/<{ACTION_PATTERN}:action>", methods=["GET", "POST"])
@audits("transition.view")
def act(transition_id: int, action: str) -> Page:
    """The form for one action on a transition; illegal actions answer 409, others 403."""
    transition = get_transition_for(db.session, actor(), transition_id)
    chosen = TransitionAction(action)
    if chosen == TransitionAction.COMPLETE and not transition.kind.receives_into_hub:
        return redirect(url_for("pathways.discharge", episode_id=transition.sending_episode_id))
    form = _action_form(transition, chosen)
    outcome = handle_form(
        form,
        lambda: APPLY[chosen](actor(), transition, form),
        done=lambda _: url_for("pathways.detail", transition_id=transition_id),
        message=f"{chosen.label}: done",
    )
    if isinstance(outcome, Response):
        return outcome
    return _action_page(transition, form, chosen, outcome)


def _action_page(transition: Transition, form: Any, chosen: TransitionAction, status: int) -> Page:
    context = {"transition": transition, "form": form, "action": chosen}
    return page("pathways/action.html", status, shows=transition, **context)


@bp.post("/<int:transition_id>/checklist")
def tick(transition_id: int) -> Response:
    """Record a checklist item as done (either team), from the transition's page."""
    transition = get_transition_for(db.session, actor(), transition_id)
    form = forms.TickForm()
    return handle_post(
        form,
        lambda: _tick(transition, form),
        back=url_for("pathways.detail", transition_id=transition_id) + "#checklist",
        message=lambda _: f"Checklist: {ChecklistItem(form.item.data).label.lower()} recorded",
        invalid="Choose a checklist item",
    )


def _tick(transition: Transition, form: forms.TickForm) -> Any:
    item, note = ChecklistItem(form.item.data), form.note.data or ""
    return services.tick(
        db.session, actor(), transition, item, done_on=form.done_on.data, note=note
    )


# --- An episode: its transitions and discharge --------------------------------------------


@bp.get("/episodes/<int:episode_id>")
@audits("episode.view")
def episode(episode_id: int) -> Page:
    """The transitions from and into an episode, and its discharge."""
    found = get_episode_for(db.session, actor(), episode_id)
    return page(
        "pathways/episode.html",
        shows=found,
        episode=found,
        transitions=queries.transitions_of_episode(db.session, actor(), episode_id),
        plan=discharging.onward_plan_for(db.session, episode_id),
        open_transition=services.open_transition_for(db.session, episode_id),
        today=today(),
    )


def _start_form(found: Episode) -> forms.StartForm:
    form = forms.StartForm()
    hubs = db.session.scalars(sa.select(Team).order_by(Team.name)).all()
    form.receiving_team_id.choices = options(
        [("", "The person's own hub (from their GP practice)")]
        + [(str(h.id), h.name) for h in hubs]
    )
    form.receiving_service_id.choices = options(
        [("", "Choose a service")]
        + [(str(s.id), s.name) for s in services.step_down_services(db.session)]
    )
    if not form.is_submitted():
        # The kind follows from the service the episode is with; staff can still change it.
        service_kind = found.referral.service.kind
        matching = [k for k in TransitionKind if k.sending_service_kind == service_kind]
        form.kind.data = matching[0].value if matching else None
    return form


def _kind(value: str | None) -> TransitionKind:
    try:
        return TransitionKind(value or "")
    except ValueError:
        raise ValidationError("Choose the kind of transition", field="kind") from None


def _start(found: Episode, form: forms.StartForm) -> Transition:
    return services.start_transition(
        db.session,
        actor(),
        found,
        services.StartInput(
            kind=_kind(form.kind.data),
            receiving_team_id=_int(form.receiving_team_id.data),
            receiving_service_id=_int(form.receiving_service_id.data),
            planned_on=form.planned_on.data,
        ),
    )


@bp.route("/episodes/<int:episode_id>/start", methods=["GET", "POST"])
@audits("episode.view")
def start(episode_id: int) -> Page:
    """Start a transition from an episode (Aspire, CAMHS or hub step-down)."""
    found = get_episode_for(db.session, actor(), episode_id)
    form = _start_form(found)
    outcome = handle_form(
        form,
        lambda: _start(found, form),
        done=lambda created: url_for("pathways.detail", transition_id=created.id),
        message="Transition started",
    )
    if isinstance(outcome, Response):
        return outcome
    open_ = services.open_transition_for(db.session, episode_id)
    context = {"episode": found, "form": form, "open_transition": open_}
    return page("pathways/start.html", outcome, shows=found, **context)


def _onward_input(form: forms.DischargeForm) -> discharging.OnwardPlanInput:
    try:
        support = OnwardSupport(form.support.data) if form.support.data else None
    except ValueError:
        support = None
    return discharging.OnwardPlanInput(
        support=support,
        service_id=_int(form.service_id.data),
        named_contact=form.named_contact.data or "",
        what=form.what.data or "",
        how_to_come_back=form.how_to_come_back.data or "",
    )


DEFAULT_COME_BACK = (
    "For 6 months after you leave, you can come back to the hub without a new referral from "
    "your GP: call the hub or ask for support in the portal, and you will be seen first."
)


def _fill_discharge(form: forms.DischargeForm, found: Episode) -> None:
    form.service_id.choices = options(
        [("", "Choose an offer")]
        + [(str(s.id), s.name) for s in services.step_down_services(db.session)]
    )
    if form.is_submitted():
        return
    plan = discharging.onward_plan_for(db.session, found.id)
    step_down = services.open_transition_for(db.session, found.id)
    if plan is not None:
        form.support.data = plan.support.value
        form.service_id.data = str(plan.service_id or "")
        form.named_contact.data = plan.named_contact
        form.what.data, form.how_to_come_back.data = plan.what, plan.how_to_come_back
    elif step_down is not None and step_down.receiving_service_id:
        form.support.data = OnwardSupport.SERVICE.value
        form.service_id.data = str(step_down.receiving_service_id)
        form.named_contact.data = step_down.receiving_lead_name or ""
    if not form.how_to_come_back.data:
        form.how_to_come_back.data = DEFAULT_COME_BACK


@bp.route("/episodes/<int:episode_id>/discharge", methods=["GET", "POST"])
def discharge(episode_id: int) -> Page:
    """Save the onward support plan while planning, or discharge with it."""
    found = get_episode_for(db.session, actor(), episode_id)
    form = forms.DischargeForm()
    _fill_discharge(form, found)
    final = "discharge" in request.form
    verb = discharging.discharge if final else discharging.save_onward_plan
    outcome = handle_form(
        form,
        lambda: verb(db.session, actor(), found, _onward_input(form)),
        done=lambda _: url_for("pathways.episode", episode_id=episode_id),
        message="Discharged with an onward support plan" if final else "Onward plan saved",
    )
    if isinstance(outcome, Response):
        return outcome
    return _discharge_page(found, form, outcome)


def _discharge_page(found: Episode, form: forms.DischargeForm, status: int) -> Page:
    plan = discharging.onward_plan_for(db.session, found.id)
    # Audited before a plan exists too: the page shows the episode's discharge (no record id).
    audit.record(
        "onward_plan.view",
        actor=actor(),
        record_type="onward_plan",
        record_id=plan.id if plan else None,
        person_id=found.person_id,
    )
    return page("pathways/discharge.html", status, episode=found, form=form, plan=plan)
