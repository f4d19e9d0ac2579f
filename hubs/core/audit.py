"""The append-only audit log (DESIGN §3 rule 7).

Every read and change of identifiable data writes a row here in the same transaction as the
work it describes, so the audit can never say less than what happened. Rows are never
updated or deleted by the application; triggers refuse it on both databases, except sealing
a row into the hash chain once (`hubs.core.audit_chain`), which the scheduler does each minute.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Protocol

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from hubs.core.db import Base
from hubs.core.session import app_session
from hubs.core.types import enum_column, utcnow


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILED = "failed"


class Actor(Protocol):
    """Whoever did something: a signed-in user, an API token's owner, or a system job."""

    id: int
    email: str

    @property
    def access_role(self) -> str: ...

    @property
    def organisation_id(self) -> int | None: ...


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    actor_role: Mapped[str] = mapped_column(sa.String(40))
    actor_organisation_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    record_type: Mapped[str] = mapped_column(sa.String(60))
    record_id: Mapped[str | None] = mapped_column(sa.String(60))
    # Not a foreign key: the log must outlive and never constrain the records it describes.
    person_id: Mapped[int | None] = mapped_column(index=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "audit_outcome", 10))
    # The hash chain (hubs.core.audit_chain): set once, by the sealing job, after commit.
    chain_seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))

    # "Who has looked at my record", newest first, for one person.
    __table_args__ = (
        sa.Index("ix_audit_events_person_id_at", "person_id", "at"),
        # The sealing job's work list: only rows not yet in the chain (a handful at a time).
        sa.Index(
            "ix_audit_events_unsealed",
            "id",
            postgresql_where=sa.text("row_hash IS NULL"),
            sqlite_where=sa.text("row_hash IS NULL"),
        ),
    )

    def __repr__(self) -> str:
        return (
            f"<AuditEvent {self.action} {self.record_type}:{self.record_id} by {self.actor_label}>"
        )


SYSTEM_LABEL = "system"


def record(
    action: str,
    *,
    actor: Actor | None,
    record_type: str,
    record_id: object = None,
    person_id: int | None = None,
    outcome: Outcome = Outcome.SUCCESS,
    session: Session | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction (flushed with the work it describes)."""
    row = AuditEvent(
        actor_user_id=actor.id if actor else None,
        actor_label=actor.email if actor else SYSTEM_LABEL,
        actor_role=str(actor.access_role) if actor else SYSTEM_LABEL,
        actor_organisation_id=actor.organisation_id if actor else None,
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        person_id=person_id,
        request_id=g.get("request_id") if has_request_context() else None,
        outcome=outcome,
    )
    (session or app_session()).add(row)
    return row


class AuditTampering(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditTampering("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    """`session.execute(update(AuditEvent))` bypasses the flush; refuse it here too."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditTampering("audit events are append-only")
