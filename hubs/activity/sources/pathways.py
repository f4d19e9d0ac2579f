"""Transitions (Aspire, CAMHS, step-down) and discharges with an onward plan."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.activity.rows import Fact
from hubs.activity.sources.referrals import case_of
from hubs.activity.sources.registry import Scope, source
from hubs.pathways.models import OnwardPlan, Transition
from hubs.pathways.rules import lead_worker_gap_days
from hubs.referrals.models import Episode
from hubs.reporting.models import ActivityType


def transition_case(transition_id: int) -> str:
    return f"transition:{transition_id}"


@source(ActivityType.TRANSITION_STARTED)
def transition_started(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the kind of transition; counted against the sending hub, which keeps
    responsibility until the receiving side takes over."""
    rows = session.execute(
        sa.select(Transition.id, Transition.person_id, Transition.kind, Transition.created_at)
        .add_columns(Episode.team_id)
        .join(Episode, Episode.id == Transition.sending_episode_id)
        .where(people(Transition.person_id))
    )
    for transition_id, person_id, kind, created_at, team_id in rows:
        yield Fact(
            ActivityType.TRANSITION_STARTED,
            f"transition-started:{transition_id}",
            person_id,
            team_id,
            created_at.date(),
            case=transition_case(transition_id),
            detail=str(kind),
        )


@source(ActivityType.TRANSITION_COMPLETED)
def transition_completed(session: Session, people: Scope) -> Iterator[Fact]:
    """value = days without a lead worker during the transition (the strategy's target is 0)."""
    rows = session.execute(
        sa.select(
            Transition.id,
            Transition.person_id,
            Transition.kind,
            Transition.created_at,
            Transition.accepted_at,
            Transition.completed_at,
            Episode.team_id,
            Episode.finished_on,
        )
        .join(Episode, Episode.id == Transition.sending_episode_id)
        .where(people(Transition.person_id), Transition.completed_at.is_not(None))
    )
    for tid, person_id, kind, created_at, accepted_at, completed_at, team_id, ended in rows:
        completed_on = completed_at.date()
        accepted_on = accepted_at.date() if accepted_at else None
        yield Fact(
            ActivityType.TRANSITION_COMPLETED,
            f"transition-completed:{tid}",
            person_id,
            team_id,
            completed_on,
            started_on=created_at.date(),
            case=transition_case(tid),
            detail=str(kind),
            value=float(lead_worker_gap_days(ended, accepted_on, completed_on)),
        )


@source(ActivityType.DISCHARGED)
def discharged(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the onward support (gp, service, self_management): a discharge is only
    possible with an onward plan, so "none" never appears from the live service."""
    rows = session.execute(
        sa.select(
            OnwardPlan.id,
            OnwardPlan.person_id,
            OnwardPlan.support,
            OnwardPlan.discharged_on,
            Episode.team_id,
            Episode.referral_id,
        )
        .join(Episode, Episode.id == OnwardPlan.episode_id)
        .where(people(OnwardPlan.person_id), OnwardPlan.discharged_on.is_not(None))
    )
    for plan_id, person_id, support, discharged_on, team_id, referral_id in rows:
        yield Fact(
            ActivityType.DISCHARGED,
            f"discharged:{plan_id}",
            person_id,
            team_id,
            discharged_on,
            case=case_of(referral_id),
            detail=str(support),
        )
