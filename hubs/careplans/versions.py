"""Pure helpers for versioned plans: review state, comparing versions, stale-edit checks."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hubs.core.errors import Conflict

CARE_PLAN_REVIEW_MONTHS = 12
CARE_PLAN_DUE_SOON_MONTHS = 11
SAFETY_PLAN_REVIEW_MONTHS = 3
SAFETY_PLAN_DUE_SOON_DAYS = 14


class ReviewState(enum.StrEnum):
    NONE = "none"  # no agreed plan yet
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class PlanReview:
    state: ReviewState
    review_due_on: dt.date | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (the last day if it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def care_plan_review(
    agreed_on: dt.date | None, review_due_on: dt.date | None, today: dt.date
) -> PlanReview:
    """Due at 12 months at the latest (sooner if the plan says); due soon from 11 months."""
    if agreed_on is None or review_due_on is None:
        return PlanReview(ReviewState.NONE)
    soon = min(
        add_months(agreed_on, CARE_PLAN_DUE_SOON_MONTHS), review_due_on - dt.timedelta(days=30)
    )
    return _review(review_due_on, soon, today)


def safety_plan_review(review_due_on: dt.date | None, today: dt.date) -> PlanReview:
    if review_due_on is None:
        return PlanReview(ReviewState.NONE)
    return _review(
        review_due_on, review_due_on - dt.timedelta(days=SAFETY_PLAN_DUE_SOON_DAYS), today
    )


def _review(due: dt.date, soon: dt.date, today: dt.date) -> PlanReview:
    if today > due:
        return PlanReview(ReviewState.OVERDUE, due)
    return PlanReview(ReviewState.DUE_SOON if today >= soon else ReviewState.OK, due)


@dataclass(frozen=True)
class Change:
    section: str
    before: Any
    after: Any


def compare(before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]) -> list[Change]:
    """The sections that differ between two versions, in the order of `labels`."""
    return [
        Change(label, before.get(key), after.get(key))
        for key, label in labels.items()
        if before.get(key) != after.get(key)
    ]


def refuse_stale(
    current_revision: int,
    form_revision: int | None,
    who: str,
    when: dt.datetime,
    changes: Sequence[Change],
) -> None:
    """A save carrying an older revision than the stored one is a conflict, never an overwrite."""
    if form_revision is None or form_revision == current_revision:
        return
    changed = ", ".join(c.section for c in changes) or "no sections (only its revision)"
    raise Conflict(
        f"{who} saved this plan at {when.strftime('%H:%M on %-d %B %Y')} after you opened it. "
        f"Changed since: {changed}. Your edits were not saved: reload, then make them again.",
        field="revision",
    )


def flush_or_conflict(session: Session, what: str = "plan") -> None:
    """Flush a plan's changes; a race the revision check could not see becomes a conflict.

    Two saves of one version race past the revision check (the version counter catches the
    second), or two editors start the same new version at once (version numbers are unique).
    """
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            f"Someone else saved this {what} at the same moment. Reload and try again.",
            field="revision",
        ) from None
    except sa.exc.IntegrityError:
        raise Conflict(
            f"Someone else started a new version of this {what} at the same moment. "
            "Reload and try again.",
            field="revision",
        ) from None
