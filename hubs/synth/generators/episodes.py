"""Episodes of care for accepted referrals: a named lead worker (caseloads vary in size),
care teams drawn from the MDT (wellbeing connectors and peer support in many), members who
leave, and a few reassignments of the lead worker with who decided and why."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from hubs.referrals.models import CareTeamMember, Episode, LeadWorkerChange
from hubs.synth.context import EpisodeInfo, StaffInfo, SynthContext, TeamMember
from hubs.synth.dist import at, plus, upto
from hubs.synth.generators.referrals import CLINICAL_ROLES
from hubs.synth.registry import generator

# Who else joins a care team, and how often (a role is picked from the hub's staff).
EXTRA_MEMBERS = (
    (("wellbeing_connector", "wellbeing_connector", "peer_support_worker", "support_worker"), 0.45),
    (("psychiatrist",), 0.15),
    (("psychological_therapist", "clinical_psychologist"), 0.12),
    (("social_worker",), 0.10),
    (("occupational_therapist",), 0.06),
    (("mental_health_pharmacist",), 0.03),
)
LEAVE_EARLY_SHARE = 0.15
LEAD_CHANGE_SHARE = 0.05
LEAD_CHANGE_REASONS = (
    "Worker moved to another team",
    "Rebalancing caseloads",
    "The person asked for a different worker",
    "Long-term sickness cover",
)


class Pool:
    """A hub's staff in one role group, picked with each worker's own weight."""

    def __init__(self, staff: list[StaffInfo]) -> None:
        self.staff = staff
        # Staff who have left keep old allocations but rarely get new ones.
        self.cum = list(accumulate(s.weight * (1 if s.is_active else 0.1) for s in staff))

    def pick(self, rng: random.Random) -> StaffInfo | None:
        return rng.choices(self.staff, cum_weights=self.cum)[0] if self.staff else None


def _pools(ctx: SynthContext) -> dict[tuple[int, str], Pool]:
    pools: dict[tuple[int, str], Pool] = {}
    for team in ctx.world.hubs:
        staff = ctx.world.staff_of(team.id)
        pools[(team.id, "lead")] = Pool([s for s in staff if s.role in CLINICAL_ROLES])
        for role in {r for roles, _ in EXTRA_MEMBERS for r in roles}:
            pools[(team.id, role)] = Pool([s for s in staff if s.role == role])
    return pools


def _left(
    rng: random.Random, joined: dt.date, episode: EpisodeInfo, as_of: dt.date
) -> dt.date | None:
    end = episode.finished_on
    if rng.random() < LEAVE_EARLY_SHARE:
        last = (end or as_of) - joined
        if last.days > 30:
            end = joined + dt.timedelta(days=rng.randint(30, last.days))
    return upto(end, as_of)


def _care_team(
    ctx: SynthContext, rng: random.Random, episode: EpisodeInfo, pools: dict[tuple[int, str], Pool]
) -> None:
    team_id = episode.team_id
    lead = pools[(team_id, "lead")].pick(rng)
    assert lead is not None, "every hub needs clinicians who can lead an episode"
    episode.lead = lead
    episode.care_team.append(
        TeamMember(lead, episode.opened_on, upto(episode.finished_on, ctx.as_of))
    )
    start = episode.first_contact_on
    if start is None:
        return
    for roles, share in EXTRA_MEMBERS:
        if rng.random() >= share:
            continue
        member = pools[(team_id, rng.choice(roles))].pick(rng)
        joined = plus(start, rng.randint(3, 45))
        if member is None or member.id in {m.user.id for m in episode.care_team}:
            continue
        if joined <= min(episode.finished_on or ctx.as_of, ctx.as_of):
            episode.care_team.append(
                TeamMember(member, joined, _left(rng, joined, episode, ctx.as_of))
            )


def _change_lead(
    ctx: SynthContext, rng: random.Random, episode: EpisodeInfo, pools: dict[tuple[int, str], Pool]
) -> tuple | None:  # type: ignore[type-arg]
    """Hand the episode to a new lead worker part-way through (the old one leaves the team)."""
    start, end = episode.second_contact_on, episode.finished_on or ctx.as_of
    if start is None or (end - start).days < 60 or rng.random() >= LEAD_CHANGE_SHARE:
        return None
    new = pools[(episode.team_id, "lead")].pick(rng)
    old = episode.lead
    if new is None or old is None or new.id in {m.user.id for m in episode.care_team}:
        return None
    on = plus(start, rng.randint(30, (end - start).days - 1))
    episode.care_team[0].left_on = on
    episode.care_team.append(TeamMember(new, on, upto(episode.finished_on, ctx.as_of)))
    episode.lead = new
    return (old.id, new.id, rng.choice(LEAD_CHANGE_REASONS), at(on, rng))


@generator("episodes", after=("referrals",))
def episodes(ctx: SynthContext) -> None:
    """Episodes with their lead workers, care teams and reassignments."""
    rng = ctx.rng("episodes")
    pools = _pools(ctx)
    ctx.world.episodes.sort(key=lambda e: (e.opened_on, e.referral.id))
    managers: dict[int | None, int] = {}
    for member in ctx.world.staff:
        if member.role == "team_manager":
            managers.setdefault(member.team_id, member.id)
    changes = []
    for episode_id, episode in zip(
        ctx.ids(Episode.__table__, len(ctx.world.episodes)), ctx.world.episodes, strict=True
    ):
        episode.id = episode_id
        _care_team(ctx, rng, episode, pools)
        change = _change_lead(ctx, rng, episode, pools)
        if change:
            changes.append((episode.id, *change, managers.get(episode.team_id)))
    ctx.insert(
        Episode.__table__,
        (
            "id",
            "referral_id",
            "person_id",
            "team_id",
            "status",
            "lead_worker_id",
            "opened_at",
            "started_on",
            "finished_on",
        ),
        (
            (
                e.id,
                e.referral.id,
                e.person_id,
                e.team_id,
                e.status,
                e.lead.id,  # type: ignore[union-attr]
                at(e.opened_on, rng),
                e.first_contact_on,
                e.finished_on,
            )
            for e in ctx.world.episodes
        ),
    )
    members = [
        (e.id, m.user.id, m.user.role, m.joined_on, m.left_on)
        for e in ctx.world.episodes
        for m in e.care_team
    ]
    ctx.insert(
        CareTeamMember.__table__,
        ("id", "episode_id", "user_id", "role", "joined_on", "left_on"),
        (
            (i, *m)
            for i, m in zip(ctx.ids(CareTeamMember.__table__, len(members)), members, strict=True)
        ),
    )
    ctx.insert(
        LeadWorkerChange.__table__,
        ("id", "episode_id", "from_user_id", "to_user_id", "reason", "at", "by_id"),
        (
            (i, *c)
            for i, c in zip(ctx.ids(LeadWorkerChange.__table__, len(changes)), changes, strict=True)
        ),
    )
