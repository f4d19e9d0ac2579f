"""What each synthetic referral will be: its source, priority, needs and severities, the
service it asks for, the waits around the standards (with some breaches) and how it ends,
and when each of a person's referrals falls, one after another in time.

Nothing here touches the database: `referrals` materialises these plans at the as-of date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from hubs.synth.context import PersonInfo, SynthContext
from hubs.synth.dist import Weighted, days_around
from hubs.synth.generators.people import history_start

SOURCES = Weighted(
    [
        ("gp", 52),
        ("self", 12),
        ("family_carer", 4),
        ("aspire", 3),
        ("camhs", 3),
        ("crisis_service", 8),
        ("vcse", 9),
        ("social_care", 6),
        ("other", 3),
    ]
)
PRIORITY = Weighted([("routine", 77), ("urgent", 17), ("very_urgent", 4.5), ("emergency", 1.5)])
PRIORITY_FROM_CRISIS = Weighted(
    [("routine", 40), ("urgent", 40), ("very_urgent", 15), ("emergency", 5)]
)
NEED_COUNT = Weighted([(1, 25), (2, 35), (3, 25), (4, 15)])
OTHER_DOMAINS = Weighted(
    [
        ("practical_help", 22),
        ("accommodation", 20),
        ("money_debt", 20),
        ("friendships", 18),
        ("physical_health", 16),
        ("job_situation", 15),
        ("family_partner", 13),
        ("substance_use", 10),
        ("personal_safety", 10),
        ("medication", 10),
        ("leisure_activities", 8),
        ("carers_family_support", 5),
        ("meetings_with_professionals", 4),
    ]
)
SEVERITY_ROUTINE = Weighted([("low", 35), ("moderate", 45), ("high", 20)])
SEVERITY_URGENT = Weighted([("low", 10), ("moderate", 40), ("high", 50)])
OUTCOME = Weighted(
    [("accepted", 56), ("signposted", 30), ("withdrawn", 12), ("entered_in_error", 2)]
)
SIGNPOST_TO = Weighted(
    [
        ("TALKING", 30),
        ("PCT", 20),
        ("IPS", 6),
        ("SUPPORTEDACC", 4),
        ("REHAB", 3),
        ("DEMOWALK", 4),
        ("DEMOART", 4),
        ("DEMOMONEY", 6),
        ("DEMOCARERS", 3),
        ("DEMOPEER", 5),
        ("DEMOGARDEN", 3),
        ("DEMOTENANCY", 4),
        ("DEMOLEARN", 2),
        ("DEMOQUIT", 2),
        ("TRANSFER", 4),
    ]
)
CRISIS_TO = Weighted([("DIALHOUSE", 45), ("WELLBEAN", 25), ("CONNECT", 30)])
OVERRIDE_SHARE = 0.02  # sent to another hub than the GP practice's, with a reason


@dataclass(slots=True)
class Plan:
    """One referral's story as day offsets from the day it was received."""

    source: str
    priority: str
    service: str  # a service code, or "HUB"
    domains: tuple[str, ...]
    severities: tuple[str, ...]
    outcome: str
    triage_d: int | None
    decision_d: int
    signpost_to: str | None = None
    # Accepted only: offsets of the episode's events, and its length from first contact.
    first_contact_d: int = 0
    assessment_d: int = 0
    baseline_d: int = 0
    second_contact_d: int = 0
    plan_agreed_d: int | None = None
    intervention_d: int | None = None
    length_d: int = 0

    @property
    def span(self) -> int:
        """Days from received to the end of everything this referral led to."""
        if self.outcome != "accepted":
            return self.decision_d
        return self.first_contact_d + self.length_d


