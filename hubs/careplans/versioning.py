"""Versioned plans, written once for care plans and safety plans (DESIGN §3 rule 8).

Every version of a plan is its own row and is never overwritten: draft → agreed (with the
person) → under review → superseded (`states.PLAN_STATES`). An edit after agreement starts
a new draft version while the agreed one stays in force; agreeing a draft supersedes the
versions in force; a save carrying an older revision than the stored one (the `revision`
the editor read) is refused as a 409 conflict that names what changed, never a silent
overwrite. A `PlanKind` says which model holds one kind of plan and whose versions they are
(a care plan's episode, a safety plan's person); the rest is written here once: the reads
of the current versions, starting a new version, agreeing, the conflicts, the review rules
(when an agreed plan is due for review) and the reminder the review jobs send.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.careplans.states import PLAN_STATES, PlanAction
from hubs.core.alerts import alert_staff
from hubs.core.errors import Conflict, ValidationError
from hubs.core.types import today as utc_today
from hubs.core.types import utcnow
from hubs.staff.models import User

CARE_PLAN_REVIEW_MONTHS = 12
CARE_PLAN_DUE_SOON_MONTHS = 11
SAFETY_PLAN_REVIEW_MONTHS = 3
SAFETY_PLAN_DUE_SOON_DAYS = 14
# No plan goes more than a year without review, whatever date is chosen.
MAX_REVIEW_MONTHS = 12
# The versions in force: agreed, or agreed and being reviewed (still the person's plan).
IN_FORCE = (PlanStatus.AGREED, PlanStatus.UNDER_REVIEW)

# A plan model: CarePlan or SafetyPlan (id, person_id, version, revision, status, the
# agreement and review columns, updated_at and updated_by).
P = TypeVar("P", bound=Any)


# --- The versions of one kind of plan -------------------------------------------------------


class PlanKind(Generic[P]):
    """Where one kind of plan keeps its versions: the model, and the column naming whose
    versions they are (`episode_id` for care plans, `person_id` for safety plans)."""

    def __init__(self, model: type[P], owner: str, noun: str) -> None:
        self.model = model
        self.owner = owner
        self.noun = noun  # in messages: "Someone else saved this <noun> at the same moment"

    def _of(self, owner_id: int) -> sa.ColumnElement[bool]:
        return getattr(self.model, self.owner) == owner_id  # type: ignore[no-any-return]

    def versions(self, session: Session, owner_id: int, *, drafts: bool = True) -> list[P]:
        """Every version, newest first (drafts left out for those who may not see them)."""
        query = sa.select(self.model).where(self._of(owner_id))
        if not drafts:
            query = query.where(self.model.status != PlanStatus.DRAFT)
        return list(session.scalars(query.order_by(self.model.version.desc())))

    def version(self, session: Session, owner_id: int, number: int) -> P | None:
        return session.scalar(
            sa.select(self.model).where(self._of(owner_id), self.model.version == number)
        )

    def current_agreed(self, session: Session, owner_id: int) -> P | None:
        """The version in force: the newest agreed one (under review or not)."""
        return self._newest(session, owner_id, self.model.status.in_(IN_FORCE))

    def current_draft(self, session: Session, owner_id: int) -> P | None:
        return self._newest(session, owner_id, self.model.status == PlanStatus.DRAFT)

    def _newest(self, session: Session, owner_id: int, condition: Any) -> P | None:
        return session.scalar(
            sa.select(self.model)
            .where(self._of(owner_id), condition)
            .order_by(self.model.version.desc())
            .limit(1)
        )

    def new_version(self, session: Session, actor: User, **columns: Any) -> P:
        """A new draft after the newest version (not yet added to the session). `columns`
        name whose plan it is; the caller copies in the agreed version's content."""
        latest = session.scalar(
            sa.select(sa.func.max(self.model.version)).where(self._of(columns[self.owner]))
        )
        return self.model(
            **columns, version=(latest or 0) + 1, created_by_id=actor.id, updated_by_id=actor.id
        )

    def flush(self, session: Session) -> None:
        flush_or_conflict(session, self.noun)

    def agree(
        self,
        session: Session,
        plan: P,
        actor: User,
        *,
        method: AgreementMethod,
        due: dt.date,
        **details: Any,
    ) -> None:
        """The person agrees the draft: it comes into force, and the versions in force
        before it are superseded (kept, never deleted)."""
        for older in session.scalars(
            sa.select(self.model).where(
                self._of(getattr(plan, self.owner)),
                self.model.id != plan.id,
                self.model.status.in_(IN_FORCE),
            )
        ):
            older.status = PLAN_STATES.next(older.status, PlanAction.SUPERSEDE)
        plan.status = PLAN_STATES.next(plan.status, PlanAction.AGREE)
        plan.agreed_at, plan.agreement_method, plan.agreed_by_id = utcnow(), method, actor.id
        plan.review_due_on = due
        for name, value in details.items():
            setattr(plan, name, value)
        self.flush(session)


