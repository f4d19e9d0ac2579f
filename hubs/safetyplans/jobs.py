"""Scheduled job of safety plans: reviews due (DESIGN §4, §7).

A safety plan is reviewed by the date set on it (due soon 14 days before). The lead workers
of the person's open episodes hear when a review is due soon, and again with their hubs'
managers once it is overdue; once per plan and due date (`versioning.remind_review`), so a
re-run changes nothing. Starting the review is the answer, so plans under review are left
alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import versioning
from hubs.careplans.models import PlanStatus
from hubs.careplans.versioning import remind_review
from hubs.extensions import db
from hubs.referrals.models import Episode
from hubs.referrals.states import EpisodeStatus
from hubs.safetyplans.models import SafetyPlan
from hubs.staff.queries import active_managers_by_team, active_user_ids

# "Due soon" starts 14 days before.
SAFETY_PLAN_WINDOW = dt.timedelta(days=versioning.SAFETY_PLAN_DUE_SOON_DAYS)


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
    managers = active_managers_by_team(
        session, {team for pairs in episodes.values() for _, team in pairs}
    )
    created = 0
    for plan in plans:
        pairs = episodes.get(plan.person_id, [])
        leads = sorted({lead for lead, _ in pairs if lead in active})
        team_managers = sorted({m for _, team in pairs for m in managers.get(team, [])})
        created += remind_review(
            "safety_plan_review",
            "Safety plan",
            plan,
            versioning.safety_plan_review(plan.review_due_on, day),
            leads,
            team_managers,
            link=f"/people/{plan.person_id}/safety-plan",
        )
    return created


def _open_episodes(session: Session, person_ids: set[int]) -> dict[int, list[tuple[int, int]]]:
    """(lead worker, hub) of each person's episodes still going, in one query."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not person_ids:
        return found
    rows = session.execute(
        sa.select(Episode.person_id, Episode.lead_worker_id, Episode.team_id).where(
            Episode.person_id.in_(person_ids), Episode.status != EpisodeStatus.FINISHED
        )
    )
    for person_id, lead, team in rows:
        found[person_id].append((lead, team))
    return found
