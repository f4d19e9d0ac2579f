"""Scheduled job of care plans: reviews due (DESIGN §4, §7).

A care plan is reviewed within 12 months of agreement (due soon from 11 months). The lead
worker hears when a review is due soon, and again with the hub's managers once it is
overdue; once per plan and due date (`versioning.remind_review`), so a re-run changes
nothing and a new review date brings a new reminder. Starting the review (a plan under
review) is the answer, so plans under review are left alone. Safety plans have their own
job (`hubs.safetyplans.jobs`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.careplans import versioning
from hubs.careplans.models import CarePlan, PlanStatus
from hubs.careplans.versioning import remind_review
from hubs.extensions import db
from hubs.referrals.models import Episode
from hubs.referrals.states import EpisodeStatus
from hubs.staff.queries import active_managers_by_team, active_user_ids

# "Due soon" starts at most about a month before.
CARE_PLAN_WINDOW = dt.timedelta(days=32)


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
        sa.select(CarePlan, Episode.lead_worker_id, Episode.team_id)
        .join(Episode, Episode.id == CarePlan.episode_id)
        .where(CarePlan.id.in_(ids))
    ).all()
    active = active_user_ids(session, {lead for _, lead, _ in rows})
    managers = active_managers_by_team(session, {team for _, _, team in rows})
    created = 0
    for plan, lead, team in rows:
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
            managers.get(team, []),
            link=f"/episodes/{plan.episode_id}/care-plan",
        )
    return created
