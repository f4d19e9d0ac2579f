"""The SMI physical health check rule: all six elements within 12 months (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

import time_machine

from hubs.core.types import today
from hubs.trackers.models import HealthCheckElement as E
from hubs.trackers.rules import health_check_status, months_before

DAY = dt.date(2026, 6, 30)


def _all(on: dt.date) -> list[tuple[E, dt.date]]:
    return [(element, on) for element in E]


def test_check_is_complete_when_all_six_elements_were_done_within_12_months():
    status = health_check_status(_all(DAY - dt.timedelta(days=100)), DAY)
    assert status.is_complete and status.missing == []


def test_check_is_incomplete_when_any_one_element_is_missing():
    records = [(e, DAY) for e in E if e != E.CHOLESTEROL]
    status = health_check_status(records, DAY)
    assert not status.is_complete and status.missing == [E.CHOLESTEROL]


def test_an_element_done_exactly_12_months_ago_still_counts_and_a_day_earlier_does_not():
    on_the_day = [*((e, DAY) for e in E if e != E.BMI), (E.BMI, dt.date(2025, 6, 30))]
    a_day_older = [*((e, DAY) for e in E if e != E.BMI), (E.BMI, dt.date(2025, 6, 29))]
    assert health_check_status(on_the_day, DAY).is_complete
    assert health_check_status(a_day_older, DAY).missing == [E.BMI]


def test_the_latest_record_of_an_element_is_the_one_that_counts():
    records = [*_all(dt.date(2024, 1, 1)), (E.ALCOHOL, DAY - dt.timedelta(days=3))]
    status = health_check_status(records, DAY)
    assert status.latest[E.ALCOHOL] == DAY - dt.timedelta(days=3)
    assert E.ALCOHOL not in status.missing and E.BMI in status.missing


def test_a_record_dated_in_the_future_does_not_count():
    status = health_check_status(_all(DAY + dt.timedelta(days=1)), DAY)
    assert len(status.missing) == 6


def test_complete_until_is_12_months_after_the_oldest_element():
    records = [*((e, DAY) for e in E if e != E.GLUCOSE), (E.GLUCOSE, dt.date(2026, 2, 10))]
    assert health_check_status(records, DAY).complete_until == dt.date(2027, 2, 10)


def test_12_months_before_29_february_is_28_february():
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)


def test_a_complete_check_lapses_when_its_oldest_element_turns_a_year_old():
    records = _all(dt.date(2026, 3, 15))
    with time_machine.travel(dt.datetime(2027, 3, 15, 12, tzinfo=dt.UTC), tick=False):
        assert health_check_status(records, today()).is_complete
    with time_machine.travel(dt.datetime(2027, 3, 16, 12, tzinfo=dt.UTC), tick=False):
        assert health_check_status(records, today()).missing == list(E)
