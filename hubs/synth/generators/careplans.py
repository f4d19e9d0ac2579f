"""Care plan versions: the first drafted at assessment and agreed with the person (the day
that stops part of the 4-week clock), then reviewed, mostly on time, each review a new
version superseding the last; some reviews overdue, some plans under review or with a
draft in progress. Goals in the person's own words progress from version to version."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from hubs.careplans.models import CarePlan, CarePlanAction, CarePlanGoal
from hubs.synth import texts
from hubs.synth.context import EpisodeInfo, SynthContext
from hubs.synth.dist import Weighted, at, plus
from hubs.synth.registry import generator

METHODS = Weighted([("in_person", 60), ("phone", 15), ("video", 10), ("portal", 10), ("letter", 5)])
ACTION_CATEGORY = {
    "physical_health": "physical_health",
    "medication": "medication",
    "job_situation": "employment_ips",
    "family_partner": "family_carer",
    "carers_family_support": "family_carer",
    "mental_health": "psychological",
    "friendships": "social",
    "leisure_activities": "social",
}
ACTION_TEXT = {
    "psychological": "Six sessions of guided self-help",
    "medication": "Medication review",
    "employment_ips": "Referral to IPS employment support",
    "social": "Try the walking group",
    "physical_health": "Annual physical health check",
    "family_carer": "Carer's assessment",
    "other": "Help with the benefits claim",
}
GOAL_PROGRESS = ("not_started", "in_progress", "in_progress", "achieved")


@dataclass(slots=True)
class Version:
    episode: EpisodeInfo
    number: int
    status: str
    created_on: dt.date
    agreed_on: dt.date | None
    review_due_on: dt.date | None
    id: int = 0
    goals: list[tuple[str, str]] = field(default_factory=list)  # (domain, status)


def _review_due(rng: random.Random, agreed: dt.date) -> dt.date:
    return plus(agreed, 182 if rng.random() < 0.3 else 365)


def _next_review(rng: random.Random, due: dt.date) -> dt.date | None:
    """When the review actually happens: mostly before it is due, some late, a few never."""
    roll = rng.random()
    if roll < 0.85:
        return plus(due, -rng.randint(0, 30))
    return plus(due, rng.randint(1, 90)) if roll < 0.95 else None


def _versions(ctx: SynthContext, rng: random.Random, episode: EpisodeInfo) -> list[Version]:
    end = min(episode.finished_on or ctx.as_of, ctx.as_of)
    agreed = episode.plan_agreed_on
    if agreed is None:
        start = episode.assessment_on
        return [Version(episode, 1, "draft", start, None, None)] if start else []
    versions = [
        Version(
            episode, 1, "agreed", episode.assessment_on or agreed, agreed, _review_due(rng, agreed)
        )
    ]
    while (review := _next_review(rng, versions[-1].review_due_on)) and review <= end:  # type: ignore[arg-type]
        versions[-1].status = "superseded"
        versions.append(
            Version(
                episode,
                len(versions) + 1,
                "agreed",
                plus(review, -14),
                review,
                _review_due(rng, review),
            )
        )
    if episode.finished_on is None and rng.random() < 0.10:
        _work_in_progress(rng, versions, ctx.as_of)
    return versions


def _work_in_progress(rng: random.Random, versions: list[Version], as_of: dt.date) -> None:
    """An open episode with a review started (under review) or an edit in draft."""
    head = versions[-1]
    if rng.random() < 0.6:
        head.status = "under_review"
    started = max(head.agreed_on or as_of, plus(as_of, -rng.randint(1, 40)))
    versions.append(
        Version(head.episode, head.number + 1, "draft", started, None, head.review_due_on)
    )


def _goals(rng: random.Random, versions: list[Version]) -> None:
    domains = versions[0].episode.referral.domains[: rng.randint(2, 3)]
    for n, version in enumerate(versions):
        step = min(n, len(GOAL_PROGRESS) - 1)
        version.goals = [
            (d, GOAL_PROGRESS[min(step + (i % 2), len(GOAL_PROGRESS) - 1)])
            for i, d in enumerate(domains)
        ]


def _plan_row(rng: random.Random, v: Version) -> tuple:  # type: ignore[type-arg]
    lead = v.episode.lead.id  # type: ignore[union-attr]
    created = at(v.created_on, rng)
    agreed_at = at(v.agreed_on, rng) if v.agreed_on else None
    return (
        v.id,
        v.episode.id,
        v.episode.person_id,
        v.number,
        v.status,
        *texts.PLAN_TEXT.values(),
        v.review_due_on,
        agreed_at,
        METHODS.pick(rng) if agreed_at else None,
        "",
        lead if agreed_at else None,
        created,
        lead,
        max(created, agreed_at or created),
        lead,
        rng.randint(1, 4),
    )


PLAN_COLUMNS = (
    "id",
    "episode_id",
    "person_id",
    "version",
    "status",
    *texts.PLAN_TEXT,
    "review_due_on",
    "agreed_at",
    "agreement_method",
    "agreement_note",
    "agreed_by_id",
    "created_at",
    "created_by_id",
    "updated_at",
    "updated_by_id",
    "revision",
)


def _actions(v: Version) -> list[tuple]:  # type: ignore[type-arg]
    rows = []
    for position, (domain, _) in enumerate(v.goals, start=1):
        category = ACTION_CATEGORY.get(domain, "other")
        started = (
            v.episode.first_intervention_on
            if v.number == 1 and position == 1
            else (v.agreed_on if v.number > 1 and position == 1 else None)
        )
        rows.append(
            (
                v.id,
                position,
                category,
                ACTION_TEXT[category],
                v.episode.lead.role.replace("_", " ").capitalize(),  # type: ignore[union-attr]
                plus(v.created_on, 90),
                started,
            )
        )
    return rows


@generator("careplans", after=("episodes",))
def careplans(ctx: SynthContext) -> None:
    """Care plan versions with goals and actions (the first action is the first intervention)."""
    rng = ctx.rng("careplans")
    versions = []
    for episode in ctx.world.episodes:
        found = _versions(ctx, rng, episode)
        if found:
            _goals(rng, found)
        versions += found
    versions.sort(key=lambda v: (v.created_on, v.episode.id, v.number))
    for plan_id, version in zip(ctx.ids(CarePlan.__table__, len(versions)), versions, strict=True):
        version.id = plan_id
    ctx.insert(CarePlan.__table__, PLAN_COLUMNS, (_plan_row(rng, v) for v in versions))
    goals = [
        (
            v.id,
            p,
            rng.choice(texts.OWN_WORDS[d]) if p > 1 else texts.GOALS[d],
            d,
            status,
            "My worker and my sister",
        )
        for v in versions
        for p, (d, status) in enumerate(v.goals, start=1)
    ]
    ctx.insert(
        CarePlanGoal.__table__,
        ("id", "care_plan_id", "position", "own_words", "need_domain", "status", "who_helps"),
        ((i, *g) for i, g in zip(ctx.ids(CarePlanGoal.__table__, len(goals)), goals, strict=True)),
    )
    actions = [a for v in versions for a in _actions(v)]
    action_ids = ctx.ids(CarePlanAction.__table__, len(actions))
    first_action: dict[int, int] = {}
    for action_id, action in zip(action_ids, actions, strict=True):
        first_action.setdefault(action[0], action_id)
    for version in versions:
        if version.number == 1 and version.episode.first_intervention_on:
            version.episode.sources["first_intervention"] = (
                "care_plan_action",
                first_action[version.id],
            )
        if version.number == 1 and version.agreed_on:
            version.episode.sources["care_plan_agreed"] = ("care_plan", version.id)
    ctx.insert(
        CarePlanAction.__table__,
        ("id", "care_plan_id", "position", "category", "what", "who", "by_when", "started_on"),
        ((i, *a) for i, a in zip(action_ids, actions, strict=True)),
    )
