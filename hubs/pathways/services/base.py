"""What every transition verb shares: lookups, the one place a state is written (`move`:
state table, history row, audit row, `transition-transitioned`), and flushing with conflicts.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import Conflict, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Organisation, OrganisationKind, Service, ServiceKind
from hubs.pathways.access import sides_of
from hubs.pathways.models import Transition, TransitionEvent
from hubs.pathways.states import (
    SYSTEM,
    TransitionAction,
    TransitionState,
    check_permission,
    next_state,
)
from hubs.referrals.states import EpisodeStatus
from hubs.staff.models import TeamMembership, User

transition_started = hub_signals.signal("transition-started")
transition_transitioned = hub_signals.signal("transition-transitioned")
transition_completed = hub_signals.signal("transition-completed")

OPEN_EPISODE = (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE)
CHECKLIST_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER, AccessRole.VCSE_WORKER}
# Step-down goes to primary care or the voluntary sector, never to a crisis line.
STEP_DOWN_ORGANISATIONS = (OrganisationKind.GP_PRACTICE, OrganisationKind.VCSE)
NOT_STEP_DOWN = (ServiceKind.HUB_TEAM, ServiceKind.CRISIS, ServiceKind.HELPLINE)


# --- Lookups ------------------------------------------------------------------------------


def open_transition_for(session: Session, episode_id: int) -> Transition | None:
    """The transition under way from this episode, if any (there is at most one)."""
    return session.scalar(
        sa.select(Transition).where(
            Transition.sending_episode_id == episode_id,
            Transition.state != TransitionState.COMPLETED,
        )
    )


def step_down_services(session: Session) -> list[Service]:
    """Directory services a hub can step someone down to: primary care or a VCSE offer."""
    return list(
        session.scalars(
            sa.select(Service)
            .outerjoin(Organisation, Organisation.id == Service.organisation_id)
            .where(
                Service.is_active.is_(True),
                Service.kind.not_in(NOT_STEP_DOWN),
                sa.or_(
                    Service.kind == ServiceKind.COMMUNITY_OFFER,
                    Organisation.kind.in_(STEP_DOWN_ORGANISATIONS),
                ),
            )
            .order_by(Service.name)
        )
    )


def check_step_down_service(session: Session, service_id: int | None, field: str) -> Service:
    service = session.get(Service, service_id) if service_id else None
    if service is None or service not in step_down_services(session):
        raise ValidationError("Choose a primary care or VCSE offer from the directory", field=field)
    return service


def staff_of(session: Session, team_id: int | None, user_id: int | None, field: str) -> User:
    user = (
        session.scalar(
            sa.select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(
                User.id == user_id,
                TeamMembership.team_id == team_id,
                User.is_active.is_(True),
                User.kind == "staff",
            )
        )
        if user_id and team_id
        else None
    )
    if user is None:
        raise ValidationError("Choose a member of that hub's team", field=field)
    return user


def required_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


def not_past(day: dt.date | None, field: str, message: str) -> dt.date:
    if day is None:
        raise ValidationError(message, field=field)
    if day < today():
        raise ValidationError("The date cannot be in the past", field=field)
    return day


# --- Writing state ------------------------------------------------------------------------


def flush_transition(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "Someone else changed this transition at the same moment. Reload and try again.",
            field="transition",
        ) from None
    except sa.exc.IntegrityError:
        raise Conflict(
            "This episode already has a transition under way. Reload to see it.",
            field="kind",
        ) from None


def record_history(
    session: Session,
    transition: Transition,
    action: str,
    before: TransitionState | None,
    actor: User | None,
    note: str = "",
) -> None:
    session.add(
        TransitionEvent(
            transition_id=transition.id,
            action=action,
            from_state=before.value if before else None,
            to_state=transition.state.value,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )


def audit_transition(action: str, actor: User | None, transition: Transition) -> None:
    audit.record(
        f"transition.{action}",
        actor=actor,
        record_type="transition",
        record_id=transition.id,
        person_id=transition.person_id,
    )


def authorise(
    session: Session, actor: User | None, transition: Transition, action: TransitionAction
) -> None:
    """The actor's role and side may take the action (403), from the current state (409)."""
    role = actor.access_role if actor else SYSTEM
    check_permission(action, role, sides_of(session, actor, transition))
    next_state(transition.state, action)


def check_action(
    session: Session, actor: User, transition: Transition, action: TransitionAction
) -> None:
    """Refuse (403 or 409) an action this actor cannot take now, before showing its form."""
    authorise(session, actor, transition, action)


def move(
    session: Session,
    actor: User | None,
    transition: Transition,
    action: TransitionAction,
    note: str = "",
) -> None:
    before = transition.state
    transition.state = next_state(before, action)
    record_history(session, transition, action.value, before, actor, note)
    audit_transition(action.value, actor, transition)
    flush_transition(session)
    transition_transitioned.send(transition, actor=actor, action=action, before=before)
