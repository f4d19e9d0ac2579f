"""Signposting follow-ups: the worker is reminded on the follow-up date, once per date."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.support.jobs import signposting_follow_ups
from hubs.support.models import SignpostingOutcome
from tests import factories

NOW = dt.datetime.combine(dt.date.today(), dt.time(6), tzinfo=dt.UTC)
TODAY = NOW.date()


def _signposting(world, follow_up_in_days: int = 0):
    return factories.SignpostingFactory(
        person=world.person_a,
        service__name="Walking group",
        worker=world.users["clinician"],
        signposted_on=TODAY - dt.timedelta(days=14),
        follow_up_on=TODAY + dt.timedelta(days=follow_up_in_days),
    )


def _tasks() -> list[StaffTask]:
    return list(db.session.scalars(sa.select(StaffTask).order_by(StaffTask.id)))


def test_a_follow_up_due_today_reminds_the_worker_once(db, world):
    record = _signposting(world)
    assert signposting_follow_ups(NOW) == 1
    assert signposting_follow_ups(NOW) == 0
    [task] = _tasks()
    assert task.recipient_id == world.users["clinician"].id
    assert task.kind == "signposting_follow_up" and "Walking group" in task.title
    assert task.link == f"/support/signpostings/{record.id}/outcome"


def test_a_follow_up_not_yet_due_or_already_answered_raises_nothing(db, world):
    record = _signposting(world, follow_up_in_days=3)
    assert signposting_follow_ups(NOW) == 0
    record.follow_up_on = TODAY
    record.outcome = SignpostingOutcome.ATTENDED
    assert signposting_follow_ups(NOW) == 0


def test_not_yet_moves_the_reminder_to_the_new_date(db, world):
    record = _signposting(world)
    signposting_follow_ups(NOW)
    record.follow_up_on = TODAY + dt.timedelta(days=7)
    later = NOW + dt.timedelta(days=7)
    assert signposting_follow_ups(later) == 1
    assert len(_tasks()) == 2


def test_a_worker_who_has_left_is_covered_by_their_hubs_managers(db, world):
    _signposting(world)
    world.users["clinician"].is_active = False
    signposting_follow_ups(NOW)
    assert [t.recipient_id for t in _tasks()] == [world.users["manager"].id]
