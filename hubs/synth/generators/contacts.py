"""Contacts logged by each member of a care team, at the frequency their role works to
(wellbeing connectors weekly, care coordinators fortnightly, psychiatrists quarterly), with
what the support was and which needs it addressed.

Contacts are generated in date order across the whole city (a heap of every team member's
next visit), so ids rise with time as in a real system and a person's contacts are spread
through the table rather than stored side by side, which would flatter the benchmarks.
The lead worker's first two contacts are the first and second attended contacts the clocks
count.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from hubs.support.models import Contact, ContactActivity, ContactNeed
from hubs.synth import texts
from hubs.synth.context import EpisodeInfo, SynthContext, TeamMember
from hubs.synth.dist import Weighted, at, plus
from hubs.synth.registry import generator

# Days between contacts, by role (before calibrating to the scale's number of contacts).
INTERVAL = {
    "wellbeing_connector": 9,
    "support_worker": 8,
    "peer_support_worker": 14,
    "psychiatrist": 75,
    "psychological_therapist": 10,
    "clinical_psychologist": 14,
    "social_worker": 21,
    "occupational_therapist": 18,
    "mental_health_pharmacist": 90,
    "primary_care_staff": 60,
}
LEAD_INTERVAL = 12
VCSE_ROLES = frozenset({"wellbeing_connector", "support_worker", "peer_support_worker"})
MODES_VCSE = Weighted(
    [("face_to_face", 45), ("phone", 30), ("text", 12), ("accompanied", 8), ("video", 5)]
)
MODES_CLINICAL = Weighted([("face_to_face", 50), ("phone", 30), ("video", 15), ("text", 5)])
REACHED = Weighted([("yes", 86), ("no", 10), ("carer_or_other", 4)])
MINUTES = {
    "face_to_face": (30, 90),
    "phone": (10, 40),
    "video": (20, 60),
    "text": (0, 5),
    "accompanied": (60, 180),
}
LOCATIONS = {
    "face_to_face": ("Hub base", "Home visit", "Community venue", "GP surgery"),
    "accompanied": ("Jobcentre", "GP surgery", "Community group", "Housing office"),
}
ACTIVITIES = Weighted(
    [
        ("what_matters", 20),
        ("community_group", 15),
        ("benefits_money", 14),
        ("housing", 12),
        ("practical_help", 12),
        ("peer_support", 8),
        ("accompanying", 7),
        ("employment_ips", 6),
        ("carers_support", 3),
        ("education", 3),
    ]
)
CHUNK = 50_000


@dataclass(slots=True)
class Visit:
    """One team member's next contact with one person."""

    episode: EpisodeInfo
    member: TeamMember
    interval: float
    until: dt.date
    planned: list[dt.date]  # fixed dates first (the lead's first and second contact)


def _until(ctx: SynthContext, episode: EpisodeInfo, member: TeamMember) -> dt.date:
    ends = [d for d in (member.left_on, episode.finished_on) if d is not None]
    return min([*ends, ctx.as_of])


def _visits(ctx: SynthContext) -> list[tuple[dt.date, Visit]]:
    visits = []
    for episode in ctx.world.episodes:
        first, second = episode.first_contact_on, episode.second_contact_on
        if first is None:
            continue
        for n, member in enumerate(episode.care_team):
            is_first_lead = n == 0
            if second is None and not is_first_lead:
                break  # nobody else sees the person before their second contact
            interval = (
                LEAD_INTERVAL
                if member.user is episode.lead or is_first_lead
                else (INTERVAL.get(member.user.role, 21))
            )
            planned = [d for d in (first, second) if d is not None] if is_first_lead else []
            start = first if is_first_lead else max(member.joined_on, plus(second or first, 1))
            until = _until(ctx, episode, member) if second is not None else first
            visit = Visit(episode, member, interval, until, planned)
            if start <= visit.until:
                visits.append((start, visit))
    return visits


def _calibrate(visits: list[tuple[dt.date, Visit]], target: int) -> None:
    """Stretch or shrink every interval so the total comes out at (just over) the target."""
    expected = sum(len(v.planned) + (v.until - start).days / v.interval for start, v in visits)
    factor = expected / (target * 1.01) if target else 1.0
    for _, visit in visits:
        visit.interval *= factor


