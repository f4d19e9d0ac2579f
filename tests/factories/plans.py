"""Factories for care plans, safety plans and outcome measures (DIALOG, ReQoL-10).

Like the other care factories they write rows directly: no audit rows, no clock events (a
plan agreed or a baseline measure here stops no clock), no signals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory
import sqlalchemy as sa

from hubs.careplans.models import (
    ActionCategory,
    AgreementMethod,
    CarePlan,
    CarePlanAction,
    CarePlanGoal,
    PlanStatus,
)
from hubs.core.types import today, utcnow
from hubs.extensions import db
from hubs.outcomes import scoring
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.referrals.models import NeedDomain
from hubs.safetyplans.models import SafetyPlan
from tests.factories.base import BaseFactory, PersonFactory
from tests.factories.care import EpisodeFactory

#: A goal's own words, or (own words, need domain)
Goal = str | tuple[str, NeedDomain | None]


def _next_version(model: type[CarePlan] | type[SafetyPlan], where: sa.ColumnElement[bool]) -> int:
    """The next version number of a plan: 1 for the first."""
    highest = db.session.scalar(sa.select(sa.func.max(model.version)).where(where))
    return (highest or 0) + 1


def _agreed(months: int) -> factory.Trait:
    """Agreed in person now, to be reviewed in about `months` months."""
    return factory.Trait(
        status=PlanStatus.AGREED,
        agreed_at=factory.LazyFunction(utcnow),
        agreement_method=AgreementMethod.IN_PERSON,
        review_due_on=factory.LazyFunction(lambda: today() + dt.timedelta(days=30 * months)),
    )


class CarePlanFactory(BaseFactory):
    """The next version of an episode's care plan (version 1 of a new episode's), a draft
    with what matters to the person, written by the lead worker.

    `goals=["own words", ("own words", need domain)]` and `actions=[(category, what)]`.
    Traits: agreed (in person, now, review in 12 months), under_review, superseded."""

    class Meta:
        model = CarePlan

    class Params:
        agreed = _agreed(months=12)
        under_review = factory.Trait(agreed=True, status=PlanStatus.UNDER_REVIEW)
        superseded = factory.Trait(agreed=True, status=PlanStatus.SUPERSEDED)

    episode = factory.SubFactory(EpisodeFactory)
    person = factory.SelfAttribute("episode.person")
    version = factory.LazyAttribute(
        lambda o: _next_version(CarePlan, CarePlan.episode_id == o.episode.id)
    )
    status = PlanStatus.DRAFT
    what_matters = "Keeping my flat"
    created_by_id = factory.SelfAttribute("episode.lead_worker_id")
    updated_by = factory.SelfAttribute("episode.lead_worker")
    agreed_by_id = factory.Maybe("agreed", factory.SelfAttribute("episode.lead_worker_id"), None)

    goals: Sequence[Goal] = ()
    actions: Sequence[tuple[ActionCategory, str]] = ()

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        goals = [(g, None) if isinstance(g, str) else g for g in kwargs["goals"]]
        kwargs["goals"] = [
            CarePlanGoal(position=n, own_words=words, need_domain=domain)
            for n, (words, domain) in enumerate(goals)
        ]
        kwargs["actions"] = [
            CarePlanAction(position=n, category=category, what=what)
            for n, (category, what) in enumerate(kwargs["actions"])
        ]
        return kwargs


class SafetyPlanFactory(BaseFactory):
    """The next version of a person's safety plan, a draft with warning signs and reasons
    for living. `services=[...]` lists the crisis services on it.
    Traits: agreed (in person, now, review in 3 months), under_review, superseded."""

    class Meta:
        model = SafetyPlan

    class Params:
        agreed = _agreed(months=3)
        under_review = factory.Trait(agreed=True, status=PlanStatus.UNDER_REVIEW)
        superseded = factory.Trait(agreed=True, status=PlanStatus.SUPERSEDED)

    person = factory.SubFactory(PersonFactory)
    version = factory.LazyAttribute(
        lambda o: _next_version(SafetyPlan, SafetyPlan.person_id == o.person.id)
    )
    status = PlanStatus.DRAFT
    warning_signs = "I stop answering my phone and stay in bed"
    reasons_for_living = "My dog Biscuit and my niece"


def _no_measure_yet(episode_id: int) -> bool:
    found = db.session.scalar(
        sa.select(OutcomeMeasure.id).where(OutcomeMeasure.episode_id == episode_id).limit(1)
    )
    return found is None


class OutcomeMeasureFactory(BaseFactory):
    """A DIALOG rated 4 on every item, recorded today by the episode's lead worker; the
    episode's baseline if it is its first. The scores are worked out from the answers.
    Trait: reqol10 (every item 2)."""

    class Meta:
        model = OutcomeMeasure

    class Params:
        reqol10 = factory.Trait(
            kind=MeasureKind.REQOL10,
            answers=factory.LazyFunction(
                lambda: dict.fromkeys((*scoring.REQOL_KEYS, scoring.REQOL_PHYSICAL_KEY), 2)
            ),
        )

    episode = factory.SubFactory(EpisodeFactory)
    person_id = factory.SelfAttribute("episode.person_id")
    kind = MeasureKind.DIALOG
    recorded_on = factory.LazyFunction(today)
    recorded_by_id = factory.SelfAttribute("episode.lead_worker_id")
    answers = factory.LazyFunction(lambda: dict.fromkeys(scoring.DIALOG_BY_KEY, 4))
    more_help = factory.LazyFunction(list)
    score = factory.LazyAttribute(lambda o: scoring.score(o.kind, o.answers).score)
    secondary_score = factory.LazyAttribute(
        lambda o: scoring.score(o.kind, o.answers).secondary_score
    )
    is_baseline = factory.LazyAttribute(lambda o: _no_measure_yet(o.episode.id))
