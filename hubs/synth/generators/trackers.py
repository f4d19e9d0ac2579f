"""Physical health checks for people with severe mental illness (the six elements, about
yearly, some incomplete), employment status asked at assessment, and IPS referrals for
some of those looking for work."""

from __future__ import annotations

import random

from hubs.synth.context import EpisodeInfo, SynthContext
from hubs.synth.dist import Weighted, at, plus
from hubs.synth.registry import generator
from hubs.trackers.models import EmploymentCheck, HealthCheckRecord, IpsReferral

ELEMENTS = ("bmi", "blood_pressure", "glucose", "cholesterol", "smoking", "alcohol")
RESULTS = {
    "bmi": "BMI 27.4",
    "blood_pressure": "128/84",
    "glucose": "HbA1c 41 mmol/mol",
    "cholesterol": "Total cholesterol 5.2 mmol/L",
    "smoking": "",
    "alcohol": "About 8 units a week",
}
WHERE = ("GP practice", "Hub clinic", "Community pharmacy", "Home visit")
SMOKING = Weighted([("current", 40), ("ex_smoker", 30), ("never", 30)])
EMPLOYMENT = Weighted(
    [
        ("employed", 28),
        ("seeking_work", 16),
        ("long_term_sick", 22),
        ("student", 6),
        ("caring", 6),
        ("volunteering", 3),
        ("retired", 9),
        ("not_seeking_work", 7),
        ("declined_to_say", 3),
    ]
)
IPS_OUTCOME = Weighted(
    [
        ("awaiting", 20),
        ("accepted", 30),
        ("not_accepted", 10),
        ("declined", 10),
        ("into_work", 20),
        ("kept_work", 10),
    ]
)


def has_smi(rng: random.Random, episode: EpisodeInfo) -> bool:
    """Early intervention, or a high mental health need in about a third of cases."""
    ref = episode.referral
    high = any(
        d == "mental_health" and s == "high"
        for d, s in zip(ref.domains, ref.severities, strict=True)
    )
    return ref.service_code == "ASPIRE" or (high and rng.random() < 0.35)


def _checks(ctx: SynthContext, rng: random.Random, episode: EpisodeInfo):  # type: ignore[no-untyped-def]
    day = plus(episode.assessment_on, rng.randint(7, 60))  # type: ignore[arg-type]
    end = min(episode.finished_on or ctx.as_of, ctx.as_of)
    recorder = episode.lead.id  # type: ignore[union-attr]
    while day <= end:
        for element in ELEMENTS:
            if rng.random() < 0.12:
                continue  # not every element gets done
            smoking = SMOKING.pick(rng) if element == "smoking" else None
            offer = rng.choice(("accepted", "declined")) if smoking == "current" else None
            done = plus(day, rng.randint(0, 20))
            if done <= end:
                yield (
                    episode.person_id,
                    element,
                    done,
                    rng.choice(WHERE),
                    RESULTS[element],
                    smoking,
                    offer,
                    recorder,
                    at(done, rng),
                )
        day = plus(day, 365 + rng.randint(-30, 60))


@generator("trackers", after=("episodes",))
def trackers(ctx: SynthContext) -> None:
    """Health check elements, employment checks and IPS referrals."""
    rng = ctx.rng("trackers")
    checks, employment, ips = [], [], []
    ips_service = ctx.world.services.get("IPS", (None, ""))[0]
    for episode in ctx.world.episodes:
        if episode.assessment_on is None:
            continue
        if has_smi(rng, episode):
            checks += _checks(ctx, rng, episode)
        if rng.random() < 0.6:
            status = EMPLOYMENT.pick(rng)
            employment.append(
                (
                    episode.person_id,
                    episode.assessment_on,
                    status,
                    episode.lead.id,
                    at(episode.assessment_on, rng),
                )
            )  # type: ignore[union-attr]
            if status == "seeking_work" and rng.random() < 0.35:
                referred = plus(episode.assessment_on, rng.randint(7, 40))
                if referred <= ctx.as_of:
                    outcome = IPS_OUTCOME.pick(rng)
                    outcome_on = plus(referred, rng.randint(14, 120))
                    if outcome != "awaiting" and outcome_on > ctx.as_of:
                        outcome = "awaiting"
                    ips.append(
                        (
                            episode.person_id,
                            ips_service,
                            referred,
                            "",
                            outcome,
                            None if outcome == "awaiting" else outcome_on,
                            episode.lead.id,
                            at(referred, rng),
                        )
                    )  # type: ignore[union-attr]
    checks.sort(key=lambda c: (c[2], c[0]))
    for table, columns, rows in (
        (
            HealthCheckRecord.__table__,
            (
                "person_id",
                "element",
                "done_on",
                "where_done",
                "result",
                "smoking_status",
                "cessation_offer",
                "recorded_by_id",
                "recorded_at",
            ),
            checks,
        ),
        (
            EmploymentCheck.__table__,
            ("person_id", "asked_on", "status", "recorded_by_id", "recorded_at"),
            employment,
        ),
        (
            IpsReferral.__table__,
            (
                "person_id",
                "service_id",
                "referred_on",
                "note",
                "outcome",
                "outcome_on",
                "referred_by_id",
                "created_at",
            ),
            ips,
        ),
    ):
        ids = ctx.ids(table, len(rows))
        ctx.insert(table, ("id", *columns), ((i, *r) for i, r in zip(ids, rows, strict=True)))
