"""The manager's view of one hub: caseload per worker (count and weighted by need), the
waiting list with its clocks, people not yet allocated or not seen, and overdue reviews.

Read in a fixed number of statements whatever the size of the hub; long lists show the
most pressing first, up to `LIST_LIMIT`. A city hub has hundreds of open episodes: they are
read as plain rows to count and sort, and only the episodes a list shows are loaded whole.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from hubs.caseloads.queries import ContactAndReviews, contact_and_reviews, highest
from hubs.caseloads.rules import Weighting, has_gone_without_contact, is_review_overdue
from hubs.directory.models import Team
from hubs.referrals.access import OPEN_EPISODE_STATUSES
from hubs.referrals.clocks import ClockState
from hubs.referrals.models import CareTeamMember, Episode, Referral, ReferralNeed, Severity
from hubs.referrals.queries import ReferralClocks, clocks_for_many
from hubs.referrals.states import OPEN_REFERRAL_STATUSES, EpisodeStatus
from hubs.staff.models import AccountKind, StaffRole, TeamMembership, User

LIST_LIMIT = 50
# Roles that do not hold a caseload are listed only if they somehow have one.
NON_CASELOAD_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.TEAM_MANAGER})


@dataclass(frozen=True)
class WorkerLoad:
    worker: User
    people: int
    weighted: int
    lead_for: int
    by_severity: dict[Severity, int]


@dataclass(frozen=True)
class Waiting:
    referral: Referral
    clocks: ReferralClocks


@dataclass(frozen=True)
class PersonNote:
    """A person on a list of the hub view, with the episode that puts them there."""

    episode: Episode
    facts: ContactAndReviews
    days: int = 0


@dataclass(frozen=True)
class HubOverview:
    team: Team
    weighting: Weighting
    workers: list[WorkerLoad]
    waiting: list[Waiting]
    waiting_total: int
    breached_total: int
    due_soon_total: int
    lead_unavailable: list[Episode]
    awaiting_first_contact: list[PersonNote]
    no_recent_contact: list[PersonNote]
    no_recent_contact_total: int
    reviews_overdue: list[PersonNote]
    reviews_overdue_total: int

    @property
    def max_weighted(self) -> int:
        return max((w.weighted for w in self.workers), default=0)


class OpenEpisode(Protocol):
    """The columns of an open episode the hub view counts and sorts by."""

    id: int
    person_id: int
    status: EpisodeStatus
    opened_at: dt.datetime
    lead_worker_id: int


def _hub_episodes(session: Session, team_id: int) -> list[OpenEpisode]:
    return list(
        session.execute(  # type: ignore[arg-type]
            sa.select(
                Episode.id,
                Episode.person_id,
                Episode.status,
                Episode.opened_at,
                Episode.lead_worker_id,
            )
            .where(Episode.team_id == team_id, Episode.status.in_(OPEN_EPISODE_STATUSES))
            .order_by(Episode.opened_at, Episode.id)
        )
    )


def _shown(session: Session, lists: dict[str, list]) -> dict[int, Episode]:  # type: ignore[type-arg]
    """The episodes the lists show, whole, with their person and lead worker (one query)."""
    # Asked even when the lists are empty, so the page's statements are the same in every hub.
    ids = {getattr(item, "episode", item).id for items in lists.values() for item in items}
    found = session.scalars(
        sa.select(Episode)
        .where(Episode.id.in_(ids))
        .options(joinedload(Episode.person), joinedload(Episode.lead_worker))
    )
    return {e.id: e for e in found}


def _whole(lists: dict[str, list], episodes: dict[int, Episode]) -> dict[str, list]:  # type: ignore[type-arg]
    """Each list cut to LIST_LIMIT, its rows swapped for the whole episodes."""
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for name, items in lists.items():
        out[name] = [
            PersonNote(episodes[i.episode.id], i.facts, i.days)
            if isinstance(i, PersonNote)
            else episodes[i.id]
            for i in items
        ]
    return out


def _team_by_episode(session: Session, team_id: int) -> dict[int, set[int]]:
    open_in_team = sa.select(Episode.id).where(
        Episode.team_id == team_id, Episode.status.in_(OPEN_EPISODE_STATUSES)
    )
    rows = session.execute(
        sa.select(CareTeamMember.episode_id, CareTeamMember.user_id).where(
            CareTeamMember.episode_id.in_(open_in_team), CareTeamMember.left_on.is_(None)
        )
    )
    care_team: dict[int, set[int]] = defaultdict(set)
    for episode_id, user_id in rows:
        care_team[episode_id].add(user_id)
    return care_team


def _severities(session: Session, team_id: int) -> dict[int, list[Severity]]:
    rows = session.execute(
        sa.select(Episode.id, ReferralNeed.severity)
        .join(ReferralNeed, ReferralNeed.referral_id == Episode.referral_id)
        .where(Episode.team_id == team_id, Episode.status.in_(OPEN_EPISODE_STATUSES))
    )
    found: dict[int, list[Severity]] = defaultdict(list)
    for episode_id, severity in rows:
        found[episode_id].append(severity)
    return found


def _members(session: Session, team_id: int) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(
                TeamMembership.team_id == team_id,
                User.is_active.is_(True),
                User.kind == AccountKind.STAFF,
            )
            .order_by(User.display_name)
        )
    )


def worker_loads(
    episodes: Sequence[OpenEpisode],
    care_team: dict[int, set[int]],
    severities: dict[int, list[Severity]],
    members: list[User],
    weighting: Weighting,
) -> list[WorkerLoad]:
    """Each worker's people (each counted once), their weighted load and whom they lead."""
    people: dict[int, dict[int, list[Severity]]] = defaultdict(lambda: defaultdict(list))
    leads: dict[int, set[int]] = defaultdict(set)
    for episode in episodes:
        for user_id in care_team.get(episode.id, set()) | {episode.lead_worker_id}:
            people[user_id][episode.person_id] += severities.get(episode.id, [])
        leads[episode.lead_worker_id].add(episode.person_id)
    loads = []
    for worker in members:
        mine = people.get(worker.id, {})
        if not mine and worker.role in NON_CASELOAD_ROLES:
            continue
        tops = [highest(s) for s in mine.values()]
        counts = {s: sum(1 for t in tops if (t or Severity.MODERATE) == s) for s in Severity}
        weighted = sum(weighting.weight(t) for t in tops)
        loads.append(WorkerLoad(worker, len(mine), weighted, len(leads.get(worker.id, ())), counts))
    # The heaviest caseloads first: they are the ones a manager rebalances.
    return sorted(loads, key=lambda w: (-w.weighted, -w.people, w.worker.display_name))


