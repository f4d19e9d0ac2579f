"""Read side of referrals: the triage queue, a referral's page and its clocks.

Clocks for a page of referrals are computed from two batched queries, whatever the page
size, so the queue never issues a query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from hubs.core.types import today as utc_today
from hubs.directory.models import ServiceKind
from hubs.referrals import clocks
from hubs.referrals.access import referral_scope
from hubs.referrals.models import (
    ClockEvent,
    ClockEventKind,
    Episode,
    NeedDomain,
    Priority,
    Referral,
    ReferralNeed,
)
from hubs.referrals.states import OPEN_REFERRAL_STATUSES, EpisodeStatus, ReferralStatus
from hubs.staff.models import User

PRIORITY_ORDER = sa.case({p.value: p.rank for p in Priority}, value=Referral.priority)


@dataclass(frozen=True)
class ReferralClocks:
    four_week: clocks.ClockReading
    second_contact: clocks.ClockReading
    eip: clocks.ClockReading | None

    @property
    def headline(self) -> clocks.ClockReading:
        """The clock to show first: EIP's 2-week standard where it applies."""
        return self.eip or self.four_week


MILESTONE_FIELDS = {
    ClockEventKind.ASSESSMENT: "assessment_on",
    ClockEventKind.CARE_PLAN_AGREED: "care_plan_agreed_on",
    ClockEventKind.FIRST_INTERVENTION: "first_intervention_on",
    ClockEventKind.BASELINE_MEASURE: "baseline_measure_on",
    ClockEventKind.SECOND_CONTACT: "second_contact_on",
}


class ClockFact(Protocol):
    """What a clock reads of a clock event (a row of `ClockEvent` columns, or the model)."""

    person_id: int
    kind: ClockEventKind
    occurred_on: dt.date
    referral_id: int | None


def milestones_in_spell(events: Sequence[ClockFact], spell: clocks.Spell) -> clocks.Milestones:
    """The first of each event on or after the spell started (and before it ended)."""
    found: dict[str, dt.date] = {}
    for event in sorted(events, key=lambda e: e.occurred_on):
        name = MILESTONE_FIELDS.get(event.kind)
        in_spell = event.occurred_on >= spell.started_on and (
            spell.ended_on is None or event.occurred_on <= spell.ended_on
        )
        if name and in_spell and name not in found:
            found[name] = event.occurred_on
    return clocks.Milestones(**found)


def _eip(
    referral: Referral, events: Sequence[ClockFact], today: dt.date
) -> clocks.ClockReading | None:
    if referral.service.kind != ServiceKind.EARLY_INTERVENTION:
        return None
    starts = [
        e.occurred_on
        for e in events
        if e.kind == ClockEventKind.EIP_PACKAGE_STARTED and e.referral_id == referral.id
    ]
    return clocks.eip_clock(referral.received_on, min(starts, default=None), today)


def referral_spans(
    session: Session, person_ids: Iterable[int]
) -> dict[int, list[clocks.ReferralSpan]]:
    """Each person's referrals as spans of time in contact with services, in one query.

    An accepted referral's care goes on in its episode, so its span lasts until the episode
    finishes, not only until the day it was accepted: a care plan agreed or a second contact
    after acceptance must still stop the clocks of its spell."""
    return referral_spans_where(session, Referral.person_id.in_(list(person_ids)))


def referral_spans_where(
    session: Session, where: sa.ColumnElement[bool]
) -> dict[int, list[clocks.ReferralSpan]]:
    """`referral_spans` for the people `where` selects (the activity rebuild takes a range)."""
    spans: dict[int, list[clocks.ReferralSpan]] = defaultdict(list)
    rows = session.execute(
        sa.select(
            Referral.id,
            Referral.person_id,
            Referral.received_on,
            Referral.closed_on,
            Episode.status,
            Episode.finished_on,
        )
        .outerjoin(Episode, Episode.referral_id == Referral.id)
        .where(where, Referral.status != ReferralStatus.ENTERED_IN_ERROR)
    )
    for rid, pid, received, closed, episode_status, finished_on in rows:
        ended = closed
        if episode_status is not None:
            ended = (finished_on or closed) if episode_status == EpisodeStatus.FINISHED else None
        spans[pid].append(clocks.ReferralSpan(rid, received, ended))
    return spans


