"""Clock events for every episode, from the dates the referral generator drew and the rows
later generators wrote for them (the contact, care plan, action or measure that recorded
each), so the 4-week, second-contact and EIP clocks read from the rows agree with the waits
that were drawn."""

from __future__ import annotations

from hubs.referrals.models import ClockEvent
from hubs.synth.context import EpisodeInfo, SynthContext
from hubs.synth.dist import at
from hubs.synth.registry import generator


def _events(episode: EpisodeInfo):  # type: ignore[no-untyped-def]
    own = ("episode", episode.id)
    dated = (
        ("first_contact", episode.first_contact_on),
        ("second_contact", episode.second_contact_on),
        ("assessment", episode.assessment_on),
        ("care_plan_agreed", episode.plan_agreed_on),
        ("first_intervention", episode.first_intervention_on),
        ("baseline_measure", episode.baseline_on),
        ("eip_package_started", episode.eip_started_on),
    )
    for kind, day in dated:
        if day is not None:
            yield day, kind, episode.sources.get(kind, own)


@generator("clocks", after=("contacts", "careplans", "outcomes"))
def clocks(ctx: SynthContext) -> None:
    """The dated events each waiting-time clock counts, in date order."""
    rng = ctx.rng("clocks")
    rows = sorted(
        (
            (day, kind, e.person_id, e.referral.id, source)
            for e in ctx.world.episodes
            for day, kind, source in _events(e)
        ),
        key=lambda r: (r[0], r[2], r[1]),
    )
    ids = ctx.ids(ClockEvent.__table__, len(rows))
    ctx.insert(
        ClockEvent.__table__,
        (
            "id",
            "person_id",
            "referral_id",
            "kind",
            "occurred_on",
            "recorded_at",
            "source_type",
            "source_id",
        ),
        (
            (i, pid, rid, kind, day, at(day, rng, 17, 19), source[0], source[1])
            for i, (day, kind, pid, rid, source) in zip(ids, rows, strict=True)
        ),
    )