def _needs(rng: random.Random, priority: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    count = NEED_COUNT.pick(rng)
    domains = ["mental_health"] if rng.random() < 0.75 else []
    while len(domains) < count:
        domain = OTHER_DOMAINS.pick(rng)
        if domain not in domains:
            domains.append(domain)
    severity = SEVERITY_ROUTINE if priority == "routine" else SEVERITY_URGENT
    return tuple(domains), tuple(severity.pick(rng) for _ in domains)


def _service(rng: random.Random, age: int, domains: tuple[str, ...]) -> str:
    if 14 <= age <= 35 and "mental_health" in domains and rng.random() < 0.07:
        return "ASPIRE"
    if 18 <= age <= 25 and rng.random() < 0.05:
        return "EMERGE"
    return "LINKEDED" if rng.random() < 0.015 else "HUB"


def _accepted_offsets(rng: random.Random, plan: Plan) -> None:
    """Waits to the events that stop the 4-week clock: most inside 28 days, some not."""
    plan.first_contact_d = plan.decision_d + days_around(rng, 4, 0.6, 1)
    plan.assessment_d = plan.first_contact_d + (rng.randint(1, 7) if rng.random() < 0.3 else 0)
    plan.baseline_d = plan.assessment_d + rng.randint(0, 3)
    stop = max(days_around(rng, 21, 0.38, 1), plan.baseline_d + 2)
    if rng.random() < 0.03:  # never agreed a plan: the clock keeps running
        plan.plan_agreed_d = plan.intervention_d = None
    else:
        plan.intervention_d = stop
        plan.plan_agreed_d = max(plan.assessment_d, stop - rng.randint(0, 5))
    plan.second_contact_d = plan.first_contact_d + max(
        1, round((stop - plan.first_contact_d) * rng.uniform(0.3, 0.8))
    )
    median = 500 if plan.service == "ASPIRE" else 365
    plan.length_d = max(stop - plan.first_contact_d + 14, days_around(rng, median, 0.6, 60))


def plan_referral(rng: random.Random, age: int) -> Plan:
    source = SOURCES.pick(rng)
    priority = (PRIORITY_FROM_CRISIS if source == "crisis_service" else PRIORITY).pick(rng)
    domains, severities = _needs(rng, priority)
    service = _service(rng, age, domains)
    if priority in ("emergency", "very_urgent") and rng.random() < 0.65:
        # Routed to crisis services at once with a warm handover, still tracked to its end.
        return Plan(
            source,
            priority,
            service,
            domains,
            severities,
            "signposted",
            None,
            rng.randint(0, 1),
            CRISIS_TO.pick(rng),
        )
    outcome = (
        OUTCOME.pick(rng)
        if service == "HUB"
        else rng.choice(("accepted", "accepted", "signposted"))
    )
    triage_d = days_around(rng, 3, 0.6)
    decision = days_around(
        rng, 11 if service == "ASPIRE" else 10, 0.55 if service == "ASPIRE" else 0.8, 1
    )
    if outcome in ("withdrawn", "entered_in_error") and rng.random() < 0.4:
        triage_d, decision = None, days_around(rng, 5, 0.8)
    plan = Plan(
        source,
        priority,
        service,
        domains,
        severities,
        outcome,
        triage_d,
        max(decision, triage_d or 0),
    )
    if outcome == "signposted":
        plan.signpost_to = SIGNPOST_TO.pick(rng)
    if outcome == "accepted":
        _accepted_offsets(rng, plan)
    return plan


# --- Timelines ----------------------------------------------------------------------------


def _referral_counts(rng: random.Random, people: int, referrals: int) -> list[int]:
    counts = [1] * people
    for index in rng.choices(range(people), k=max(0, referrals - people)):
        counts[index] += 1
    return counts


def _age(person: PersonInfo, on: dt.date) -> int:
    return (on - person.born).days // 365


def _timeline(
    rng: random.Random, person: PersonInfo, count: int, newest: dt.date, start: dt.date
) -> list[tuple[dt.date, Plan]]:
    """`count` referrals backwards from `newest`, each ending before the next (fewer if they
    would begin before the history starts)."""
    timeline: list[tuple[dt.date, Plan]] = []
    received = newest
    while len(timeline) < count and received >= start:
        plan = plan_referral(rng, _age(person, received))
        if timeline:
            received = timeline[0][0] - dt.timedelta(days=plan.span + days_around(rng, 150, 0.7, 6))
            if received < start:
                break
        timeline.insert(0, (received, plan))
    return timeline


def plan_timelines(ctx: SynthContext, rng: random.Random) -> list[tuple[PersonInfo, dt.date, Plan]]:
    scale = ctx.scale
    start = history_start(ctx)
    window = scale.years * 365
    planned: list[tuple[PersonInfo, dt.date, Plan]] = []
    spill = 0
    people = ctx.world.people
    for person, count in zip(
        people, _referral_counts(rng, len(people), scale.referrals), strict=True
    ):
        newest = ctx.window_end - dt.timedelta(days=rng.randrange(window))
        timeline = _timeline(rng, person, count, newest, start)
        spill += count - len(timeline)
        planned += [(person, day, plan) for day, plan in timeline]
    firsts = {p.id: day for p, day, _ in sorted(planned, key=lambda t: t[1], reverse=True)}
    while spill:  # place what did not fit before someone else's first referral
        person = rng.choice(people)
        plan = plan_referral(rng, _age(person, firsts[person.id]))
        day = firsts[person.id] - dt.timedelta(days=plan.span + days_around(rng, 150, 0.7, 6))
        if day >= start:
            planned.append((person, day, plan))
            firsts[person.id] = day
            spill -= 1
    return sorted(planned, key=lambda t: (t[1], t[0].id))
