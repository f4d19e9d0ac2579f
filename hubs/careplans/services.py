"""The verbs of care plans: open a draft, save it, agree it with the person, review it.

Services take the actor explicitly, flush but never commit, and raise domain errors. A save
carries the revision the editor started from; an older one is refused as a conflict that
names what changed, never a silent overwrite (DESIGN §3 rule 8): the versioning itself is
`versioning`'s, shared with safety plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.access import require_editor
from hubs.careplans.models import (
    ActionCategory,
    AgreementMethod,
    CarePlan,
    CarePlanAction,
    CarePlanComment,
    CarePlanGoal,
    GoalStatus,
    PlanStatus,
)
from hubs.careplans.queries import CARE_PLANS, current_agreed, current_draft
from hubs.careplans.states import PlanAction, next_plan_status
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import NotFound, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.referrals.models import ClockEventKind, Episode, NeedDomain
from hubs.referrals.services import record_clock_event
from hubs.staff.models import User

care_plan_agreed = hub_signals.signal("care-plan-agreed")

SECTION_LABELS = {
    "about_me": "About me",
    "what_matters": "What matters to me",
    "formulation": "A shared understanding",
    "goals": "My goals",
    "actions": "Agreed actions and interventions",
    "if_things_get_worse": "What to do if things get worse",
    "carers_involvement": "Carers and family involvement",
    "review_due_on": "Review date",
    "staff_notes": "Staff-only notes",
}
TEXT_SECTIONS = (
    "about_me",
    "what_matters",
    "formulation",
    "if_things_get_worse",
    "carers_involvement",
    "staff_notes",
)


@dataclass(frozen=True)
class GoalInput:
    own_words: str
    need_domain: NeedDomain | None = None
    status: GoalStatus = GoalStatus.NOT_STARTED
    who_helps: str = ""


@dataclass(frozen=True)
class ActionInput:
    category: ActionCategory
    what: str
    who: str = ""
    by_when: dt.date | None = None


@dataclass
class CarePlanContent:
    about_me: str = ""
    what_matters: str = ""
    formulation: str = ""
    if_things_get_worse: str = ""
    carers_involvement: str = ""
    staff_notes: str = ""
    review_due_on: dt.date | None = None
    goals: list[GoalInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def snapshot(source: CarePlan | CarePlanContent) -> dict[str, Any]:
    """A plan's (or submitted content's) sections as plain values, for comparing versions
    and naming what changed in a conflict. Stored goals and actions and their inputs share
    field names, so one function reads both."""
    values: dict[str, Any] = {name: getattr(source, name) for name in TEXT_SECTIONS}
    values["review_due_on"] = source.review_due_on
    values["goals"] = [(g.own_words, g.need_domain, g.status, g.who_helps) for g in source.goals]
    values["actions"] = [(a.category, a.what, a.who, a.by_when) for a in source.actions]
    return values


def compare_versions(older: CarePlan, newer: CarePlan) -> list[versioning.Change]:
    return versioning.compare(snapshot(older), snapshot(newer), SECTION_LABELS)


# --- Verbs --------------------------------------------------------------------------------


def open_draft(session: Session, actor: User, episode: Episode) -> CarePlan:
    """The episode's draft to edit: the existing one, or a new version copied from the
    agreed plan (an edit after agreement starts a new draft; the agreed plan stays)."""
    require_editor(session, actor, episode.person_id)
    draft = current_draft(session, episode.id)
    if draft is not None:
        audit.record(
            "care_plan.open_draft",
            actor=actor,
            record_type="care_plan",
            record_id=draft.id,
            person_id=episode.person_id,
        )
        return draft
    draft = CARE_PLANS.new_version(
        session, actor, episode_id=episode.id, person_id=episode.person_id
    )
    agreed = current_agreed(session, episode.id)
    if agreed is not None:
        _copy_content(agreed, draft)
    session.add(draft)
    CARE_PLANS.flush(session)
    audit.record(
        "care_plan.create",
        actor=actor,
        record_type="care_plan",
        record_id=draft.id,
        person_id=episode.person_id,
    )
    return draft


def _copy_content(source: CarePlan, target: CarePlan) -> None:
    for name in TEXT_SECTIONS:
        setattr(target, name, getattr(source, name))
    target.review_due_on = source.review_due_on
    target.goals = [
        CarePlanGoal(
            position=g.position,
            own_words=g.own_words,
            need_domain=g.need_domain,
            status=g.status,
            who_helps=g.who_helps,
        )
        for g in source.goals
    ]
    target.actions = [
        CarePlanAction(
            position=a.position,
            category=a.category,
            what=a.what,
            who=a.who,
            by_when=a.by_when,
            started_on=a.started_on,
        )
        for a in source.actions
    ]


def _check_editable(plan: CarePlan, revision: int | None, content: CarePlanContent | None) -> None:
    versioning.refuse_if_not_draft(plan)
    changes = (
        versioning.compare(snapshot(plan), snapshot(content), SECTION_LABELS) if content else []
    )
    versioning.refuse_stale(plan, revision, changes)


def _validate_content(content: CarePlanContent) -> None:
    if content.review_due_on and content.review_due_on <= today():
        raise ValidationError("The review date must be in the future", field="review_due_on")
    if any(not g.own_words.strip() for g in content.goals):
        raise ValidationError("Write each goal in the person's own words", field="goals")
    if any(not a.what.strip() for a in content.actions):
        raise ValidationError("Say what each action is", field="actions")


def save_draft(
    session: Session, actor: User, plan: CarePlan, *, revision: int | None, content: CarePlanContent
) -> CarePlan:
    """Save edits to a draft, refusing a save made against an older revision."""
    require_editor(session, actor, plan.person_id)
    _check_editable(plan, revision, content)
    _validate_content(content)
    for name in TEXT_SECTIONS:
        setattr(plan, name, getattr(content, name).strip())
    plan.review_due_on = content.review_due_on
    plan.goals = [
        CarePlanGoal(
            position=i,
            own_words=g.own_words.strip(),
            need_domain=g.need_domain,
            status=g.status,
            who_helps=g.who_helps.strip(),
        )
        for i, g in enumerate(content.goals)
    ]
    started = {(a.category, a.what): a.started_on for a in plan.actions}
    plan.actions = [
        CarePlanAction(
            position=i,
            category=a.category,
            what=a.what.strip(),
            who=a.who.strip(),
            by_when=a.by_when,
            started_on=started.get((a.category, a.what.strip())),
        )
        for i, a in enumerate(content.actions)
    ]
    plan.updated_at, plan.updated_by_id = utcnow(), actor.id
    CARE_PLANS.flush(session)
    audit.record(
        "care_plan.update",
        actor=actor,
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    return plan


def agree(
    session: Session,
    actor: User,
    plan: CarePlan,
    *,
    revision: int | None,
    method: AgreementMethod,
    note: str = "",
    review_due_on: dt.date | None = None,
) -> CarePlan:
    """The person agrees the draft: it becomes their plan, visible to them in the portal."""
    require_editor(session, actor, plan.person_id)
    _check_editable(plan, revision, None)
    if not (plan.what_matters.strip() or plan.goals):
        raise ValidationError(
            "Add what matters to the person or a goal before agreeing", field="what_matters"
        )
    due = versioning.review_date(
        review_due_on,
        plan.review_due_on,
        default_months=versioning.CARE_PLAN_REVIEW_MONTHS,
        refusal="Set a review date within the next 12 months",
    )
    CARE_PLANS.agree(session, plan, actor, method=method, due=due, agreement_note=note.strip())
    record_clock_event(
        session,
        plan.person_id,
        ClockEventKind.CARE_PLAN_AGREED,
        today(),
        referral_id=plan.episode.referral_id,
        source=("care_plan", plan.id),
    )
    audit.record(
        "care_plan.agree",
        actor=actor,
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    care_plan_agreed.send(plan, actor=actor)
    return plan


def start_review(session: Session, actor: User, plan: CarePlan) -> CarePlan:
    """Begin reviewing an agreed plan: it stays visible while a new draft is worked on."""
    require_editor(session, actor, plan.person_id)
    plan.status = next_plan_status(plan.status, PlanAction.START_REVIEW)
    audit.record(
        "care_plan.start_review",
        actor=actor,
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    return open_draft(session, actor, plan.episode)


def record_assessment(
    session: Session, actor: User, episode: Episode, completed_on: dt.date
) -> None:
    """The assessment is complete (one of the events that stop the 4-week clock)."""
    require_editor(session, actor, episode.person_id)
    if completed_on > today() or completed_on < episode.referral.received_on:
        raise ValidationError(
            "The assessment date must be between the referral and today", field="completed_on"
        )
    record_clock_event(
        session,
        episode.person_id,
        ClockEventKind.ASSESSMENT,
        completed_on,
        referral_id=episode.referral_id,
        source=("episode", episode.id),
    )
    audit.record(
        "episode.assessment",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=episode.person_id,
    )


def start_action(
    session: Session, actor: User, plan: CarePlan, action_id: int, started_on: dt.date
) -> CarePlanAction:
    """An agreed intervention has started (the first one stops part of the 4-week clock)."""
    require_editor(session, actor, plan.person_id)
    action = next((a for a in plan.actions if a.id == action_id), None)
    if action is None:
        raise NotFound("No such action in this plan")
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(
            "Agree the plan before recording that its actions have started", field="action_id"
        )
    if started_on > today():
        raise ValidationError("The start date cannot be in the future", field="started_on")
    action.started_on = started_on
    record_clock_event(
        session,
        plan.person_id,
        ClockEventKind.FIRST_INTERVENTION,
        started_on,
        referral_id=plan.episode.referral_id,
        source=("care_plan_action", action.id),
    )
    audit.record(
        "care_plan.action_started",
        actor=actor,
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    session.flush()
    return action


def add_comment(session: Session, actor: User, plan: CarePlan, body: str) -> CarePlanComment:
    """The person (or their care team) comments on the plan."""
    text = body.strip()
    if not text:
        raise ValidationError("Write your comment", field="body")
    if len(text) > 4000:
        raise ValidationError("Keep your comment under 4,000 characters", field="body")
    if actor.access_role == AccessRole.PERSON and plan.status == PlanStatus.DRAFT:
        raise NotFound("Page not found")
    comment = CarePlanComment(care_plan_id=plan.id, author_id=actor.id, body=text)
    session.add(comment)
    session.flush()
    audit.record(
        "care_plan.comment",
        actor=actor,
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    return comment


def add_goals_to_draft(
    session: Session, actor: User, episode: Episode, goals: list[GoalInput]
) -> CarePlan:
    """Add goals to the episode's draft (opening one if needed), e.g. from "more help" answers."""
    draft = open_draft(session, actor, episode)
    start = len(draft.goals)
    for offset, goal in enumerate(goals):
        draft.goals.append(
            CarePlanGoal(
                position=start + offset,
                own_words=goal.own_words,
                need_domain=goal.need_domain,
                status=goal.status,
                who_helps=goal.who_helps,
            )
        )
    draft.updated_at, draft.updated_by_id = utcnow(), actor.id
    CARE_PLANS.flush(session)
    audit.record(
        "care_plan.update",
        actor=actor,
        record_type="care_plan",
        record_id=draft.id,
        person_id=draft.person_id,
    )
    return draft
