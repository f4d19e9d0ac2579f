"""Care in an episode: care plans agreed and outcome measures recorded."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.activity.rows import Fact
from hubs.activity.sources.referrals import case_of
from hubs.activity.sources.registry import Scope, source
from hubs.careplans.models import CarePlan
from hubs.outcomes.models import OutcomeMeasure
from hubs.referrals.models import Episode, Referral
from hubs.reporting.models import ActivityType


@source(ActivityType.CARE_PLAN_AGREED)
def care_plan_agreed(session: Session, people: Scope) -> Iterator[Fact]:
    """Each agreed version: detail = "initial" for the episode's first plan, else "review"
    (a plan's first version is the only one agreed without an earlier agreed plan)."""
    rows = session.execute(
        sa.select(
            CarePlan.id,
            CarePlan.person_id,
            CarePlan.version,
            CarePlan.agreed_at,
            Episode.team_id,
            Referral.id,
            Referral.received_on,
        )
        .join(Episode, Episode.id == CarePlan.episode_id)
        .join(Referral, Referral.id == Episode.referral_id)
        .where(people(CarePlan.person_id), CarePlan.agreed_at.is_not(None))
    )
    for plan_id, person_id, version, agreed_at, team_id, rid, received_on in rows:
        yield Fact(
            ActivityType.CARE_PLAN_AGREED,
            f"care-plan-agreed:{plan_id}",
            person_id,
            team_id,
            agreed_at.date(),  # UTC, as the service stamps it
            started_on=received_on,
            case=case_of(rid),
            detail="initial" if version == 1 else "review",
        )


@source(ActivityType.OUTCOME_MEASURE)
def outcome_measure(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the measure's code (dialog, reqol10); value = its score (DIALOG: mean of the
    8 life domains; ReQoL-10: total 0-40). The episode's first is its baseline: later ones
    compare with the earliest row of the same case and code."""
    rows = session.execute(
        sa.select(
            OutcomeMeasure.id,
            OutcomeMeasure.person_id,
            OutcomeMeasure.kind,
            OutcomeMeasure.recorded_on,
            OutcomeMeasure.score,
            Episode.team_id,
            Episode.referral_id,
        )
        .join(Episode, Episode.id == OutcomeMeasure.episode_id)
        .where(people(OutcomeMeasure.person_id))
    )
    for measure_id, person_id, kind, recorded_on, score, team_id, rid in rows:
        yield Fact(
            ActivityType.OUTCOME_MEASURE,
            f"outcome-measure:{measure_id}",
            person_id,
            team_id,
            recorded_on,
            case=case_of(rid),
            detail=str(kind),
            value=float(score),
        )
