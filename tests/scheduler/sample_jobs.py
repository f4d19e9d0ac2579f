"""Jobs for the scheduler tests, written as feature jobs are: `job(now) -> int`, no commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.core.alerts import alert_staff
from hubs.extensions import db
from hubs.staff.models import User

PERSONAL_CANARY = "Adaprivatecanary 07700900999"


def _first_manager() -> int:
    return db.session.scalar(
        sa.select(User.id).where(User.email.like("%manager%")).order_by(User.id)
    ) or db.session.scalar(sa.select(User.id).order_by(User.id))


def daily_alert(now: dt.datetime) -> int:
    """One task per day: idempotent for its period (the date is in the dedupe key)."""
    return alert_staff(
        [_first_manager()],
        kind="test_job",
        title="A scheduled check",
        dedupe_key=f"test-job:{now.date().isoformat()}",
    )


def failing_job(now: dt.datetime) -> int:
    """Writes a task, then fails with personal data in its message: nothing may survive."""
    alert_staff([_first_manager()], kind="test_job", title="Half done", dedupe_key="failing")
    db.session.flush()
    raise ValueError(f"could not handle {PERSONAL_CANARY}")
