"""The caseload weighting and flags, as pure rules (time-machine for the dates)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from hubs.careplans.versioning import PlanReview, ReviewState
from hubs.caseloads.rules import (
    DEFAULT_WEIGHTS,
    NO_PLANS,
    Flag,
    PersonPlanReviews,
    flags_for,
    has_gone_without_contact,
    weighting_from,
)
from hubs.core.types import today
from hubs.referrals.models import Severity
from hubs.trackers.models import HealthCheckElement
from hubs.trackers.rules import health_check_status

DAY = dt.date(2026, 6, 30)
COMPLETE = health_check_status([(e, DAY) for e in HealthCheckElement], DAY)


def test_each_person_weighs_by_their_highest_need_high_3_moderate_2_low_1():
    weighting = weighting_from(None)
    assert [weighting.weight(s) for s in (Severity.HIGH, Severity.MODERATE, Severity.LOW)] == [
        3,
        2,
        1,
    ]
    assert weighting.weights == DEFAULT_WEIGHTS


def test_a_person_with_no_need_recorded_weighs_as_moderate_not_nothing():
    assert weighting_from(None).weight(None) == 2


def test_the_weighting_is_configurable_and_described_in_words():
    weighting = weighting_from({"high": 5, "moderate": 2, "low": 1})
    assert weighting.weight(Severity.HIGH) == 5
    assert weighting.describe() == (
        "Each person counts by their highest need: high 5, moderate 2, low 1."
    )


@pytest.mark.parametrize(
    "setting",
    [{"high": 3, "moderate": 2}, {"high": 3, "moderate": 2, "low": 0}, {"urgent": 1}],
    ids=["missing-level", "zero-weight", "unknown-level"],
)
def test_an_incomplete_or_nonsensical_weighting_setting_is_refused(setting):
    with pytest.raises(ValueError, match="CASELOAD_WEIGHTS"):
        weighting_from(setting)


def test_no_contact_flag_is_raised_after_28_days_counting_from_the_last_contact():
    last = dt.date(2026, 6, 1)
    with time_machine.travel(dt.datetime(2026, 6, 29, 12, tzinfo=dt.UTC), tick=False):
        assert not has_gone_without_contact(last, dt.date(2026, 1, 1), today())  # 28 days
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC), tick=False):
        assert has_gone_without_contact(last, dt.date(2026, 1, 1), today())  # 29 days


def test_someone_never_contacted_is_flagged_28_days_after_allocation_not_at_once():
    allocated_on = dt.date(2026, 6, 10)
    with time_machine.travel(dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC), tick=False):
        assert not has_gone_without_contact(None, allocated_on, today())
    with time_machine.travel(dt.datetime(2026, 7, 9, 12, tzinfo=dt.UTC), tick=False):
        assert has_gone_without_contact(None, allocated_on, today())


def _plans(care: ReviewState, safety: ReviewState = ReviewState.OK) -> PersonPlanReviews:
    return PersonPlanReviews(PlanReview(care), PlanReview(safety))


@pytest.mark.parametrize(
    ("plans", "flagged"),
    [
        (_plans(ReviewState.OVERDUE), True),
        (_plans(ReviewState.OK, ReviewState.OVERDUE), True),
        (_plans(ReviewState.DUE_SOON, ReviewState.DUE_SOON), False),
        (NO_PLANS, False),
    ],
    ids=["care-plan-overdue", "safety-plan-overdue", "due-soon", "no-plans"],
)
def test_review_overdue_flag_is_raised_when_either_plan_is_overdue(plans, flagged):
    flags = flags_for(
        last_contact_on=DAY, allocated_on=DAY, plans=plans, health=COMPLETE, today=DAY
    )
    assert (Flag.REVIEW_OVERDUE in flags) is flagged


def test_health_check_flag_is_raised_while_the_check_is_incomplete():
    incomplete = health_check_status([], DAY)
    flags = flags_for(
        last_contact_on=DAY, allocated_on=DAY, plans=NO_PLANS, health=incomplete, today=DAY
    )
    assert flags == [Flag.HEALTH_CHECK_INCOMPLETE]
    assert (
        flags_for(last_contact_on=DAY, allocated_on=DAY, plans=NO_PLANS, health=COMPLETE, today=DAY)
        == []
    )