def _schedule(
    rng: random.Random, visits: list[tuple[dt.date, Visit]]
) -> Iterator[tuple[dt.date, Visit, dt.date | None]]:
    """Every contact in date order: (day, visit, the next contact it plans or None)."""
    counter = itertools.count()
    heap = [(start, next(counter), v) for start, v in visits]
    heapq.heapify(heap)
    while heap:
        day, _, visit = heapq.heappop(heap)
        if visit.planned and visit.planned[0] == day:
            visit.planned.pop(0)
        following = (
            visit.planned[0]
            if visit.planned
            else plus(day, max(1, round(visit.interval * rng.uniform(0.6, 1.4))))
        )
        upcoming = following if following <= visit.until else None
        yield day, visit, upcoming
        if upcoming is not None:
            heapq.heappush(heap, (following, next(counter), visit))


def _contact(
    rng: random.Random, cid: int, day: dt.date, visit: Visit, upcoming: dt.date | None, fixed: bool
) -> tuple:  # type: ignore[type-arg]
    role = visit.member.user.role
    mode = (
        "face_to_face"
        if fixed
        else (MODES_VCSE if role in VCSE_ROLES else MODES_CLINICAL).pick(rng)
    )
    reached = "yes" if fixed or mode == "text" else REACHED.pick(rng)
    low, high = MINUTES[mode]
    created = at(day, rng, 12, 19)
    return (
        cid,
        visit.episode.person_id,
        visit.member.user.id,
        day,
        rng.randint(low, high),
        mode,
        reached,
        rng.choice(LOCATIONS.get(mode, ("",))),
        rng.choice(texts.CONTACT_NOTES),
        rng.random() < 0.03,
        rng.choice(texts.NEXT_STEPS),
        upcoming,
        created,
        None,
    )


def _details(rng: random.Random, cid: int, visit: Visit) -> tuple[list, list]:  # type: ignore[type-arg]
    activities, needs = [], []
    if visit.member.user.role in VCSE_ROLES and rng.random() < 0.7:
        activities = sorted({ACTIVITIES.pick(rng) for _ in range(rng.randint(1, 2))})
    if rng.random() < 0.5:
        domains = visit.episode.referral.domains
        needs = sorted(set(rng.sample(domains, min(len(domains), rng.randint(1, 2)))))
    return [(cid, a) for a in activities], [(cid, d) for d in needs]


CONTACT_COLUMNS = (
    "id",
    "person_id",
    "worker_id",
    "contact_on",
    "duration_minutes",
    "mode",
    "reached",
    "location",
    "notes",
    "is_staff_only",
    "next_step",
    "next_contact_on",
    "created_at",
    "updated_at",
)


@generator("contacts", after=("episodes",))
def contacts(ctx: SynthContext) -> None:
    """About 1.5 million contacts at city scale, in date order, with activities and needs."""
    rng = ctx.rng("contacts")
    visits = _visits(ctx)
    _calibrate(visits, ctx.scale.contacts)
    schedule = _schedule(rng, visits)
    while batch := list(itertools.islice(schedule, CHUNK)):
        ids = ctx.ids(Contact.__table__, len(batch))
        rows, activities, needs = [], [], []
        for cid, (day, visit, upcoming) in zip(ids, batch, strict=True):
            sources = visit.episode.sources
            fixed = day in (visit.episode.first_contact_on, visit.episode.second_contact_on) and (
                visit.member is visit.episode.care_team[0]
            )
            if fixed:
                kind = (
                    "first_contact" if day == visit.episode.first_contact_on else "second_contact"
                )
                sources.setdefault(kind, ("contact", cid))
            rows.append(_contact(rng, cid, day, visit, upcoming, fixed))
            more_activities, more_needs = _details(rng, cid, visit)
            activities += more_activities
            needs += more_needs
        ctx.insert(Contact.__table__, CONTACT_COLUMNS, rows)
        ctx.insert(
            ContactActivity.__table__,
            ("id", "contact_id", "activity"),
            (
                (i, *a)
                for i, a in zip(
                    ctx.ids(ContactActivity.__table__, len(activities)), activities, strict=True
                )
            ),
        )
        ctx.insert(
            ContactNeed.__table__,
            ("id", "contact_id", "domain"),
            (
                (i, *n)
                for i, n in zip(ctx.ids(ContactNeed.__table__, len(needs)), needs, strict=True)
            ),
        )
