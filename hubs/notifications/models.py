"""Staff tasks and the outbox of messages to people."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.people.models import Person
from hubs.staff.models import User


class StaffTask(Base):
    """Something a member of staff should do or know: raised by an event or a scheduled job.

    A repeat of the same alert (same recipient, same dedupe key) creates nothing, so a job
    that runs twice for one period, or an event replayed, never doubles anyone's list.
    """

    __tablename__ = "staff_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # A short code (e.g. "break_glass_review", "clock_breach"); features add their own.
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    dedupe_key: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None]
    dismissed_at: Mapped[dt.datetime | None]

    recipient: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "dedupe_key"),
        sa.CheckConstraint("done_at IS NULL OR dismissed_at IS NULL", name="closed_one_way"),
        sa.Index("ix_staff_tasks_open", "recipient_id", "done_at", "dismissed_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.dismissed_at is None


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    # The person stopped wanting messages (or left no way to reach them) before it was sent.
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    """A message to a person, queued in the transaction of the event that caused it.

    Holds a template key and a little personalisation (first name, hub name), never
    clinical free text; the address is read from the person's record when it is sent, so
    a changed number or a withdrawn preference is respected.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "outbox_channel", 10))
    template_key: Mapped[str] = mapped_column(sa.String(60))
    personalisation: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status", 10), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    provider_reference: Mapped[str | None] = mapped_column(sa.String(100))
    last_error: Mapped[str | None] = mapped_column(sa.String(300))

    person: Mapped[Person] = relationship()

    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        sa.CheckConstraint("status != 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
