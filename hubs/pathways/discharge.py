"""Discharge with an onward support plan (DESIGN §3 rule 4, "no discharge to nothing").

Ending an episode needs:
- an **onward support plan**: who supports the person next (their GP, a primary care or VCSE
  offer from the directory, or self-management with a crisis plan), what that support is,
  and how to come back without a new referral (a re-referral to a hub within 6 months of
  discharge is fast-tracked: it is flagged and shown first in the triage queue);
- an **updated safety plan**. The rule: discharge planning starts on the earliest of the day
  the onward plan was first saved and the day a step-down transition from the episode was
  started (or, if neither, the day of discharge). The safety plan in force at discharge (the
  newest agreed version) must have been agreed on or after that day. A draft does not count.
- **no gap**: no transition from or into the episode may still be under way, except a
  step-down in parallel support, which the discharge completes.

Missing any of these is a ValidationError (422) naming the field. The plan is fixed at
discharge, shown to the person in the portal, and `episode-discharged` is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import InvalidTransition, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.pathways import rules
from hubs.pathways.access import on_sending_side
from hubs.pathways.models import OnwardPlan, OnwardSupport, Transition, TransitionKind
from hubs.pathways.services import check_step_down_service, finish_handover
from hubs.pathways.states import TransitionState
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode
from hubs.referrals.states import EpisodeStatus
from hubs.safetyplans.models import SafetyPlan
from hubs.safetyplans.queries import current_agreed
from hubs.staff.models import User

episode_discharged = hub_signals.signal("episode-discharged")

CLINICAL = {AccessRole.CLINICIAN, AccessRole.MANAGER}
MAX_TEXT = 4000


@dataclass
class OnwardPlanInput:
    support: OnwardSupport | None
    service_id: int | None = None
    named_contact: str = ""
    what: str = ""
    how_to_come_back: str = ""


def onward_plan_for(session: Session, episode_id: int) -> OnwardPlan | None:
    return session.scalar(sa.select(OnwardPlan).where(OnwardPlan.episode_id == episode_id))


def blocking_transition(
    session: Session, episode: Episode, *, allow: Transition | None = None
) -> Transition | None:
    """A transition from or into this episode that is still under way (the no-gap rule)."""
    query = sa.select(Transition).where(
        sa.or_(
            Transition.sending_episode_id == episode.id,
            Transition.receiving_episode_id == episode.id,
        ),
        Transition.state != TransitionState.COMPLETED,
    )
    if allow is not None:
        query = query.where(Transition.id != allow.id)
    return session.scalar(query.limit(1))


def handed_over(session: Session, episode: Episode) -> bool:
    """The episode was the sending side of a completed transition (its handover)."""
    found = session.scalar(
        sa.select(Transition.id)
        .where(
            Transition.sending_episode_id == episode.id,
            Transition.state == TransitionState.COMPLETED,
        )
        .limit(1)
    )
    return found is not None


def has_onward_plan(session: Session, episode: Episode) -> bool:
    """A complete onward plan is recorded for the episode (discharge checks the rest)."""
    plan = onward_plan_for(session, episode.id)
    return plan is not None and bool(plan.what and plan.how_to_come_back)


def gap_message(transition: Transition, episode: Episode) -> str:
    if transition.sending_episode_id == episode.id and not transition.state.is_accepted:
        return (
            "The receiving team has not yet accepted and named a lead worker: this episode "
            "stays open and responsible until they do"
        )
    return "A transition involving this episode is still under way: complete it first"


def _require_clinical(session: Session, actor: User, episode: Episode) -> None:
    if actor.access_role not in CLINICAL or not on_sending_side(session, actor, episode):
        raise PermissionDenied("Only clinicians of the person's hub or care team can discharge")
    if episode.status not in (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE):
        raise InvalidTransition("This episode has already ended")


def _clean(data: OnwardPlanInput) -> OnwardPlanInput:
    for name in ("named_contact", "what", "how_to_come_back"):
        value = (getattr(data, name) or "").strip()
        if len(value) > MAX_TEXT:
            raise ValidationError(f"Keep it under {MAX_TEXT:,} characters", field=name)
        setattr(data, name, value)
    if data.support is None:
        raise ValidationError("Choose who will support the person next", field="support")
    return data


def _apply(session: Session, actor: User, episode: Episode, data: OnwardPlanInput) -> OnwardPlan:
    data = _clean(data)
    service_id = None
    if data.support == OnwardSupport.SERVICE:
        service_id = check_step_down_service(session, data.service_id, "service_id").id
    plan = onward_plan_for(session, episode.id)
    if plan is None:
        plan = OnwardPlan(
            episode_id=episode.id,
            person_id=episode.person_id,
            planning_started_on=today(),
            created_by_id=actor.id,
        )
        session.add(plan)
    plan.support, plan.service_id = data.support, service_id
    plan.named_contact, plan.what = data.named_contact, data.what
    plan.how_to_come_back = data.how_to_come_back
    plan.updated_at, plan.updated_by_id = utcnow(), actor.id
    session.flush()
    return plan


def save_onward_plan(
    session: Session, actor: User, episode: Episode, data: OnwardPlanInput
) -> OnwardPlan:
    """Record the onward plan while discharge is being planned; the first save starts
    discharge planning (the safety plan must then be reviewed before discharge)."""
    _require_clinical(session, actor, episode)
    plan = _apply(session, actor, episode, data)
    _audit("onward_plan.update", actor, plan)
    return plan


def planning_started_on(session: Session, episode: Episode, plan: OnwardPlan) -> dt.date:
    """The earliest of the plan's first save and any step-down transition's start."""
    starts = [plan.planning_started_on]
    starts += [
        created.date()
        for created in session.scalars(
            sa.select(Transition.created_at).where(
                Transition.sending_episode_id == episode.id,
                Transition.kind == TransitionKind.HUB_STEP_DOWN,
            )
        )
    ]
    return min(starts)


def check_safety_plan(session: Session, episode: Episode, plan: OnwardPlan) -> SafetyPlan:
    """The safety plan in force was agreed on or after discharge planning started."""
    agreed = current_agreed(session, episode.person_id)
    if agreed is None or agreed.agreed_at is None:
        raise ValidationError(
            "Agree a safety plan with the person before discharge: it goes with them",
            field="safety_plan",
        )
    since = planning_started_on(session, episode, plan)
    if agreed.agreed_at.date() < since:
        raise ValidationError(
            f"The safety plan (version {agreed.version}) was last agreed on "
            f"{agreed.agreed_at:%-d %B %Y}, before discharge planning started on "
            f"{since:%-d %B %Y}. Review it with the person and agree it again first.",
            field="safety_plan",
        )
    return agreed


def _check_complete(episode: Episode, plan: OnwardPlan) -> None:
    if plan.support == OnwardSupport.GP and episode.person.gp_practice_id is None:
        raise ValidationError(
            "The person is not registered with a GP practice: choose other onward support",
            field="support",
        )
    if not plan.what:
        raise ValidationError("Say what support the person will have next", field="what")
    if not plan.how_to_come_back:
        raise ValidationError(
            "Say how the person can come back without a new referral", field="how_to_come_back"
        )


def _step_down_to_finish(session: Session, episode: Episode) -> Transition | None:
    open_ = session.scalar(
        sa.select(Transition).where(
            Transition.sending_episode_id == episode.id,
            Transition.kind == TransitionKind.HUB_STEP_DOWN,
            Transition.state == TransitionState.PARALLEL_SUPPORT,
        )
    )
    return open_


def discharge(session: Session, actor: User, episode: Episode, data: OnwardPlanInput) -> OnwardPlan:
    """Discharge from the episode with an onward support plan and an updated safety plan;
    a step-down in parallel support completes with it."""
    _require_clinical(session, actor, episode)
    step_down = _step_down_to_finish(session, episode)
    blocking = blocking_transition(session, episode, allow=step_down)
    if blocking is not None:
        raise InvalidTransition(gap_message(blocking, episode))
    plan = _apply(session, actor, episode, data)
    _check_complete(episode, plan)
    safety = check_safety_plan(session, episode, plan)
    if step_down is not None:
        finish_handover(session, actor, step_down)
    day = today()
    referral_services.finish_episode(session, actor, episode, day)
    plan.discharged_on, plan.fast_track_until = day, rules.fast_track_until(day)
    plan.safety_plan_id = safety.id
    session.flush()
    _audit("episode.discharge", actor, plan)
    episode_discharged.send(episode, actor=actor, onward_plan=plan)
    return plan


def _audit(action: str, actor: User, plan: OnwardPlan) -> None:
    record_type, _, _ = action.partition(".")
    audit.record(
        action,
        actor=actor,
        record_type=record_type,
        record_id=plan.episode_id if record_type == "episode" else plan.id,
        person_id=plan.person_id,
    )


def discharged_plans(session: Session, person_id: int) -> list[OnwardPlan]:
    """The person's onward plans from past discharges, newest first (for the portal)."""
    return list(
        session.scalars(
            sa.select(OnwardPlan)
            .where(OnwardPlan.person_id == person_id, OnwardPlan.discharged_on.is_not(None))
            .order_by(OnwardPlan.discharged_on.desc(), OnwardPlan.id.desc())
        )
    )


def fast_track_plan(session: Session, person_id: int, received_on: dt.date) -> OnwardPlan | None:
    """The discharge a referral received on this day comes back within 6 months of."""
    return session.scalar(
        sa.select(OnwardPlan)
        .where(
            OnwardPlan.person_id == person_id,
            OnwardPlan.discharged_on <= received_on,
            OnwardPlan.fast_track_until >= received_on,
        )
        .order_by(OnwardPlan.discharged_on.desc())
        .limit(1)
    )
