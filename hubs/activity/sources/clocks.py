"""Clock events: first and second contact, assessment, first intervention, the 4-week clock
stopping, and EIP treatment starting (DESIGN §4).

The clock events table can hold several events of a kind for one referral (a back-dated
contact adds an earlier first contact; every intervention started records one), and the
clocks read the earliest. The store does the same: one row per referral and kind, dated
with the earliest, so it counts each milestone once and agrees with what staff see.
The 4-week clock and the EIP clock are computed by `hubs.referrals.clocks`, the module that
shows them to staff, never re-derived here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.activity.rows import Fact, days_between
from hubs.activity.sources.referrals import COUNTED, case_of
from hubs.activity.sources.registry import Scope, Source, source
from hubs.referrals import clocks
from hubs.referrals.models import ClockEvent, ClockEventKind, Referral
from hubs.referrals.queries import milestones_in_spell, referral_spans_where
from hubs.reporting.models import ActivityType

#: Clock event kinds that are activity rows of their own (one per referral, the earliest).
FIRST_EVENTS = {
    ClockEventKind.FIRST_CONTACT: ActivityType.FIRST_CONTACT,
    ClockEventKind.SECOND_CONTACT: ActivityType.SECOND_CONTACT,
    ClockEventKind.ASSESSMENT: ActivityType.ASSESSMENT,
    ClockEventKind.FIRST_INTERVENTION: ActivityType.FIRST_INTERVENTION,
}


def _earliest(session: Session, people: Scope, kind: ClockEventKind) -> sa.Result:  # type: ignore[type-arg]
    return session.execute(
        sa.select(
            Referral.id,
            Referral.person_id,
            Referral.team_id,
            Referral.received_on,
            sa.func.min(ClockEvent.occurred_on),
        )
        .join(Referral, Referral.id == ClockEvent.referral_id)
        .where(people(ClockEvent.person_id), ClockEvent.kind == kind, COUNTED)
        .group_by(Referral.id, Referral.person_id, Referral.team_id, Referral.received_on)
    )


def _first_event_source(kind: ClockEventKind, event_type: ActivityType) -> Source:
    def facts(session: Session, people: Scope) -> Iterator[Fact]:
        """started_on = the referral's received date; value = days from it."""
        for rid, person_id, team_id, received_on, occurred_on in _earliest(session, people, kind):
            yield Fact(
                event_type,
                f"{event_type.value.replace('_', '-')}:{rid}",
                person_id,
                team_id,
                occurred_on,
                started_on=received_on,
                case=case_of(rid),
                value=days_between(received_on, occurred_on),
            )

    facts.__name__ = event_type.value
    return facts


for _kind, _type in FIRST_EVENTS.items():
    source(_type)(_first_event_source(_kind, _type))


@source(ActivityType.EIP_TREATMENT_STARTED)
def eip_treatment_started(session: Session, people: Scope) -> Iterator[Fact]:
    """EIP 2-week standard: value = days from referral to the package starting, as the EIP
    clock counts them (the package start is recorded when the referral is accepted with a
    care coordinator, so it stops the clock only once both have happened)."""
    rows = _earliest(session, people, ClockEventKind.EIP_PACKAGE_STARTED)
    for rid, person_id, team_id, received_on, started_on in rows:
        reading = clocks.eip_clock(received_on, started_on)
        yield Fact(
            ActivityType.EIP_TREATMENT_STARTED,
            f"eip-treatment-started:{rid}",
            person_id,
            team_id,
            started_on,
            started_on=received_on,
            case=case_of(rid),
            value=float(reading.days_elapsed),
        )


@source(ActivityType.FOUR_WEEK_CLOCK_STOPPED)
def four_week_clock_stopped(session: Session, people: Scope) -> Iterator[Fact]:
    """Each spell whose 4-week clock has stopped: dated the stop, started_on = the spell's
    start, value = days waited; the case and hub are the spell's first referral's."""
    spans = referral_spans_where(session, people(Referral.person_id))
    hubs = dict(
        session.execute(sa.select(Referral.id, Referral.team_id).where(people(Referral.person_id)))
        .tuples()
        .all()
    )
    events: dict[int, list[ClockEvent]] = defaultdict(list)
    for event in session.execute(
        sa.select(ClockEvent.person_id, ClockEvent.kind, ClockEvent.occurred_on).where(
            people(ClockEvent.person_id)
        )
    ):
        events[event.person_id].append(event)  # type: ignore[arg-type]
    for person_id, person_spans in spans.items():
        for spell in clocks.group_spells(person_spans):
            milestones = milestones_in_spell(events[person_id], spell)
            if milestones.four_week_stop is None:
                continue
            reading = clocks.four_week_clock(spell, milestones)
            first = spell.referral_ids[0]
            yield Fact(
                ActivityType.FOUR_WEEK_CLOCK_STOPPED,
                f"four-week-clock-stopped:{first}",
                person_id,
                hubs.get(first),
                milestones.four_week_stop,
                started_on=spell.started_on,
                case=case_of(first),
                value=float(reading.days_elapsed),
            )
