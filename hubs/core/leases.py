"""A database lease that lets exactly one scheduler process run jobs (DESIGN §7).

Each scheduler process has a holder id. The lease row names its holder and when it
expires; a process takes or renews it with one conditional UPDATE ("if it is mine, or it
has expired"), which both SQLite and PostgreSQL apply atomically: when two processes race,
the database lets one UPDATE change the row and the other matches nothing. A standby
process keeps asking and takes over once the leader stops renewing and the lease expires.

These functions commit: the lease is the scheduler's own bookkeeping, and it must be
visible to the other process at once, whatever the jobs then do.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from hubs.core.db import Base

SCHEDULER_LEASE = "scheduler"


class SchedulerLease(Base):
    """Who runs the scheduled jobs, until when."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    acquired_at: Mapped[dt.datetime]
    renewed_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


def new_holder_id() -> str:
    """Host, process and a random part: two processes never share one, even after a restart."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def try_acquire(
    session: Session,
    holder: str,
    *,
    now: dt.datetime,
    ttl: dt.timedelta,
    name: str = SCHEDULER_LEASE,
) -> bool:
    """Take or renew the lease; True when `holder` holds it until `now + ttl`."""
    if _take(session, holder, now=now, ttl=ttl, name=name):
        return True
    if _create(session, holder, now=now, ttl=ttl, name=name):
        return True
    # The row appeared meanwhile (made by another process, or by this one's own heartbeat
    # in another thread): the conditional update decides, as for any later attempt.
    return _take(session, holder, now=now, ttl=ttl, name=name)


def _take(session: Session, holder: str, *, now: dt.datetime, ttl: dt.timedelta, name: str) -> bool:
    """One conditional UPDATE: the row changes only if it is ours or has expired."""
    table = SchedulerLease.__table__
    taken = session.execute(
        sa.update(table)
        .where(
            table.c.name == name,
            sa.or_(table.c.holder == holder, table.c.expires_at <= now),
        )
        .values(
            holder=holder,
            expires_at=now + ttl,
            renewed_at=now,
            # A takeover starts a new tenure; a renewal keeps the first acquisition time.
            acquired_at=sa.case((table.c.holder == holder, table.c.acquired_at), else_=now),
        )
    ).rowcount
    if taken:
        session.commit()
        return True
    session.rollback()
    return False


def _create(
    session: Session, holder: str, *, now: dt.datetime, ttl: dt.timedelta, name: str
) -> bool:
    """The first scheduler ever creates the row; a racing second one hits the primary key."""
    if session.get(SchedulerLease, name) is not None:
        session.rollback()
        return False
    try:
        session.execute(
            sa.insert(SchedulerLease.__table__).values(
                name=name, holder=holder, acquired_at=now, renewed_at=now, expires_at=now + ttl
            )
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def release(
    session: Session, holder: str, *, now: dt.datetime, name: str = SCHEDULER_LEASE
) -> None:
    """Give the lease up on a clean shutdown, so a standby takes over without waiting."""
    table = SchedulerLease.__table__
    session.execute(
        sa.update(table)
        .where(table.c.name == name, table.c.holder == holder, table.c.expires_at > now)
        .values(expires_at=now)
    )
    session.commit()


def current_holder(
    session: Session, *, now: dt.datetime, name: str = SCHEDULER_LEASE
) -> str | None:
    """The holder of an unexpired lease, or None."""
    return session.scalar(
        sa.select(SchedulerLease.holder).where(
            SchedulerLease.name == name, SchedulerLease.expires_at > now
        )
    )
