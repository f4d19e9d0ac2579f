"""Waiting-time clocks (DESIGN §4), as pure functions of dates.

Shown as days left before breach, not only after. The community 4-week clock runs per
*spell*: referrals open at the same time, or opened within 5 days of the previous one
closing, are one spell, so a person bounced between services does not restart their wait.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hubs.core.types import today as utc_today

FOUR_WEEK_TARGET_DAYS = 28
EIP_TARGET_DAYS = 14
SPELL_JOIN_DAYS = 5
WARNING_DAYS = 7


class ClockState(enum.StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"


@dataclass(frozen=True)
class ClockReading:
    """One clock as staff, managers and the person see it."""

    name: str
    started_on: dt.date
    stopped_on: dt.date | None
    target_days: int
    days_elapsed: int
    days_left: int

    @property
    def is_stopped(self) -> bool:
        return self.stopped_on is not None

    @property
    def is_breached(self) -> bool:
        return self.days_elapsed > self.target_days

    @property
    def due_on(self) -> dt.date:
        return self.started_on + dt.timedelta(days=self.target_days)

    @property
    def state(self) -> ClockState:
        if self.is_stopped:
            return ClockState.MET_LATE if self.is_breached else ClockState.MET
        if self.is_breached:
            return ClockState.BREACHED
        return ClockState.DUE_SOON if self.days_left <= WARNING_DAYS else ClockState.ON_TRACK


def read_clock(
    name: str,
    started_on: dt.date,
    stopped_on: dt.date | None,
    target_days: int,
    today: dt.date | None = None,
) -> ClockReading:
    """Days elapsed run to the stop date if stopped, else to today."""
    end = stopped_on or (today or utc_today())
    elapsed = max(0, (end - started_on).days)
    return ClockReading(name, started_on, stopped_on, target_days, elapsed, target_days - elapsed)


@dataclass(frozen=True)
class ReferralSpan:
    referral_id: int
    received_on: dt.date
    closed_on: dt.date | None


@dataclass(frozen=True)
class Spell:
    referral_ids: tuple[int, ...]
    started_on: dt.date
    ended_on: dt.date | None  # None while any referral in it is open


def group_spells(spans: Iterable[ReferralSpan]) -> list[Spell]:
    """Join referrals into spells: overlapping, or opened within 5 days of the last closing."""
    spells: list[Spell] = []
    for span in sorted(spans, key=lambda s: (s.received_on, s.referral_id)):
        current = spells[-1] if spells else None
        if current is not None and _joins(current, span):
            spells[-1] = Spell(
                (*current.referral_ids, span.referral_id),
                current.started_on,
                _later_end(current.ended_on, span.closed_on),
            )
        else:
            spells.append(Spell((span.referral_id,), span.received_on, span.closed_on))
    return spells


def _joins(spell: Spell, span: ReferralSpan) -> bool:
    if spell.ended_on is None:
        return True
    return (span.received_on - spell.ended_on).days <= SPELL_JOIN_DAYS


def _later_end(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return None if a is None or b is None else max(a, b)


def spell_for(spans: Sequence[ReferralSpan], referral_id: int) -> Spell:
    for spell in group_spells(spans):
        if referral_id in spell.referral_ids:
            return spell
    raise KeyError(referral_id)


@dataclass(frozen=True)
class Milestones:
    """The dated events that stop the community 4-week clock (supplied by later features)."""

    assessment_on: dt.date | None = None
    care_plan_agreed_on: dt.date | None = None
    first_intervention_on: dt.date | None = None
    baseline_measure_on: dt.date | None = None
    second_contact_on: dt.date | None = None

    @property
    def four_week_stop(self) -> dt.date | None:
        """The day the last of the four required events happened, once all have."""
        needed = (
            self.assessment_on,
            self.care_plan_agreed_on,
            self.first_intervention_on,
            self.baseline_measure_on,
        )
        return None if any(d is None for d in needed) else max(needed)  # type: ignore[type-var]


def four_week_clock(
    spell: Spell, milestones: Milestones, today: dt.date | None = None
) -> ClockReading:
    """Community Mental Health Framework 4-week wait, from the spell's first referral."""
    return read_clock(
        "4-week wait", spell.started_on, milestones.four_week_stop, FOUR_WEEK_TARGET_DAYS, today
    )


def second_contact_clock(
    spell: Spell, milestones: Milestones, today: dt.date | None = None
) -> ClockReading:
    """The interim measure: referral to second contact."""
    return read_clock(
        "Second contact",
        spell.started_on,
        milestones.second_contact_on,
        FOUR_WEEK_TARGET_DAYS,
        today,
    )


def eip_clock(
    received_on: dt.date, treatment_started_on: dt.date | None, today: dt.date | None = None
) -> ClockReading:
    """EIP 2-week standard: referral to acceptance with a care coordinator and package started."""
    return read_clock("EIP 2-week", received_on, treatment_started_on, EIP_TARGET_DAYS, today)
