"""The triage queue and clocks computed from stored referrals and clock events."""

from __future__ import annotations

import datetime as dt

import time_machine

from hubs.extensions import db
from hubs.referrals import queries, services
from hubs.referrals.clocks import ClockState
from hubs.referrals.models import ClockEventKind, Priority
from hubs.referrals.states import ReferralStatus

TODAY = dt.date(2026, 6, 30)


def _travel():
    return time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC), tick=False)


def test_queue_puts_the_most_urgent_first_then_the_longest_waiting(make_referral, world):
    with _travel():
        routine_old = make_referral(priority=Priority.ROUTINE, received_on=dt.date(2026, 6, 1))
        urgent_new = make_referral(priority=Priority.URGENT, received_on=dt.date(2026, 6, 28))
        routine_new = make_referral(priority=Priority.ROUTINE, received_on=dt.date(2026, 6, 20))
        page = queries.triage_queue(db.session, world.users["clinician"], queries.QueueFilters())
    assert [r.id for r in page.items] == [urgent_new.id, routine_old.id, routine_new.id]


def test_queue_shows_only_referrals_to_the_actors_hubs(make_referral, world):
    mine = make_referral()
    other = make_referral(person=world.person_b, actor=world.users["other_hub_clinician"])
    ids = {
        r.id
        for r in queries.triage_queue(
            db.session, world.users["clinician"], queries.QueueFilters()
        ).items
    }
    assert mine.id in ids and other.id not in ids


def test_queue_filters_by_priority_and_status(make_referral, world):
    urgent = make_referral(priority=Priority.URGENT)
    make_referral(priority=Priority.ROUTINE)
    page = queries.triage_queue(
        db.session, world.users["clinician"], queries.QueueFilters(priority=Priority.URGENT)
    )
    assert [r.id for r in page.items] == [urgent.id]
    closed = queries.triage_queue(
        db.session, world.users["clinician"], queries.QueueFilters(status=ReferralStatus.WITHDRAWN)
    )
    assert closed.items == []


def test_clock_runs_from_the_first_referral_of_a_spell(make_referral, world):
    with _travel():
        first = make_referral(received_on=dt.date(2026, 6, 1))
        services.withdraw(
            db.session, world.users["clinician"], first, reason="Moved to other support"
        )
        first.closed_on = dt.date(2026, 6, 10)
        second = make_referral(received_on=dt.date(2026, 6, 14))
        reading = queries.clocks_for_many(db.session, [second])[second.id].four_week
    assert reading.started_on == dt.date(2026, 6, 1) and reading.days_elapsed == 29
    assert reading.state == ClockState.BREACHED


def test_four_week_clock_stops_when_assessment_plan_intervention_and_baseline_are_recorded(
    make_referral, world
):
    with _travel():
        referral = make_referral(received_on=dt.date(2026, 6, 1))
        for kind, day in [
            (ClockEventKind.ASSESSMENT, 5),
            (ClockEventKind.CARE_PLAN_AGREED, 12),
            (ClockEventKind.FIRST_INTERVENTION, 15),
        ]:
            services.record_clock_event(db.session, referral.person_id, kind, dt.date(2026, 6, day))
        running = queries.clocks_for_many(db.session, [referral])[referral.id].four_week
        services.record_clock_event(
            db.session, referral.person_id, ClockEventKind.BASELINE_MEASURE, dt.date(2026, 6, 8)
        )
        stopped = queries.clocks_for_many(db.session, [referral])[referral.id].four_week
    assert running.stopped_on is None and running.state == ClockState.BREACHED
    assert stopped.stopped_on == dt.date(2026, 6, 15) and stopped.state == ClockState.MET


def test_eip_clock_applies_to_referrals_to_early_intervention(make_referral, world, named_services):
    with _travel():
        referral = make_referral(
            service_id=named_services.aspire.id, received_on=dt.date(2026, 6, 20)
        )
        clocks = queries.clocks_for_many(db.session, [referral])[referral.id]
    assert clocks.eip is not None and clocks.eip.days_left == 4 and clocks.headline is clocks.eip
    team = make_referral(person=world.person_a)
    assert queries.clocks_for_many(db.session, [team])[team.id].eip is None


def test_eip_clock_stops_when_the_package_starts_on_acceptance(
    make_referral, world, named_services
):
    with _travel():
        referral = make_referral(
            service_id=named_services.aspire.id, received_on=dt.date(2026, 6, 10)
        )
        nurse = world.users["clinician"]
        services.triage(
            db.session,
            nurse,
            referral,
            rationale="Possible first episode",
            priority=Priority.URGENT,
        )
        services.accept(
            db.session,
            nurse,
            referral,
            lead_worker_id=nurse.id,
            package_started_on=dt.date(2026, 6, 20),
        )
        eip = queries.clocks_for_many(db.session, [referral])[referral.id].eip
    assert eip.stopped_on == dt.date(2026, 6, 20) and eip.state == ClockState.MET


def test_care_plan_agreed_after_acceptance_still_stops_the_four_week_clock(make_referral, world):
    # Acceptance closes the referral, but care goes on in its episode: the spell stays open
    # until the episode finishes, so milestones after acceptance count.
    with _travel():
        referral = make_referral(received_on=dt.date(2026, 6, 1))
        nurse = world.users["clinician"]
        services.triage(db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE)
        services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
        referral.closed_on = dt.date(2026, 6, 5)  # accepted on the 5th
        for kind, day in [
            (ClockEventKind.ASSESSMENT, 8),
            (ClockEventKind.CARE_PLAN_AGREED, 20),
            (ClockEventKind.FIRST_INTERVENTION, 21),
            (ClockEventKind.BASELINE_MEASURE, 8),
        ]:
            services.record_clock_event(db.session, referral.person_id, kind, dt.date(2026, 6, day))
        reading = queries.clocks_for_many(db.session, [referral])[referral.id].four_week
    assert reading.stopped_on == dt.date(2026, 6, 21) and reading.state == ClockState.MET
