"""Caseload rules as pure functions: need weighting and the flags a worker should act on.

The weighting is declared here and shown on the manager's page; a trust can change it with
the `CASELOAD_WEIGHTS` setting (e.g. `{"high": 4, "moderate": 2, "low": 1}`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from hubs.careplans.versioning import PlanReview, ReviewState
from hubs.referrals.models import Severity
from hubs.trackers.rules import HealthCheckStatus

#: Each person counts by their highest need: someone with a high-severity need takes about
#: three times the time of someone whose needs are all low (the Leeds review: caseloads were
#: "not always based on need").
DEFAULT_WEIGHTS: dict[Severity, int] = {Severity.HIGH: 3, Severity.MODERATE: 2, Severity.LOW: 1}

#: Flag someone with no contact for longer than this (DESIGN: no one is left without contact).
NO_CONTACT_DAYS = 28


@dataclass(frozen=True)
class Weighting:
    weights: Mapping[Severity, int]

    def weight(self, severity: Severity | None) -> int:
        """A person's weight; with no need recorded they count as moderate, not as nothing."""
        return self.weights[severity or Severity.MODERATE]

    def describe(self) -> str:
        order = (Severity.HIGH, Severity.MODERATE, Severity.LOW)
        parts = ", ".join(f"{s.value} {self.weights[s]}" for s in order)
        return f"Each person counts by their highest need: {parts}."


def weighting_from(setting: Mapping[str, int] | None) -> Weighting:
    """The weighting in force: the setting, checked, or the declared default."""
    if not setting:
        return Weighting(DEFAULT_WEIGHTS)
    try:
        weights = {Severity(key): int(value) for key, value in setting.items()}
    except (ValueError, TypeError) as error:
        raise ValueError(f"CASELOAD_WEIGHTS: {error}") from error
    if set(weights) != set(Severity) or any(w < 1 for w in weights.values()):
        raise ValueError("CASELOAD_WEIGHTS needs a positive whole number for high, moderate, low")
    return Weighting(weights)


class Flag(enum.StrEnum):
    NO_RECENT_CONTACT = "no_recent_contact"
    REVIEW_OVERDUE = "review_overdue"
    HEALTH_CHECK_INCOMPLETE = "health_check_incomplete"

    @property
    def label(self) -> str:
        return {
            "no_recent_contact": f"No contact in {NO_CONTACT_DAYS} days",
            "review_overdue": "Plan review overdue",
            "health_check_incomplete": "Physical health check incomplete",
        }[self.value]


@dataclass(frozen=True)
class PersonPlanReviews:
    """The review state of a person's current care plan and safety plan."""

    care_plan: PlanReview
    safety_plan: PlanReview


NO_PLANS = PersonPlanReviews(PlanReview(ReviewState.NONE), PlanReview(ReviewState.NONE))


def has_gone_without_contact(
    last_contact_on: dt.date | None, allocated_on: dt.date, today: dt.date
) -> bool:
    """No contact for more than 28 days: counted from the last contact, or from allocation
    for someone not yet seen (a person waiting for their first contact is not forgotten)."""
    since = last_contact_on or allocated_on
    return (today - since).days > NO_CONTACT_DAYS


def is_review_overdue(plans: PersonPlanReviews) -> bool:
    return ReviewState.OVERDUE in {plans.care_plan.state, plans.safety_plan.state}


def flags_for(
    *,
    last_contact_on: dt.date | None,
    allocated_on: dt.date,
    plans: PersonPlanReviews,
    health: HealthCheckStatus,
    today: dt.date,
) -> list[Flag]:
    flags = []
    if has_gone_without_contact(last_contact_on, allocated_on, today):
        flags.append(Flag.NO_RECENT_CONTACT)
    if is_review_overdue(plans):
        flags.append(Flag.REVIEW_OVERDUE)
    if not health.is_complete:
        flags.append(Flag.HEALTH_CHECK_INCOMPLETE)
    return flags
