"""Read side of notifications: a member of staff's open tasks and their count."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.notifications.models import StaffTask
from hubs.people.access import person_scope
from hubs.people.models import Person
from hubs.staff.models import User

OPEN = sa.and_(StaffTask.done_at.is_(None), StaffTask.dismissed_at.is_(None))
PAGE_SIZE = 200

KIND_LABELS = {
    "break_glass_review": "Emergency access to review",
    "clock_warning": "Waiting time: due within a week",
    "clock_breach": "Waiting time: standard missed",
    "care_plan_review": "Care plan review",
    "safety_plan_review": "Safety plan review",
    "signposting_follow_up": "Signposting follow-up",
    "transition-identified": "Transition to plan",
    "transition-escalated": "Transition escalated: nobody has taken over yet",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class TaskRow:
    task: StaffTask
    # Only when the reader may still see the person (the same rule as a single read).
    person_name: str | None

    @property
    def kind_label(self) -> str:
        return kind_label(self.task.kind)


def open_tasks(session: Session, actor: User, limit: int = PAGE_SIZE) -> list[TaskRow]:
    """The actor's own open tasks, newest first, in one query."""
    visible = sa.and_(Person.id == StaffTask.person_id, person_scope(actor))
    rows = session.execute(
        sa.select(StaffTask, Person.given_name, Person.family_name)
        .outerjoin(Person, visible)
        .where(StaffTask.recipient_id == actor.id, OPEN)
        .order_by(StaffTask.created_at.desc(), StaffTask.id.desc())
        .limit(limit)
    )
    return [
        TaskRow(task, f"{given} {family}" if given is not None else None)
        for task, given, family in rows
    ]


def open_task_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(StaffTask.id)).where(StaffTask.recipient_id == user_id, OPEN)
        )
        or 0
    )