def _waiting(session: Session, team_id: int, today: dt.date) -> list[Waiting]:
    referrals = list(
        session.scalars(
            sa.select(Referral)
            .where(Referral.team_id == team_id, Referral.status.in_(OPEN_REFERRAL_STATUSES))
            .options(
                joinedload(Referral.person),
                joinedload(Referral.service),
                selectinload(Referral.needs),
            )
        )
    )
    clocks = clocks_for_many(session, referrals, today)
    waiting = [Waiting(r, clocks[r.id]) for r in referrals]
    return sorted(waiting, key=lambda w: (w.clocks.headline.days_left, w.referral.id))


def _lists(
    episodes: Sequence[OpenEpisode],
    facts: dict[int, ContactAndReviews],
    active_member_ids: set[int],
    today: dt.date,
) -> dict[str, list]:  # type: ignore[type-arg]
    lists: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    seen_contact: set[int] = set()
    seen_review: set[int] = set()
    for episode in episodes:
        person_facts_ = facts[episode.person_id]
        opened = episode.opened_at.date()
        if episode.lead_worker_id not in active_member_ids:
            lists["lead_unavailable"].append(episode)
        if episode.status == EpisodeStatus.PLANNED and person_facts_.last_contact_on is None:
            note = PersonNote(episode, person_facts_, (today - opened).days)  # type: ignore[arg-type]
            lists["awaiting_first_contact"].append(note)
        last = person_facts_.last_contact_on
        if episode.person_id not in seen_contact and has_gone_without_contact(last, opened, today):
            seen_contact.add(episode.person_id)
            days = (today - (last or opened)).days
            lists["no_recent_contact"].append(PersonNote(episode, person_facts_, days))  # type: ignore[arg-type]
        if episode.person_id not in seen_review and is_review_overdue(person_facts_.plans):
            seen_review.add(episode.person_id)
            lists["reviews_overdue"].append(PersonNote(episode, person_facts_))  # type: ignore[arg-type]
    lists["awaiting_first_contact"].sort(key=lambda n: -n.days)
    lists["no_recent_contact"].sort(key=lambda n: -n.days)
    return lists


def hub_overview(session: Session, team: Team, weighting: Weighting, today: dt.date) -> HubOverview:
    """Everything the hub's manager watches, for one hub."""
    episodes = _hub_episodes(session, team.id)
    members = _members(session, team.id)
    facts = contact_and_reviews(session, (e.person_id for e in episodes), today)
    loads = worker_loads(
        episodes,
        _team_by_episode(session, team.id),
        _severities(session, team.id),
        members,
        weighting,
    )
    waiting = _waiting(session, team.id, today)
    lists = _lists(episodes, facts, {m.id for m in members}, today)
    totals = {name: len(items) for name, items in lists.items()}
    cut = {name: items[:LIST_LIMIT] for name, items in lists.items()}
    shown = _whole(cut, _shown(session, cut))
    states = [w.clocks.headline.state for w in waiting]
    return HubOverview(
        team=team,
        weighting=weighting,
        workers=loads,
        waiting=waiting[:LIST_LIMIT],
        waiting_total=len(waiting),
        breached_total=states.count(ClockState.BREACHED),
        due_soon_total=states.count(ClockState.DUE_SOON),
        lead_unavailable=shown.get("lead_unavailable", []),
        awaiting_first_contact=shown.get("awaiting_first_contact", []),
        no_recent_contact=shown.get("no_recent_contact", []),
        no_recent_contact_total=totals.get("no_recent_contact", 0),
        reviews_overdue=shown.get("reviews_overdue", []),
        reviews_overdue_total=totals.get("reviews_overdue", 0),
    )