# --- Conflicts ------------------------------------------------------------------------------


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


def refuse_if_not_draft(plan: Any) -> None:
    """Only a draft changes: an agreed version stays as agreed (edits start a new draft)."""
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            f"Version {plan.version} has been {plan.status.label.lower()}: changes start a new "
            "draft version. Reload to edit the latest.",
            field="revision",
        )


def refuse_stale(plan: Any, revision: int | None, changes: Sequence[Change] = ()) -> None:
    """A save carrying an older revision than the stored one is a conflict, never an overwrite."""
    if revision is None or revision == plan.revision:
        return
    changed = ", ".join(c.section for c in changes) or "no sections (only its revision)"
    raise Conflict(
        f"{who(plan)} saved this plan at {at(plan.updated_at)} after you opened it. "
        f"Changed since: {changed}. Your edits were not saved: reload, then make them again.",
        field="revision",
    )


def who(plan: Any) -> str:
    """Who saved the plan last, as the conflict names them."""
    return plan.updated_by.display_name if plan.updated_by else "Someone"


def at(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M on %-d %B %Y")


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


# --- Reviews --------------------------------------------------------------------------------


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


def review_date(
    chosen: dt.date | None, planned: dt.date | None, *, default_months: int, refusal: str
) -> dt.date:
    """The review date of a version agreed today: the one chosen, else the one the draft
    planned, else `default_months` ahead; refused unless after today and within a year."""
    agreed_on = utc_today()
    due = chosen or planned or add_months(agreed_on, default_months)
    if not agreed_on < due <= add_months(agreed_on, MAX_REVIEW_MONTHS):
        raise ValidationError(refusal, field="review_due_on")
    return due


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
    """Due on the date set when it was agreed; due soon from 14 days before."""
    if review_due_on is None:
        return PlanReview(ReviewState.NONE)
    return _review(
        review_due_on, review_due_on - dt.timedelta(days=SAFETY_PLAN_DUE_SOON_DAYS), today
    )


def _review(due: dt.date, soon: dt.date, today: dt.date) -> PlanReview:
    if today > due:
        return PlanReview(ReviewState.OVERDUE, due)
    return PlanReview(ReviewState.DUE_SOON if today >= soon else ReviewState.OK, due)


def remind_review(
    kind: str,
    what: str,
    plan: Any,
    review: PlanReview,
    leads: list[int],
    managers: list[int],
    *,
    link: str,
) -> int:
    """Tell the lead workers a plan's review is due soon, and them and the hub's managers
    once it is overdue: once per plan, due date and state, so a re-run changes nothing and a
    new review date brings a new reminder. Returns how many tasks were new."""
    due = review.review_due_on
    if due is None or review.state not in (ReviewState.DUE_SOON, ReviewState.OVERDUE):
        return 0
    if review.state == ReviewState.DUE_SOON:
        # A lead worker who has left is covered by the managers, so the review is not lost.
        recipients, title, period = leads or managers, f"{what} review due by", "due"
    else:
        recipients, title, period = leads + managers, f"{what} review overdue since", "overdue"
    return alert_staff(
        recipients,
        kind=kind,
        title=f"{title} {due:%-d %B %Y} (version {plan.version})",
        person_id=plan.person_id,
        link=link,
        dedupe_key=f"{kind}:{period}:{plan.id}:{due.isoformat()}",
        sender=plan,
    )
