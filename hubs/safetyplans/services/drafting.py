"""Drafting and agreeing a safety plan: open a draft (copied from the version in force),
save it, save edits made to whichever version the editor opened, and agree it with the
person. A save against an older version or revision is refused as a conflict that names
what changed (the shared rules of `hubs.careplans.versioning`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.access import require_editor
from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.careplans.versioning import at, who
from hubs.core import audit
from hubs.core.errors import Conflict, ValidationError
from hubs.core.types import today, utcnow
from hubs.directory.models import Service
from hubs.people.models import Person
from hubs.safetyplans.content import (
    MAX_SECTION,
    SECTION_LABELS,
    TEXT_SECTIONS,
    SafetyPlanContent,
    content_snapshot,
    has_content,
    snapshot,
)
from hubs.safetyplans.models import SafetyPlan
from hubs.safetyplans.queries import (
    SAFETY_PLANS,
    current_agreed,
    current_draft,
    current_safety_plan,
)
from hubs.staff.models import User


def open_safety_draft(session: Session, actor: User, person: Person) -> SafetyPlan:
    """The person's draft to edit: the existing one, or a new version copied from the agreed
    plan (which stays in force until the new version is agreed)."""
    require_editor(session, actor, person.id)
    draft = current_draft(session, person.id)
    if draft is not None:
        return draft
    draft = SAFETY_PLANS.new_version(session, actor, person_id=person.id)
    agreed = current_agreed(session, person.id)
    if agreed is not None:
        for name in TEXT_SECTIONS:
            setattr(draft, name, getattr(agreed, name))
        draft.services = list(agreed.services)
    session.add(draft)
    SAFETY_PLANS.flush(session)
    audit.record(
        "safety_plan.create",
        actor=actor,
        record_type="safety_plan",
        record_id=draft.id,
        person_id=person.id,
        session=session,
    )
    return draft


def _chosen_services(session: Session, service_ids: Sequence[int]) -> list[Service]:
    ids = sorted(set(service_ids))
    if not ids:
        return []
    found = list(
        session.scalars(
            sa.select(Service)
            .where(Service.id.in_(ids), Service.is_active.is_(True))
            .order_by(Service.name)
        )
    )
    if len(found) != len(ids):
        raise ValidationError("Choose services from the directory", field="service_ids")
    return found


def _validate(content: SafetyPlanContent) -> None:
    for name, label in TEXT_SECTIONS.items():
        if len(getattr(content, name)) > MAX_SECTION:
            raise ValidationError(f"{label}: keep it under {MAX_SECTION:,} characters", field=name)
    if content.review_due_on is not None and content.review_due_on <= today():
        raise ValidationError("The review date must be in the future", field="review_due_on")


def save_safety_draft(
    session: Session,
    actor: User,
    plan: SafetyPlan,
    *,
    revision: int | None,
    content: SafetyPlanContent,
) -> SafetyPlan:
    """Save edits to a draft, refusing a save made against an older revision."""
    require_editor(session, actor, plan.person_id)
    versioning.refuse_if_not_draft(plan)
    chosen = _chosen_services(session, content.service_ids)
    changes = versioning.compare(snapshot(plan), content_snapshot(content, chosen), SECTION_LABELS)
    _check_unchanged(plan, revision, changes)
    _validate(content)
    for name in TEXT_SECTIONS:
        setattr(plan, name, getattr(content, name).strip())
    plan.services = chosen
    plan.review_due_on = content.review_due_on
    # Always touches the row, so the revision moves on even when only services changed.
    plan.updated_at, plan.updated_by_id = utcnow(), actor.id
    SAFETY_PLANS.flush(session)
    audit.record(
        "safety_plan.update",
        actor=actor,
        record_type="safety_plan",
        record_id=plan.id,
        person_id=plan.person_id,
        session=session,
    )
    return plan


def _head(session: Session, person_id: int) -> SafetyPlan | None:
    """The newest version still in play: the draft if there is one, else the agreed one."""
    return current_safety_plan(session, person_id, drafts=True)


def edit_safety_plan(
    session: Session,
    actor: User,
    person: Person,
    *,
    version: int | None,
    revision: int | None,
    content: SafetyPlanContent,
) -> SafetyPlan:
    """Save edits made to the version the editor opened (`version`, `revision`): into its
    draft, or into a new draft when they edited the agreed plan. Anything newer saved or
    started since they opened it is a conflict, never overwritten."""
    require_editor(session, actor, person.id)
    head = _head(session, person.id)
    _refuse_newer(session, head, version or 0, content)
    draft = head
    if head is None or head.status != PlanStatus.DRAFT:
        if head is not None:
            _check_unchanged(head, revision)  # the agreed version they opened is unchanged
        draft = open_safety_draft(session, actor, person)
        revision = draft.revision
    assert draft is not None
    return save_safety_draft(session, actor, draft, revision=revision, content=content)


def _refuse_newer(
    session: Session, head: SafetyPlan | None, opened: int, content: SafetyPlanContent
) -> None:
    if head is None:
        if opened:
            raise ValidationError("There is no such version: reload the plan", field="version")
        return
    if head.version != opened:
        chosen = _chosen_services(session, content.service_ids)
        changes = versioning.compare(
            snapshot(head), content_snapshot(content, chosen), SECTION_LABELS
        )
        raise Conflict(_newer_version_message(head, opened, changes), field="version")


def _check_unchanged(
    plan: SafetyPlan, revision: int | None, changes: Sequence[versioning.Change] = ()
) -> None:
    if revision is None:
        # Without the revision the editor started from, a stale save could not be caught.
        raise ValidationError(
            "The form did not say which revision you edited: reload the plan", field="revision"
        )
    versioning.refuse_stale(plan, revision, changes)


def _newer_version_message(head: SafetyPlan, opened: int, changes: list[versioning.Change]) -> str:
    if head.status == PlanStatus.DRAFT:
        event = f"{who(head)} started version {head.version} at {at(head.updated_at)}"
    else:
        event = f"Version {head.version} was agreed at {at(head.agreed_at or head.updated_at)}"
    since = f"version {opened}" if opened else "a blank plan"
    changed = ", ".join(c.section for c in changes) or "no sections"
    return (
        f"{event}, after you opened {since}. Changed since: {changed}. "
        "Your edits were not saved: reload, then make them again."
    )


# --- Agreement ----------------------------------------------------------------------------


def agree_safety_plan(
    session: Session,
    actor: User,
    plan: SafetyPlan,
    *,
    revision: int | None,
    method: AgreementMethod,
    review_due_on: dt.date | None = None,
) -> SafetyPlan:
    """The person agrees the draft: it becomes their safety plan, visible in their portal,
    and the version it replaces is superseded (kept, never deleted)."""
    require_editor(session, actor, plan.person_id)
    versioning.refuse_if_not_draft(plan)
    _check_unchanged(plan, revision)
    if not has_content(plan):
        raise ValidationError(
            "Fill in at least one section with the person before agreeing", field="warning_signs"
        )
    # Default 3 months after agreement (DESIGN §4); never in the past or beyond a year.
    due = versioning.review_date(
        review_due_on,
        plan.review_due_on,
        default_months=versioning.SAFETY_PLAN_REVIEW_MONTHS,
        refusal="Set a review date in the future and within the next 12 months",
    )
    SAFETY_PLANS.agree(session, plan, actor, method=method, due=due)
    audit.record(
        "safety_plan.agree",
        actor=actor,
        record_type="safety_plan",
        record_id=plan.id,
        person_id=plan.person_id,
        session=session,
    )
    return plan
