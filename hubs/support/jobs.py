"""Scheduled jobs of support: signposting follow-ups due (DESIGN §7).

A worker who linked someone to a community offer is reminded on the follow-up date to
ask how it went. "Not yet" moves the date on, and the new date brings a new reminder;
a re-run for the same date creates nothing. A worker who has left is covered by the
managers of the hubs they worked in.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hubs.core.alerts import alert_staff
from hubs.extensions import db
from hubs.staff.queries import active_managers_by_team, active_user_ids, teams_by_user
from hubs.support.models import Signposting, SignpostingOutcome


def signposting_follow_ups(now: dt.datetime) -> int:
    """Remind the worker to follow up each signposting whose follow-up date has come."""
    session = db.session
    day = now.date()
    ids = session.scalars(
        sa.select(Signposting.id).where(
            Signposting.outcome == SignpostingOutcome.NOT_YET, Signposting.follow_up_on <= day
        )
    ).all()
    records = session.scalars(
        sa.select(Signposting)
        .where(Signposting.id.in_(ids))
        .options(selectinload(Signposting.service))
        .order_by(Signposting.id)
    ).all()
    workers = {r.worker_id for r in records}
    active = active_user_ids(session, workers)
    hubs = teams_by_user(session, workers - active)
    managers = active_managers_by_team(session, {h for ids in hubs.values() for h in ids})
    created = 0
    for record in records:
        recipients = (
            [record.worker_id]
            if record.worker_id in active
            else sorted({m for team in hubs.get(record.worker_id, []) for m in managers[team]})
        )
        created += alert_staff(
            recipients,
            kind="signposting_follow_up",
            title=f"Follow up: did the person get on with {record.service.name}?"[:200],
            person_id=record.person_id,
            link=f"/support/signpostings/{record.id}/outcome",
            dedupe_key=f"signposting_follow_up:{record.id}:{record.follow_up_on.isoformat()}",
            sender=record,
        )
    return created
