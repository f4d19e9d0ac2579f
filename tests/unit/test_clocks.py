"""The waiting-time clocks: spells, stops, days left and breaches (time-machine, no sleeps)."""

import datetime as dt

import time_machine

from hubs.referrals.clocks import (
    ClockState,
    Milestones,
    ReferralSpan,
    Spell,
    eip_clock,
    four_week_clock,
    group_spells,
    second_contact_clock,
    spell_for,
)

D = dt.date


def test_clock_counts_days_left_from_the_spell_start_using_todays_date():
    spell = Spell((1,), D(2026, 3, 1), None)
    with time_machine.travel(dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC), tick=False):
        reading = four_week_clock(spell, Milestones())
    assert (reading.days_elapsed, reading.days_left) == (10, 18)
    assert reading.state == ClockState.ON_TRACK
    assert reading.due_on == D(2026, 3, 29)


def test_clock_is_due_soon_when_seven_days_or_fewer_are_left():
    spell = Spell((1,), D(2026, 3, 1), None)
    with time_machine.travel(dt.datetime(2026, 3, 22, tzinfo=dt.UTC), tick=False):
        due_soon = four_week_clock(spell, Milestones())
    assert due_soon.days_left == 7 and due_soon.state == ClockState.DUE_SOON
    with time_machine.travel(dt.datetime(2026, 3, 21, tzinfo=dt.UTC), tick=False):
        assert four_week_clock(spell, Milestones()).state == ClockState.ON_TRACK


def test_clock_breaches_after_day_twenty_eight_not_on_it():
    spell = Spell((1,), D(2026, 3, 1), None)
    with time_machine.travel(dt.datetime(2026, 3, 29, tzinfo=dt.UTC), tick=False):
        on_day = four_week_clock(spell, Milestones())
    with time_machine.travel(dt.datetime(2026, 3, 30, tzinfo=dt.UTC), tick=False):
        after = four_week_clock(spell, Milestones())
    assert not on_day.is_breached and on_day.days_left == 0
    assert after.is_breached and after.days_left == -1 and after.state == ClockState.BREACHED


def test_four_week_clock_stops_only_when_all_four_events_have_happened():
    spell = Spell((1,), D(2026, 3, 1), None)
    three = Milestones(D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12), None)
    assert four_week_clock(spell, three, today=D(2026, 3, 20)).stopped_on is None
    four = Milestones(D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 12), D(2026, 3, 6))
    reading = four_week_clock(spell, four, today=D(2026, 6, 1))
    assert reading.stopped_on == D(2026, 3, 12)
    assert reading.days_elapsed == 11 and reading.state == ClockState.MET


def test_a_clock_stopped_after_the_target_is_met_late_and_counts_as_breached():
    spell = Spell((1,), D(2026, 3, 1), None)
    late = Milestones(D(2026, 3, 5), D(2026, 4, 2), D(2026, 3, 12), D(2026, 3, 6))
    reading = four_week_clock(spell, late, today=D(2026, 6, 1))
    assert reading.state == ClockState.MET_LATE and reading.is_breached


def test_referrals_open_at_the_same_time_form_one_spell():
    spans = [ReferralSpan(1, D(2026, 1, 1), D(2026, 2, 1)), ReferralSpan(2, D(2026, 1, 20), None)]
    assert group_spells(spans) == [Spell((1, 2), D(2026, 1, 1), None)]


def test_a_referral_opened_within_five_days_of_the_last_closing_joins_its_spell():
    spans = [ReferralSpan(1, D(2026, 1, 1), D(2026, 1, 10)), ReferralSpan(2, D(2026, 1, 15), None)]
    spell = spell_for(spans, 2)
    assert spell.started_on == D(2026, 1, 1) and spell.referral_ids == (1, 2)


def test_a_referral_opened_six_days_after_the_last_closing_starts_a_new_spell():
    spans = [ReferralSpan(1, D(2026, 1, 1), D(2026, 1, 10)), ReferralSpan(2, D(2026, 1, 16), None)]
    spells = group_spells(spans)
    assert [s.referral_ids for s in spells] == [(1,), (2,)]
    assert spell_for(spans, 2).started_on == D(2026, 1, 16)


def test_spell_chain_keeps_the_first_start_across_several_handoffs():
    spans = [
        ReferralSpan(3, D(2026, 1, 20), D(2026, 2, 1)),
        ReferralSpan(1, D(2026, 1, 1), D(2026, 1, 10)),
        ReferralSpan(2, D(2026, 1, 14), D(2026, 1, 21)),
    ]
    assert group_spells(spans) == [Spell((1, 2, 3), D(2026, 1, 1), D(2026, 2, 1))]


def test_second_contact_is_reported_as_an_interim_measure():
    spell = Spell((1,), D(2026, 3, 1), None)
    reading = second_contact_clock(spell, Milestones(second_contact_on=D(2026, 3, 9)))
    assert reading.stopped_on == D(2026, 3, 9) and reading.days_elapsed == 8


def test_eip_two_week_clock_targets_fourteen_days():
    with time_machine.travel(dt.datetime(2026, 3, 16, tzinfo=dt.UTC), tick=False):
        waiting = eip_clock(D(2026, 3, 1), None)
    assert waiting.is_breached and waiting.days_left == -1
    met = eip_clock(D(2026, 3, 1), D(2026, 3, 13), today=D(2026, 5, 1))
    assert met.state == ClockState.MET and met.days_elapsed == 12
