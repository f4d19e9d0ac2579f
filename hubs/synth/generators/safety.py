"""Safety plans for people at risk (a personal safety need, a high mental health need, or a
crisis referral): agreed soon after assessment, reviewed about every three months while the
episode lasts (some reviews overdue), numbered across a person's episodes, each version
naming the crisis services the person can call."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from hubs.safetyplans.models import SafetyPlan, safety_plan_services
from hubs.synth import texts
from hubs.synth.context import EpisodeInfo, SynthContext
from hubs.synth.dist import at, plus
from hubs.synth.generators.careplans import METHODS
from hubs.synth.registry import generator

CRISIS_SERVICES = ("CONNECT", "DIALHOUSE", "NHS111", "SAMARITANS", "WELLBEAN")
REVIEW_DAYS = 91
MAX_VERSIONS_PER_EPISODE = 6


@dataclass(slots=True)
class Version:
    episode: EpisodeInfo
    number: int
    status: str
    agreed_on: dt.date | None
    created_on: dt.date
    id: int = 0


def needs_safety_plan(episode: EpisodeInfo) -> bool:
    ref = episode.referral
    high_mh = any(
        d == "mental_health" and s == "high"
        for d, s in zip(ref.domains, ref.severities, strict=True)
    )
    return "personal_safety" in ref.domains or high_mh or ref.priority != "routine"


def _versions(
    ctx: SynthContext, rng: random.Random, episode: EpisodeInfo, first: int
) -> list[Version]:
    if episode.assessment_on is None or rng.random() >= 0.8:
        return []
    end = min(episode.finished_on or ctx.as_of, ctx.as_of)
    agreed = plus(episode.assessment_on, rng.randint(0, 14))
    if agreed > end:
        return [Version(episode, first, "draft", None, episode.assessment_on)]
    versions = [Version(episode, first, "agreed", agreed, episode.assessment_on)]
    while len(versions) < MAX_VERSIONS_PER_EPISODE and rng.random() < 0.6:
        review = plus(versions[-1].agreed_on, REVIEW_DAYS + rng.randint(-20, 45))  # type: ignore[arg-type]
        if review > end:
            break
        versions[-1].status = "superseded"
        versions.append(Version(episode, first + len(versions), "agreed", review, plus(review, -3)))
    return versions


@generator("safety_plans", after=("episodes",))
def safety_plans(ctx: SynthContext) -> None:
    """Safety plan versions (Stanley-Brown sections) and the crisis services on each."""
    rng = ctx.rng("safety_plans")
    latest: dict[int, list[Version]] = {}
    versions: list[Version] = []
    for episode in ctx.world.episodes:  # in date order, so versions number on across episodes
        if not needs_safety_plan(episode):
            continue
        earlier = latest.get(episode.person_id, [])
        if earlier and earlier[-1].status == "draft":  # an unfinished draft is taken over
            versions.remove(earlier.pop())
        found = _versions(ctx, rng, episode, (earlier[-1].number + 1) if earlier else 1)
        if found:
            for old in earlier:
                old.status = "superseded"
            latest[episode.person_id] = found
            versions += found
    versions.sort(key=lambda v: (v.created_on, v.episode.person_id, v.number))
    services = [ctx.world.services[c][0] for c in CRISIS_SERVICES if c in ctx.world.services]
    rows, links = [], []
    for plan_id, v in zip(ctx.ids(SafetyPlan.__table__, len(versions)), versions, strict=True):
        v.id = plan_id
        lead = v.episode.lead.id  # type: ignore[union-attr]
        agreed_at = at(v.agreed_on, rng) if v.agreed_on else None
        created = at(v.created_on, rng)
        due = plus(v.agreed_on or v.created_on, REVIEW_DAYS)
        rows.append(
            (
                plan_id,
                v.episode.person_id,
                v.number,
                v.status,
                *texts.SAFETY_TEXT.values(),
                due,
                agreed_at,
                METHODS.pick(rng) if agreed_at else None,
                lead if agreed_at else None,
                created,
                lead,
                max(created, agreed_at or created),
                lead,
                rng.randint(1, 3),
            )
        )
        links += [(plan_id, s) for s in sorted(rng.sample(services, min(3, len(services))))]
    ctx.insert(
        SafetyPlan.__table__,
        (
            "id",
            "person_id",
            "version",
            "status",
            *texts.SAFETY_TEXT,
            "review_due_on",
            "agreed_at",
            "agreement_method",
            "agreed_by_id",
            "created_at",
            "created_by_id",
            "updated_at",
            "updated_by_id",
            "revision",
        ),
        rows,
    )
    ctx.insert(safety_plan_services, ("safety_plan_id", "service_id"), links)
