"""The scheduler lease: one holder at a time, renewals, takeover after expiry (time-machine)."""

from __future__ import annotations

import datetime as dt
import random

import time_machine

from hubs.core.leases import current_holder, release, try_acquire
from hubs.core.types import utcnow

T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=120)


def _take(db, holder: str) -> bool:
    return try_acquire(db.session, holder, now=utcnow(), ttl=TTL)


def test_the_first_scheduler_takes_the_lease_and_a_second_stands_by(db):
    with time_machine.travel(T0, tick=False) as clock:
        assert _take(db, "scheduler-a")
        clock.shift(dt.timedelta(seconds=5))
        assert not _take(db, "scheduler-b")
        assert current_holder(db.session, now=utcnow()) == "scheduler-a"


def test_the_leader_keeps_the_lease_by_renewing_it(db):
    with time_machine.travel(T0, tick=False) as clock:
        assert _take(db, "scheduler-a")
        for _ in range(10):  # heartbeats well inside the lease
            clock.shift(TTL / 2)
            assert _take(db, "scheduler-a")
            assert not _take(db, "scheduler-b")


def test_a_standby_takes_over_once_the_leaders_lease_expires(db):
    with time_machine.travel(T0, tick=False) as clock:
        assert _take(db, "scheduler-a")
        clock.shift(TTL - dt.timedelta(seconds=1))
        assert not _take(db, "scheduler-b")  # not yet
        clock.shift(dt.timedelta(seconds=1))
        assert _take(db, "scheduler-b")  # the leader stopped renewing: take over
        assert current_holder(db.session, now=utcnow()) == "scheduler-b"
        assert not _take(db, "scheduler-a")  # the old leader, back, now stands by


def test_releasing_the_lease_lets_the_standby_take_over_at_once(db):
    with time_machine.travel(T0, tick=False):
        assert _take(db, "scheduler-a")
        release(db.session, "scheduler-a", now=utcnow())
        assert current_holder(db.session, now=utcnow()) is None
        assert _take(db, "scheduler-b")


def test_only_the_holder_can_release_the_lease(db):
    with time_machine.travel(T0, tick=False):
        assert _take(db, "scheduler-a")
        release(db.session, "scheduler-b", now=utcnow())
        assert current_holder(db.session, now=utcnow()) == "scheduler-a"


def test_two_schedulers_never_both_hold_the_lease_whatever_the_timing(db):
    """Random heartbeats and pauses from two processes over a simulated day: the periods in
    which each believes it holds the lease never overlap."""
    rng = random.Random(20261123)
    held_until = {"scheduler-a": T0 - TTL, "scheduler-b": T0 - TTL}
    takeovers = 0
    last_holder = None
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(600):
            clock.shift(dt.timedelta(seconds=rng.choice([1, 10, 30, 60, 119, 121, 300])))
            holder = rng.choice(list(held_until))
            now = utcnow()
            if _take(db, holder):
                other = next(h for h in held_until if h != holder)
                assert held_until[other] <= now, "two schedulers held the lease at once"
                held_until[holder] = now + TTL
                takeovers += holder != last_holder
                last_holder = holder
    assert takeovers > 5  # the sequence did exercise takeovers, not only renewals
