"""The verbs of notifications: raise and close staff tasks, queue messages to people.

Services flush and never commit: a task or a message belongs to the transaction of the
event that caused it, so it is kept or rolled back with it. How the person wants to hear
from us is part of their record, changed by `hubs.people.services.set_contact_preference`
(also importable from here, beside the messages it governs).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.errors import NotFound, ValidationError
from hubs.core.types import utcnow
from hubs.notifications.messages import MAX_FIELD_LENGTH, TEMPLATES
from hubs.notifications.models import Channel, OutboxMessage, StaffTask
from hubs.people.models import ContactPreference, Person
from hubs.people.services import set_contact_preference as set_contact_preference
from hubs.staff.models import AccountKind, User

TITLE_LENGTH = 200

# --- Staff tasks ---------------------------------------------------------------------------


def raise_tasks(
    session: Session,
    recipient_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    person_id: int | None = None,
    link: str | None = None,
    detail: str = "",
) -> int:
    """Put a task on each recipient's list, once per dedupe key; returns how many are new.

    Inactive accounts and people's portal accounts get none: a task nobody will see is an
    alert lost, so the sender chooses active staff (e.g. managers when a worker has left).
    """
    ids = set(recipient_ids)
    if not ids:
        return 0
    staff = set(
        session.scalars(
            sa.select(User.id).where(
                User.id.in_(ids), User.is_active.is_(True), User.kind == AccountKind.STAFF
            )
        )
    )
    already = set(
        session.scalars(
            sa.select(StaffTask.recipient_id).where(
                StaffTask.recipient_id.in_(staff), StaffTask.dedupe_key == dedupe_key
            )
        )
    )
    created = 0
    for recipient_id in sorted(staff - already):
        task = StaffTask(
            recipient_id=recipient_id,
            kind=kind,
            title=title[:TITLE_LENGTH],
            detail=detail,
            person_id=person_id,
            link=link,
            dedupe_key=dedupe_key,
        )
        created += _insert_once(session, task)
    return created


def _insert_once(session: Session, task: StaffTask) -> int:
    """Insert in a savepoint: if another transaction raised the same task first, the
    unique (recipient, dedupe key) refuses ours and the event's own work goes on."""
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:
        return 0
    return 1


class TaskOutcome(enum.StrEnum):
    DONE = "done"
    DISMISSED = "dismissed"


def close_task(session: Session, actor: User, task_id: int, outcome: TaskOutcome) -> StaffTask:
    """The member of staff has done the task (or decided it needs nothing): it leaves their list."""
    task = session.scalar(
        sa.select(StaffTask).where(StaffTask.id == task_id, StaffTask.recipient_id == actor.id)
    )
    if task is None:
        raise NotFound("Page not found")  # someone else's task looks like no task at all
    if not task.is_open:
        return task  # the same button pressed twice
    if outcome == TaskOutcome.DONE:
        task.done_at = utcnow()
    else:
        task.dismissed_at = utcnow()
    audit.record(
        f"task.{outcome.value}",
        actor=actor,
        record_type="staff_task",
        record_id=task.id,
        person_id=task.person_id,
    )
    session.flush()
    return task


def record_tasks_read(session: Session, actor: User, tasks: Iterable[StaffTask]) -> None:
    """A task about a person tells its reader something about them: audit each one shown."""
    for task in tasks:
        if task.person_id is not None:
            audit.record(
                "task.view",
                actor=actor,
                record_type="staff_task",
                record_id=task.id,
                person_id=task.person_id,
                session=session,
            )


# --- Messages to people ---------------------------------------------------------------------

PREFERRED_CHANNEL = {ContactPreference.SMS: Channel.SMS, ContactPreference.EMAIL: Channel.EMAIL}


def channel_for(person: Person) -> Channel | None:
    """The channel the person chose, if they chose one and left the details it needs."""
    channel = PREFERRED_CHANNEL.get(person.contact_preference)
    if channel == Channel.SMS and not person.mobile_phone:
        return None
    if channel == Channel.EMAIL and not person.email:
        return None
    return channel


def _check_personalisation(template_key: str, personalisation: dict[str, Any]) -> None:
    template = TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError(f"No message template {template_key!r}", field="template_key")
    if set(personalisation) != set(template.fields):
        raise ValidationError(
            f"Message {template_key!r} takes exactly {sorted(template.fields)}",
            field="personalisation",
        )
    for name, value in personalisation.items():
        # Short single-line facts only: a guard against clinical free text leaving the system.
        if not isinstance(value, str) or len(value) > MAX_FIELD_LENGTH or "\n" in value:
            raise ValidationError(
                f"{name} must be a short line of text", field=f"personalisation.{name}"
            )


def queue_message(
    session: Session,
    person: Person,
    *,
    template_key: str,
    personalisation: dict[str, str],
    dedupe_key: str,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message to a person in the current transaction, if they want messages.

    Returns None when they have not chosen a channel (or opted out), or when a message
    with this dedupe key already exists: the same event never messages anyone twice.
    """
    _check_personalisation(template_key, personalisation)
    channel = channel_for(person)
    if channel is None:
        return None
    if session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(
        person_id=person.id,
        channel=channel,
        template_key=template_key,
        personalisation=personalisation,
        dedupe_key=dedupe_key,
        next_attempt_at=now or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message