def clocks_for_many(
    session: Session, referrals: Sequence[Referral], today: dt.date | None = None
) -> dict[int, ReferralClocks]:
    """Clocks for a page of referrals in two queries (the person's referrals and events)."""
    day = today or utc_today()
    person_ids = {r.person_id for r in referrals}
    if not person_ids:
        return {}
    spans_by_person = referral_spans(session, person_ids)
    events_by_person: dict[int, list[ClockFact]] = defaultdict(list)
    # Only the columns the clocks read (answered from their index), not whole rows.
    facts = sa.select(
        ClockEvent.person_id, ClockEvent.kind, ClockEvent.occurred_on, ClockEvent.referral_id
    ).where(ClockEvent.person_id.in_(person_ids))
    for event in session.execute(facts):
        events_by_person[event.person_id].append(event)  # type: ignore[arg-type]
    result = {}
    for referral in referrals:
        spans = spans_by_person[referral.person_id] or [
            clocks.ReferralSpan(referral.id, referral.received_on, referral.closed_on)
        ]
        spell = (
            clocks.spell_for(spans, referral.id)
            if any(s.referral_id == referral.id for s in spans)
            else clocks.Spell((referral.id,), referral.received_on, referral.closed_on)
        )
        events = events_by_person[referral.person_id]
        milestones = milestones_in_spell(events, spell)
        result[referral.id] = ReferralClocks(
            clocks.four_week_clock(spell, milestones, day),
            clocks.second_contact_clock(spell, milestones, day),
            _eip(referral, events, day),
        )
    return result


@dataclass(frozen=True)
class QueueFilters:
    status: ReferralStatus | None = None
    priority: Priority | None = None
    need: NeedDomain | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class QueuePage:
    items: list[Referral]
    clocks: dict[int, ReferralClocks]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _filtered(actor: User, filters: QueueFilters) -> sa.Select[tuple[Referral]]:
    query = sa.select(Referral).where(referral_scope(actor))
    statuses = [filters.status] if filters.status else list(OPEN_REFERRAL_STATUSES)
    query = query.where(Referral.status.in_(statuses))
    if filters.priority:
        query = query.where(Referral.priority == filters.priority)
    if filters.team_id:
        query = query.where(Referral.team_id == filters.team_id)
    if filters.need:
        query = query.where(
            Referral.id.in_(
                sa.select(ReferralNeed.referral_id).where(ReferralNeed.domain == filters.need)
            )
        )
    return query


def triage_queue(
    session: Session,
    actor: User,
    filters: QueueFilters,
    *,
    page: int = 1,
    per_page: int = 25,
    today: dt.date | None = None,
) -> QueuePage:
    """Most urgent first, then oldest first; filtered in the query by the access rule."""
    query = _filtered(actor, filters)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(
            query.options(
                selectinload(Referral.needs),
                selectinload(Referral.person),
                selectinload(Referral.service),
                selectinload(Referral.team),
            )
            .order_by(
                PRIORITY_ORDER, Referral.is_fast_tracked.desc(), Referral.received_on, Referral.id
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return QueuePage(items, clocks_for_many(session, items, today), total, page, per_page)


def referrals_of_person(session: Session, actor: User, person_id: int) -> list[Referral]:
    return list(
        session.scalars(
            sa.select(Referral)
            .where(Referral.person_id == person_id, referral_scope(actor))
            .options(
                selectinload(Referral.needs),
                selectinload(Referral.service),
                selectinload(Referral.team),
                selectinload(Referral.signposted_service),
            )
            .order_by(Referral.received_on.desc(), Referral.id.desc())
        )
    )
