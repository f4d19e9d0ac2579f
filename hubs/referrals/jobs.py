"""Scheduled jobs of referrals: waiting-time clock warnings (DESIGN §4, §7).

Staff hear about a clock a week before it breaches and again when it does, once each:
the dedupe key names the referral, the clock and its due date, so a re-run the same day
(or the next) creates nothing, and a clock whose spell changes gets a fresh warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from hubs.core.alerts import alert_staff
from hubs.extensions import db
from hubs.referrals import clocks
from hubs.referrals.models import Episode, Referral
from hubs.referrals.queries import ReferralClocks, clocks_for_many
from hubs.referrals.states import OPEN_REFERRAL_STATUSES, EpisodeStatus, ReferralStatus
from hubs.staff.queries import active_managers_by_team, active_user_ids

# A clock can only be due soon or newly breached for a referral received in the last few
# months; older ones were alerted on when they breached and sit on the managers' waiting list.
LOOKBACK_DAYS = 120
CHUNK = 500


def _running_clock_referrals(session: Session, day: dt.date) -> list[int]:
    """Open referrals, and accepted ones whose episode is still going (its clock may run)."""
    return list(
        session.scalars(
            sa.select(Referral.id)
            .outerjoin(Episode, Episode.referral_id == Referral.id)
            .where(
                Referral.received_on >= day - dt.timedelta(days=LOOKBACK_DAYS),
                sa.or_(
                    Referral.status.in_(OPEN_REFERRAL_STATUSES),
                    sa.and_(
                        Referral.status == ReferralStatus.ACCEPTED,
                        Episode.status != EpisodeStatus.FINISHED,
                    ),
                ),
            )
            .order_by(Referral.id)
        )
    )


def clock_breach_warnings(now: dt.datetime) -> int:
    """Alert staff 7 days before a waiting-time clock breaches, and on breach."""
    session = db.session
    day = now.date()
    ids = _running_clock_referrals(session, day)
    created = 0
    for start in range(0, len(ids), CHUNK):
        created += _alert_chunk(session, ids[start : start + CHUNK], day)
    return created


def _alert_chunk(session: Session, ids: Sequence[int], day: dt.date) -> int:
    referrals = list(
        session.scalars(
            sa.select(Referral)
            .where(Referral.id.in_(ids))
            .options(selectinload(Referral.service), selectinload(Referral.episode))
        )
    )
    readings = clocks_for_many(session, referrals, today=day)
    managers = active_managers_by_team(session, {r.team_id for r in referrals})
    leads = active_user_ids(session, {r.episode.lead_worker_id for r in referrals if r.episode})
    created = 0
    for referral in referrals:
        recipients = _Recipients(referral, managers.get(referral.team_id, []), leads)
        created += _alert_clocks(referral, readings[referral.id], recipients)
    return created


class _Recipients:
    """Who hears: the lead worker once there is one (the hub's managers if they have left),
    else the hub's managers, who own the waiting list; a breach also goes to the managers."""

    def __init__(self, referral: Referral, managers: list[int], active_leads: set[int]) -> None:
        lead = referral.episode.lead_worker_id if referral.episode else None
        self.lead = [lead] if lead in active_leads else []
        self.managers = managers

    def for_warning(self) -> list[int]:
        return self.lead or self.managers

    def for_breach(self) -> list[int]:
        return self.lead + self.managers


def _alert_clocks(referral: Referral, readings: ReferralClocks, to: _Recipients) -> int:
    created = 0
    for key, reading in (("four_week", readings.four_week), ("eip", readings.eip)):
        if reading is None or reading.is_stopped:
            continue
        if reading.state == clocks.ClockState.DUE_SOON:
            created += _alert(referral, key, reading, "clock_warning", to.for_warning())
        elif reading.state == clocks.ClockState.BREACHED:
            created += _alert(referral, key, reading, "clock_breach", to.for_breach())
    return created


def _alert(
    referral: Referral, key: str, reading: clocks.ClockReading, kind: str, recipients: list[int]
) -> int:
    due = reading.due_on
    if kind == "clock_warning":
        title = f"{reading.name} standard due on {due:%-d %B %Y}: {reading.days_left} days left"
    else:
        title = f"{reading.name} standard missed: it was due on {due:%-d %B %Y}"
    return alert_staff(
        recipients,
        kind=kind,
        title=f"{title} (referral {referral.id})",
        person_id=referral.person_id,
        link=f"/referrals/{referral.id}",
        dedupe_key=f"{kind}:{referral.id}:{key}:{due.isoformat()}",
        sender=referral,
    )
