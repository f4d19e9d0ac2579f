"""Care plan and safety plan reviews due: the lead worker is reminded, overdue ones escalate."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.careplans.jobs import care_plan_reviews_due
from hubs.careplans.models import AgreementMethod, CarePlan, PlanStatus
from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.referrals.states import EpisodeStatus
from hubs.safetyplans.jobs import safety_plan_reviews_due
from hubs.safetyplans.models import SafetyPlan
from tests import factories

NOW = dt.datetime.combine(dt.date.today(), dt.time(6), tzinfo=dt.UTC)
TODAY = NOW.date()


def _care_plan(episode, *, due_in_days: int, status: PlanStatus = PlanStatus.AGREED) -> CarePlan:
    return factories.CarePlanFactory(
        episode=episode,
        agreed=True,
        status=status,
        agreed_at=NOW - dt.timedelta(days=300),
        review_due_on=TODAY + dt.timedelta(days=due_in_days),
    )


def _safety_plan(person, *, due_in_days: int) -> SafetyPlan:
    return factories.SafetyPlanFactory(
        person=person,
        agreed=True,
        agreed_at=NOW - dt.timedelta(days=80),
        agreement_method=AgreementMethod.PHONE,
        review_due_on=TODAY + dt.timedelta(days=due_in_days),
    )


def _tasks() -> list[tuple[str, int, str]]:
    rows = db.session.scalars(sa.select(StaffTask).order_by(StaffTask.recipient_id))
    return [(t.kind, t.recipient_id, t.title) for t in rows]


def test_a_care_plan_review_due_soon_reminds_the_lead_worker_once(db, world, episode):
    plan = _care_plan(episode, due_in_days=20)
    assert care_plan_reviews_due(NOW) == 1
    assert care_plan_reviews_due(NOW) == 0
    [(kind, recipient, title)] = _tasks()
    assert kind == "care_plan_review" and recipient == world.users["clinician"].id
    assert title.startswith("Care plan review due by")
    task = db.session.scalar(sa.select(StaffTask))
    assert task.link == f"/episodes/{plan.episode_id}/care-plan"


def test_an_overdue_care_plan_review_escalates_to_the_managers_once(db, world, episode):
    _care_plan(episode, due_in_days=-3)
    assert care_plan_reviews_due(NOW) == 2
    assert care_plan_reviews_due(NOW + dt.timedelta(days=1)) == 0
    recipients = {recipient for _, recipient, _ in _tasks()}
    assert recipients == {world.users["clinician"].id, world.users["manager"].id}


def test_a_review_months_away_or_already_started_raises_nothing(db, world, episode):
    _care_plan(episode, due_in_days=90)
    assert care_plan_reviews_due(NOW) == 0
    db.session.scalar(sa.select(CarePlan)).status = PlanStatus.UNDER_REVIEW
    db.session.scalar(sa.select(CarePlan)).review_due_on = TODAY
    assert care_plan_reviews_due(NOW) == 0


def test_a_finished_episodes_care_plan_raises_nothing(db, world, episode):
    _care_plan(episode, due_in_days=-3)
    episode.status = EpisodeStatus.FINISHED
    episode.finished_on = TODAY
    assert care_plan_reviews_due(NOW) == 0


def test_a_new_review_date_brings_a_new_reminder(db, world, episode):
    plan = _care_plan(episode, due_in_days=20)
    care_plan_reviews_due(NOW)
    plan.review_due_on = TODAY + dt.timedelta(days=25)
    assert care_plan_reviews_due(NOW) == 1


def test_a_safety_plan_review_due_soon_reminds_the_lead_worker_of_the_open_episode(
    db, world, episode
):
    plan = _safety_plan(world.person_a, due_in_days=10)
    assert safety_plan_reviews_due(NOW) == 1
    assert safety_plan_reviews_due(NOW) == 0
    [(kind, recipient, _)] = _tasks()
    assert kind == "safety_plan_review" and recipient == world.users["clinician"].id
    task = db.session.scalar(sa.select(StaffTask))
    assert task.link == f"/people/{plan.person_id}/safety-plan"


def test_an_overdue_safety_plan_review_escalates_to_the_managers(db, world, episode):
    _safety_plan(world.person_a, due_in_days=-1)
    assert safety_plan_reviews_due(NOW) == 2


def test_a_safety_plan_review_weeks_away_raises_nothing(db, world, episode):
    _safety_plan(world.person_a, due_in_days=30)
    assert safety_plan_reviews_due(NOW) == 0
