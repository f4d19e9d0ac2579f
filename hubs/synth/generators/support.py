"""Wellbeing connectors and support workers linking people to community offers, followed up
about four weeks later to see whether the person went."""

from __future__ import annotations

from hubs.support.models import Signposting
from hubs.synth.context import SynthContext
from hubs.synth.dist import Weighted, at, plus
from hubs.synth.generators.contacts import VCSE_ROLES
from hubs.synth.registry import generator

OFFERS = (
    "DEMOWALK",
    "DEMOART",
    "DEMOMONEY",
    "DEMOCARERS",
    "DEMOPEER",
    "DEMOGARDEN",
    "DEMOTENANCY",
    "DEMOLEARN",
    "DEMOQUIT",
)
OUTCOMES = Weighted([("attended", 55), ("declined", 20), ("not_yet", 25)])


@generator("signposting", after=("episodes",))
def signposting(ctx: SynthContext) -> None:
    """Links to community offers by the VCSE members of care teams, with their follow-ups."""
    rng = ctx.rng("signposting")
    offers = [ctx.world.services[c][0] for c in OFFERS if c in ctx.world.services]
    rows = []
    for episode in ctx.world.episodes:
        for member in episode.care_team:
            if member.user.role not in VCSE_ROLES or rng.random() >= 0.6:
                continue
            end = min(member.left_on or ctx.as_of, episode.finished_on or ctx.as_of)
            span = (end - member.joined_on).days
            if span < 0:
                continue
            day = plus(member.joined_on, rng.randint(0, span))
            follow_up = plus(day, 28)
            outcome = OUTCOMES.pick(rng) if follow_up <= ctx.as_of else "not_yet"
            outcome_on = follow_up if outcome != "not_yet" else None
            rows.append(
                (
                    episode.person_id,
                    rng.choice(offers),
                    member.user.id,
                    day,
                    "",
                    follow_up,
                    outcome,
                    outcome_on,
                    "",
                    at(day, rng),
                )
            )
    rows.sort(key=lambda r: (r[3], r[0]))
    ids = ctx.ids(Signposting.__table__, len(rows))
    ctx.insert(
        Signposting.__table__,
        (
            "id",
            "person_id",
            "service_id",
            "worker_id",
            "signposted_on",
            "note",
            "follow_up_on",
            "outcome",
            "outcome_on",
            "outcome_note",
            "created_at",
        ),
        ((i, *r) for i, r in zip(ids, rows, strict=True)),
    )
