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

from hubs.referrals.models import Referral, ReferralEvent, ReferralNeed
from hubs.synth import texts
from hubs.synth.context import EpisodeInfo, PersonInfo, ReferralInfo, SynthContext, TeamInfo
from hubs.synth.dist import at, plus, upto
from hubs.synth.generators.referral_plans import OVERRIDE_SHARE, Plan, plan_timelines
from hubs.synth.registry import generator

# --- Materialising the plans at the as-of date ----------------------------------------------


def _team(ctx: SynthContext, rng: random.Random, person: PersonInfo) -> TeamInfo:
    if rng.random() < OVERRIDE_SHARE:
        return rng.choice(ctx.world.hubs)
    return person.team


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
    staff_by_team: dict[int, tuple[list[int], list[int]]] = {}
    for team in world.hubs:
        members = world.staff_of(team.id)
        admins = [s.id for s in members if s.role == "administrator"] or [members[0].id]
        clinicians = [s.id for s in members if s.role in CLINICAL_ROLES] or [members[0].id]
        staff_by_team[team.id] = (admins, clinicians)
    for rid, (person, received, plan) in zip(ids, planned, strict=True):
        team = _team(ctx, rng, person)
        status, closed = _status(plan, received, as_of)
        triaged = None if plan.triage_d is None else upto(plus(received, plan.triage_d), as_of)
        service_id = (
            team.team_service_id if plan.service == "HUB" else world.services[plan.service][0]
        )
        admins, clinicians = staff_by_team[team.id]
        ref = ReferralInfo(
            rid,
            person,
            team,
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
            ref.signposted_to = _destination(ctx, rng, plan.signpost_to or "TALKING", team)
        if status == "accepted":
            ref.episode = _episode(rid, ref, plan, as_of)
            world.episodes.append(ref.episode)
        world.referrals.append(ref)


def _destination(ctx: SynthContext, rng: random.Random, code: str, team: TeamInfo) -> int:
    if code == "TRANSFER":
        others = [h for h in ctx.world.hubs if h.id != team.id] or ctx.world.hubs
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
        ref.team.id,
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
        "Moving to this area soon" if ref.team is not ref.person.team else None,
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
    "team_id",
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
    "team_override_reason",
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
