"""Referrals by need: sources, priorities, needs and severities, waits around the standards
(with some breaches), and the outcome of each (accepted into an episode of care, signposted
with a warm handover, withdrawn or entered in error; the newest may still be open).

Each person's referrals follow one another in time: the newest falls somewhere in the last
`scale.years`, each earlier one ended before the next began, so a person is never in two
hubs' care at once. The episode dates planned here (first contact, assessment, care plan,
first intervention, baseline measure) are what the later generators record, so the clocks
read from the rows agree with the waits drawn here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from hubs.referrals.models import Referral, ReferralEvent, ReferralNeed
from hubs.synth import texts
from hubs.synth.context import EpisodeInfo, HubInfo, PersonInfo, ReferralInfo, SynthContext
from hubs.synth.dist import Weighted, at, days_around, plus, upto
from hubs.synth.generators.people import history_start
from hubs.synth.registry import generator

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


# --- Materialising the plans at the as-of date ----------------------------------------------


def _hub(ctx: SynthContext, rng: random.Random, person: PersonInfo) -> HubInfo:
    if rng.random() < OVERRIDE_SHARE:
        return rng.choice(ctx.world.hubs)
    return person.hub


def _status(plan: Plan, received: dt.date, as_of: dt.date) -> tuple[str, dt.date | None]:
    decided = plus(received, plan.decision_d)
    if decided <= as_of:
        return plan.outcome, decided
    triaged = plan.triage_d is not None and plus(received, plan.triage_d) <= as_of
    return ("triaged" if triaged else "received"), None


def _episode(rid: int, ref: ReferralInfo, plan: Plan, as_of: dt.date) -> EpisodeInfo:
    day = ref.received_on

    def on(offset: int | None) -> dt.date | None:
        return upto(None if offset is None else plus(day, offset), as_of)

    return EpisodeInfo(
        id=0,
        referral=ref,
        opened_on=plus(day, plan.decision_d),
        first_contact_on=on(plan.first_contact_d),
        second_contact_on=on(plan.second_contact_d),
        assessment_on=on(plan.assessment_d),
        plan_agreed_on=on(plan.plan_agreed_d),
        first_intervention_on=on(plan.intervention_d),
        baseline_on=on(plan.baseline_d),
        finished_on=on(plan.first_contact_d + plan.length_d),
        eip_started_on=on(plan.decision_d + 1) if plan.service == "ASPIRE" else None,
    )


def materialise(ctx: SynthContext, rng: random.Random) -> None:
    world, as_of = ctx.world, ctx.as_of
    planned = plan_timelines(ctx, rng)
    ids = ctx.ids(Referral.__table__, len(planned))
    staff_by_hub: dict[int, tuple[list[int], list[int]]] = {}
    for hub in world.hubs:
        members = world.staff_of(hub.id)
        admins = [s.id for s in members if s.role == "administrator"] or [members[0].id]
        clinicians = [s.id for s in members if s.role in CLINICAL_ROLES] or [members[0].id]
        staff_by_hub[hub.id] = (admins, clinicians)
    for rid, (person, received, plan) in zip(ids, planned, strict=True):
        hub = _hub(ctx, rng, person)
        status, closed = _status(plan, received, as_of)
        triaged = None if plan.triage_d is None else upto(plus(received, plan.triage_d), as_of)
        service_id = (
            hub.team_service_id if plan.service == "HUB" else world.services[plan.service][0]
        )
        admins, clinicians = staff_by_hub[hub.id]
        ref = ReferralInfo(
            rid,
            person,
            hub,
            service_id,
            plan.service,
            plan.source,
            plan.priority,
            received,
            triaged,
            status,
            closed,
            plan.domains,
            plan.severities,
            admin_id=rng.choice(admins),
            clinician_id=rng.choice(clinicians),
        )
        if status == "signposted":
            ref.signposted_to = _destination(ctx, rng, plan.signpost_to or "TALKING", hub)
        if status == "accepted":
            ref.episode = _episode(rid, ref, plan, as_of)
            world.episodes.append(ref.episode)
        world.referrals.append(ref)


def _destination(ctx: SynthContext, rng: random.Random, code: str, hub: HubInfo) -> int:
    if code == "TRANSFER":
        others = [h for h in ctx.world.hubs if h.id != hub.id] or ctx.world.hubs
        return rng.choice(others).team_service_id
    return ctx.world.services[code][0]


CLINICAL_ROLES = frozenset(
    {
        "mental_health_nurse",
        "mental_health_practitioner",
        "occupational_therapist",
        "social_worker",
        "clinical_psychologist",
        "psychological_therapist",
    }
)


# --- Rows ---------------------------------------------------------------------------------


def _referral_row(rng: random.Random, ref: ReferralInfo) -> tuple:  # type: ignore[type-arg]
    status = ref.status
    return (
        ref.id,
        ref.person.id,
        ref.hub.id,
        ref.service_id,
        ref.source,
        "Dr " + ("Patel", "Smith", "Okafor", "Nowak", "Hughes")[ref.id % 5]
        if ref.source == "gp"
        else ref.source.replace("_", " ").capitalize(),
        "Demo Primary Care Network" if ref.source == "gp" else None,
        ref.received_on,
        rng.choice(texts.WHAT_MATTERS),
        rng.choice(texts.RISK),
        ref.priority,
        "",
        None,
        "Moving to this area soon" if ref.hub is not ref.person.hub else None,
        ref.priority in ("emergency", "very_urgent"),
        status,
        rng.choice(texts.TRIAGE) if ref.triaged_on else None,
        ref.signposted_to,
        texts.HANDOVER if status == "signposted" else None,
        ref.closed_on if status == "signposted" else None,
        rng.choice(texts.WITHDRAWN) if status == "withdrawn" else None,
        ref.closed_on,
        at(ref.received_on, rng),
        ref.admin_id,
        None,
        1,
    )


REFERRAL_COLUMNS = (
    "id",
    "person_id",
    "hub_id",
    "service_id",
    "source",
    "referrer_name",
    "referrer_organisation",
    "received_on",
    "what_matters",
    "risk_summary",
    "priority",
    "communication_needs",
    "diagnosis",
    "hub_override_reason",
    "is_crisis_routed",
    "status",
    "triage_rationale",
    "signposted_service_id",
    "handover_note",
    "destination_confirmed_on",
    "withdrawn_reason",
    "closed_on",
    "created_at",
    "created_by_id",
    "submission_key",
    "lock_version",
)


def _events(rng: random.Random, ref: ReferralInfo):  # type: ignore[no-untyped-def]
    yield ("receive", None, "received", at(ref.received_on, rng, 9, 10), ref.admin_id, "")
    before = "received"
    if ref.triaged_on:
        yield (
            "triage",
            "received",
            "triaged",
            at(ref.triaged_on, rng, 10, 13),
            ref.clinician_id,
            f"Priority confirmed: {ref.priority.replace('_', ' ').capitalize()}",
        )
        before = "triaged"
    if ref.closed_on:
        action = {
            "accepted": "accept",
            "signposted": "signpost",
            "withdrawn": "withdraw",
            "entered_in_error": "enter_in_error",
        }[ref.status]
        yield (action, before, ref.status, at(ref.closed_on, rng, 13, 17), ref.clinician_id, "")


@generator("referrals", after=("people", "staff"))
def referrals(ctx: SynthContext) -> None:
    """Referrals with their needs and history, dated so each person's follow one another."""
    rng = ctx.rng("referrals")
    materialise(ctx, rng)
    refs = ctx.world.referrals
    ctx.insert(Referral.__table__, REFERRAL_COLUMNS, (_referral_row(rng, r) for r in refs))
    needs = [
        (r.id, d, s, rng.choice(texts.OWN_WORDS[d]))
        for r in refs
        for d, s in zip(r.domains, r.severities, strict=True)
    ]
    need_ids = ctx.ids(ReferralNeed.__table__, len(needs))
    ctx.insert(
        ReferralNeed.__table__,
        ("id", "referral_id", "domain", "severity", "own_words"),
        ((i, *n) for i, n in zip(need_ids, needs, strict=True)),
    )
    events = sorted(((r.id, *e) for r in refs for e in _events(rng, r)), key=lambda e: e[4])
    event_ids = ctx.ids(ReferralEvent.__table__, len(events))
    ctx.insert(
        ReferralEvent.__table__,
        ("id", "referral_id", "action", "from_status", "to_status", "at", "actor_id", "note"),
        ((i, *e) for i, e in zip(event_ids, events, strict=True)),
    )
