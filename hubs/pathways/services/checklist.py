"""The transition checklist: what both teams and the person see done, by whom and when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.errors import InvalidTransition, PermissionDenied, ValidationError
from hubs.core.types import today
from hubs.pathways.access import sides_of
from hubs.pathways.models import ChecklistItem, ChecklistTick, Transition
from hubs.pathways.services.base import CHECKLIST_ROLES, flush_transition
from hubs.pathways.states import TransitionState
from hubs.staff.models import User


def tick(
    session: Session,
    actor: User,
    transition: Transition,
    item: ChecklistItem,
    *,
    done_on: dt.date | None = None,
    note: str = "",
) -> ChecklistTick:
    """Record that a checklist item is done, by whom and when; either team may record it."""
    if actor.access_role not in CHECKLIST_ROLES or not sides_of(session, actor, transition):
        raise PermissionDenied("Only staff on either side of the transition can record this")
    if transition.state == TransitionState.COMPLETED:
        raise InvalidTransition("The transition is complete: its checklist is closed")
    existing = transition.ticked.get(item)
    if existing is not None:
        return existing  # the same tick sent twice records it once
    day = done_on or today()
    if day > today():
        raise ValidationError("The date cannot be in the future", field="done_on")
    tick_row = ChecklistTick(
        transition_id=transition.id,
        item=item,
        done_on=day,
        recorded_by_id=actor.id,
        note=note.strip(),
    )
    session.add(tick_row)
    transition.checklist.append(tick_row)
    audit.record(
        "transition.checklist",
        actor=actor,
        record_type="transition",
        record_id=transition.id,
        person_id=transition.person_id,
    )
    flush_transition(session)
    return tick_row


def missing_checklist(transition: Transition) -> list[ChecklistItem]:
    done = transition.ticked
    return [item for item in ChecklistItem if item not in done]
