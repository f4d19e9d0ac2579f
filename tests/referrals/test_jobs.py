"""Clock breach warnings: 7 days before and on breach, to the right people, once each."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.referrals import services
from hubs.referrals.jobs import clock_breach_warnings
from hubs.referrals.models import ClockEvent, ClockEventKind, Priority

NOW = dt.datetime.combine(dt.date.today(), dt.time(6), tzinfo=dt.UTC)
TODAY = NOW.date()


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _tasks() -> list[tuple[str, int, str]]:
    rows = db.session.scalars(sa.select(StaffTask).order_by(StaffTask.recipient_id, StaffTask.id))
    return [(t.kind, t.recipient_id, t.dedupe_key) for t in rows]


def _accept(world, referral, lead=None):
    nurse = world.users["clinician"]
    services.triage(db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE)
    return services.accept(db.session, nurse, referral, lead_worker_id=(lead or nurse).id)


def test_a_waiting_referral_7_days_from_breach_alerts_the_hubs_managers_once(
    db, world, make_referral
):
    # A name no title could contain by chance (a generated "May" is also a month).
    world.person_a.given_name, world.person_a.family_name = "Ottoline", "Quarrington"
    referral = make_referral(received_on=_days_ago(21))
    assert clock_breach_warnings(NOW) == 1
    assert clock_breach_warnings(NOW) == 0  # the same period again: nothing new
    assert clock_breach_warnings(NOW + dt.timedelta(days=1)) == 0  # still the same warning
    manager = world.users["manager"].id
    due = (_days_ago(21) + dt.timedelta(days=28)).isoformat()
    assert _tasks() == [("clock_warning", manager, f"clock_warning:{referral.id}:four_week:{due}")]
    task = db.session.scalar(sa.select(StaffTask))
    assert task.person_id == world.person_a.id and task.link == f"/referrals/{referral.id}"
    assert "7 days left" in task.title
    assert "Quarrington" not in task.title and "Ottoline" not in task.title


def test_a_referral_not_yet_7_days_from_breach_raises_nothing(db, world, make_referral):
    make_referral(received_on=_days_ago(20))
    assert clock_breach_warnings(NOW) == 0


def test_a_breached_waiting_referral_alerts_the_managers_once_more(db, world, make_referral):
    referral = make_referral(received_on=_days_ago(21))
    clock_breach_warnings(NOW)
    later = NOW + dt.timedelta(days=8)
    assert clock_breach_warnings(later) == 1
    assert clock_breach_warnings(later) == 0
    kinds = [kind for kind, _, _ in _tasks()]
    assert kinds == ["clock_warning", "clock_breach"]
    assert f"clock_breach:{referral.id}:four_week" in _tasks()[1][2]


def test_an_accepted_referral_warns_its_lead_worker_and_a_breach_adds_the_managers(
    db, world, make_referral
):
    referral = make_referral(received_on=_days_ago(22))
    _accept(world, referral, lead=world.users["clinician"])
    assert clock_breach_warnings(NOW) == 1
    assert [r for _, r, _ in _tasks()] == [world.users["clinician"].id]
    assert clock_breach_warnings(NOW + dt.timedelta(days=7)) == 2
    breach = {r for kind, r, _ in _tasks() if kind == "clock_breach"}
    assert breach == {world.users["clinician"].id, world.users["manager"].id}


def test_a_lead_worker_who_has_left_is_covered_by_the_managers(db, world, make_referral):
    referral = make_referral(received_on=_days_ago(21))
    _accept(world, referral)
    world.users["clinician"].is_active = False
    clock_breach_warnings(NOW)
    assert [r for _, r, _ in _tasks()] == [world.users["manager"].id]


def test_a_stopped_clock_raises_nothing(db, world, make_referral):
    referral = make_referral(received_on=_days_ago(25))
    _accept(world, referral)
    for kind in (
        ClockEventKind.ASSESSMENT,
        ClockEventKind.CARE_PLAN_AGREED,
        ClockEventKind.FIRST_INTERVENTION,
        ClockEventKind.BASELINE_MEASURE,
    ):
        db.session.add(
            ClockEvent(
                person_id=world.person_a.id,
                referral_id=referral.id,
                kind=kind,
                occurred_on=_days_ago(2),
            )
        )
    db.session.flush()
    assert clock_breach_warnings(NOW) == 0


def test_the_eip_two_week_clock_warns_a_week_before(db, world, make_referral, named_services):
    referral = make_referral(received_on=_days_ago(7), service_id=named_services.aspire.id)
    clock_breach_warnings(NOW)
    keys = [key for _, _, key in _tasks()]
    assert any(key.startswith(f"clock_warning:{referral.id}:eip:") for key in keys)


def test_closed_referrals_raise_nothing(db, world, make_referral):
    referral = make_referral(received_on=_days_ago(21))
    services.withdraw(db.session, world.users["clinician"], referral, reason="Feels better")
    assert clock_breach_warnings(NOW) == 0
