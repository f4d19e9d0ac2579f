"""Scheduled jobs of care plans and safety plans: reviews due (DESIGN §4, §7).

A care plan is reviewed within 12 months of agreement (due soon from 11 months); a safety
plan by the date set on it (due soon 14 days before). The lead worker hears when a review
is due soon, and again with the hub's managers once it is overdue; once per plan and due
date, so a re-run changes nothing and a new review date brings a new reminder. Starting
the review (a plan under review) is the answer, so plans under review are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.models import CarePlan, PlanStatus, SafetyPlan
from hubs.careplans.versioning import remind_review
from hubs.extensions import db
from hubs.referrals.models import Episode
from hubs.referrals.states import EpisodeStatus
from hubs.staff.queries import active_managers_by_hub, active_user_ids

# "Due soon" starts at most about a month (care plans) or 14 days (safety plans) before.
CARE_PLAN_WINDOW = dt.timedelta(days=32)
SAFETY_PLAN_WINDOW = dt.timedelta(days=versioning.SAFETY_PLAN_DUE_SOON_DAYS)


def care_plan_reviews_due(now: dt.datetime) -> int:
    """Remind the lead worker of care plan reviews due soon, and escalate overdue ones."""
    session = db.session
    day = now.date()
    ids = session.scalars(
        sa.select(CarePlan.id)
        .join(Episode, Episode.id == CarePlan.episode_id)
        .where(
            CarePlan.status == PlanStatus.AGREED,
            CarePlan.review_due_on <= day + CARE_PLAN_WINDOW,
            Episode.status != EpisodeStatus.FINISHED,
        )
    ).all()
    rows = session.execute(
        sa.select(CarePlan, Episode.lead_worker_id, Episode.hub_id)
        .join(Episode, Episode.id == CarePlan.episode_id)
        .where(CarePlan.id.in_(ids))
    ).all()
    active = active_user_ids(session, {lead for _, lead, _ in rows})
    managers = active_managers_by_hub(session, {hub for _, _, hub in rows})
    created = 0
    for plan, lead, hub in rows:
        if plan.agreed_at is None:
            continue
        review = versioning.care_plan_review(plan.agreed_at.date(), plan.review_due_on, day)
        leads = [lead] if lead in active else []
        created += remind_review(
            "care_plan_review",
            "Care plan",
            plan,
            review,
            leads,
            managers.get(hub, []),
            link=f"/episodes/{plan.episode_id}/care-plan",
        )
    return created


def safety_plan_reviews_due(now: dt.datetime) -> int:
    """Remind the lead workers of a person's open episodes of their safety plan review."""
    session = db.session
    day = now.date()
    ids = session.scalars(
        sa.select(SafetyPlan.id).where(
            SafetyPlan.status == PlanStatus.AGREED,
            SafetyPlan.review_due_on <= day + SAFETY_PLAN_WINDOW,
        )
    ).all()
    plans = session.scalars(sa.select(SafetyPlan).where(SafetyPlan.id.in_(ids))).all()
    episodes = _open_episodes(session, {p.person_id for p in plans})
    active = active_user_ids(session, {lead for pairs in episodes.values() for lead, _ in pairs})
    managers = active_managers_by_hub(
        session, {hub for pairs in episodes.values() for _, hub in pairs}
    )
    created = 0
    for plan in plans:
        pairs = episodes.get(plan.person_id, [])
        leads = sorted({lead for lead, _ in pairs if lead in active})
        hub_managers = sorted({m for _, hub in pairs for m in managers.get(hub, [])})
        created += remind_review(
            "safety_plan_review",
            "Safety plan",
            plan,
            versioning.safety_plan_review(plan.review_due_on, day),
            leads,
            hub_managers,
            link=f"/people/{plan.person_id}/safety-plan",
        )
    return created


def _open_episodes(session: Session, person_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    """(lead worker, hub) of each person's episodes still going, in one query."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not person_ids:
        return found
    rows = session.execute(
        sa.select(Episode.person_id, Episode.lead_worker_id, Episode.hub_id).where(
            Episode.person_id.in_(person_ids), Episode.status != EpisodeStatus.FINISHED
        )
    )
    for person_id, lead, hub in rows:
        found[person_id].append((lead, hub))
    return found
