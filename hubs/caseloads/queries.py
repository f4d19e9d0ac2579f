"""Caseloads for workers and hub views for managers, read in a fixed number of statements.

A worker's caseload is the people in open episodes of care they lead or are in the care team
of. Everything shown per person (last contact, next planned contact, plan reviews, clocks,
physical health check) is fetched for the whole caseload at once, never per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from hubs.careplans import versioning
from hubs.careplans.models import CarePlan
from hubs.careplans.versioning import IN_FORCE, PlanReview, ReviewState
from hubs.caseloads.rules import Flag, PersonPlanReviews, Weighting, flags_for
from hubs.core.errors import NotFound
from hubs.core.types import today as utc_today
from hubs.directory.models import Team
from hubs.people.models import Person
from hubs.referrals.access import open_episodes_of
from hubs.referrals.models import Episode, Referral, Severity
from hubs.referrals.queries import ReferralClocks, clocks_for_many
from hubs.safetyplans.models import SafetyPlan
from hubs.staff.models import TeamMembership, User
from hubs.staff.queries import get_managed_team as get_managed_team  # re-exported (see below)
from hubs.staff.queries import managed_team_ids
from hubs.support.models import Contact, Reached, Signposting, SignpostingOutcome
from hubs.trackers.queries import health_status_for_many
from hubs.trackers.rules import HealthCheckStatus

SEVERITY_RANK = {Severity.LOW: 1, Severity.MODERATE: 2, Severity.HIGH: 3}


def highest(severities: Iterable[Severity]) -> Severity | None:
    return max(severities, key=SEVERITY_RANK.__getitem__, default=None)


# --- What we know about each person, for many people at once -------------------------------


@dataclass(frozen=True)
class PersonFacts:
    last_contact_on: dt.date | None
    next_contact_on: dt.date | None
    plans: PersonPlanReviews
    health: HealthCheckStatus


def _last_contacts(session: Session, ids: list[int]) -> dict[int, dt.date]:
    """The last time each person was reached (an attempt that did not reach them is not
    contact)."""
    rows = session.execute(
        sa.select(Contact.person_id, sa.func.max(Contact.contact_on))
        .where(Contact.person_id.in_(ids), Contact.reached == Reached.YES)
        .group_by(Contact.person_id)
    )
    return {person_id: day for person_id, day in rows}


def _next_planned(session: Session, ids: list[int]) -> dict[int, dt.date]:
    """The next contact planned at the most recent contact that planned one."""
    ranked = (
        sa.select(
            Contact.person_id,
            Contact.next_contact_on,
            sa.func.row_number()
            .over(
                partition_by=Contact.person_id,
                order_by=(Contact.contact_on.desc(), Contact.id.desc()),
            )
            .label("rank"),
        )
        .where(Contact.person_id.in_(ids), Contact.next_contact_on.is_not(None))
        .subquery()
    )
    rows = session.execute(
        sa.select(ranked.c.person_id, ranked.c.next_contact_on).where(ranked.c.rank == 1)
    )
    return {person_id: day for person_id, day in rows}


def plan_reviews(
    session: Session, person_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, PersonPlanReviews]:
    """Review state of each person's current agreed care plan and safety plan (one query:
    caseloads and the hub view read it for hundreds of people on every page). The rules are
    the plans' own (`careplans.versioning`)."""
    ids = list(person_ids)
    day = today or utc_today()
    plans = sa.union_all(
        sa.select(
            sa.literal("care").label("plan"),
            CarePlan.person_id,
            CarePlan.agreed_at,
            CarePlan.review_due_on,
        ).where(CarePlan.person_id.in_(ids), CarePlan.status.in_(IN_FORCE)),
        sa.select(
            sa.literal("safety").label("plan"),
            SafetyPlan.person_id,
            SafetyPlan.agreed_at,
            SafetyPlan.review_due_on,
        ).where(SafetyPlan.person_id.in_(ids), SafetyPlan.status.in_(IN_FORCE)),
    ).subquery()
    rows = session.execute(sa.select(plans).order_by(plans.c.plan, plans.c.agreed_at))
    care: dict[int, PlanReview] = {}
    safety: dict[int, PlanReview] = {}
    for plan, person_id, agreed_at, due in rows:  # the latest agreed plan wins
        if plan == "care":
            care[person_id] = versioning.care_plan_review(agreed_at.date(), due, day)
        else:
            safety[person_id] = versioning.safety_plan_review(due, day)
    none = PlanReview(ReviewState.NONE)
    return {pid: PersonPlanReviews(care.get(pid, none), safety.get(pid, none)) for pid in ids}


def person_facts(
    session: Session, person_ids: Iterable[int], today: dt.date
) -> dict[int, PersonFacts]:
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    last, planned = _last_contacts(session, ids), _next_planned(session, ids)
    plans = plan_reviews(session, ids, today)
    health = health_status_for_many(session, ids, today)
    return {
        pid: PersonFacts(last.get(pid), planned.get(pid), plans[pid], health[pid]) for pid in ids
    }


@dataclass(frozen=True)
class ContactAndReviews:
    """What the hub view needs of each person: when last reached, and their plan reviews."""

    last_contact_on: dt.date | None
    plans: PersonPlanReviews


def contact_and_reviews(
    session: Session, person_ids: Iterable[int], today: dt.date
) -> dict[int, ContactAndReviews]:
    """The two facts the hub view lists people by, for a whole hub in three queries."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    last, plans = _last_contacts(session, ids), plan_reviews(session, ids, today)
    return {pid: ContactAndReviews(last.get(pid), plans[pid]) for pid in ids}


# --- A worker's caseload ------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadEntry:
    person: Person
    episodes: list[Episode]
    is_lead: bool
    severity: Severity | None
    weight: int
    facts: PersonFacts
    clocks: ReferralClocks | None
    flags: list[Flag]

    @property
    def allocated_on(self) -> dt.date:
        return min(e.opened_at.date() for e in self.episodes)


@dataclass(frozen=True)
class Caseload:
    worker: User
    entries: list[CaseloadEntry]
    weighting: Weighting
    follow_ups: list[Signposting] = field(default_factory=list)

    @property
    def weighted(self) -> int:
        return sum(e.weight for e in self.entries)

    def flagged(self, flag: Flag) -> list[CaseloadEntry]:
        return [e for e in self.entries if flag in e.flags]


def _worker_episodes(
    session: Session, worker_id: int, team_ids: Sequence[int] | None
) -> list[Episode]:
    query = sa.select(Episode).where(Episode.id.in_(open_episodes_of(worker_id)))
    if team_ids is not None:
        query = query.where(Episode.team_id.in_(team_ids))
    return list(
        session.scalars(
            # Many-to-one rows joined in the same statement; needs in one more.
            query.options(
                joinedload(Episode.person),
                joinedload(Episode.referral).joinedload(Referral.service),
                joinedload(Episode.referral).selectinload(Referral.needs),
            ).order_by(Episode.opened_at, Episode.id)
        )
    )


def _entry(
    worker: User,
    episodes: list[Episode],
    facts: PersonFacts,
    clocks: dict[int, ReferralClocks],
    weighting: Weighting,
    today: dt.date,
) -> CaseloadEntry:
    severity = highest(n.severity for e in episodes for n in e.referral.needs)
    latest = episodes[-1]
    allocated_on = min(e.opened_at.date() for e in episodes)
    return CaseloadEntry(
        person=latest.person,
        episodes=episodes,
        is_lead=any(e.lead_worker_id == worker.id for e in episodes),
        severity=severity,
        weight=weighting.weight(severity),
        facts=facts,
        clocks=clocks.get(latest.referral_id),
        flags=flags_for(
            last_contact_on=facts.last_contact_on,
            allocated_on=allocated_on,
            plans=facts.plans,
            health=facts.health,
            today=today,
        ),
    )


def _sort_key(entry: CaseloadEntry) -> tuple[int, int, str]:
    # Most to act on first, then the heaviest need, then by name.
    return (-len(entry.flags), -entry.weight, entry.person.family_name.lower())


def worker_caseload(
    session: Session,
    worker: User,
    weighting: Weighting,
    today: dt.date,
    *,
    team_ids: Sequence[int] | None = None,
) -> Caseload:
    """The people a worker supports now; `hub_ids` limits it to hubs a manager manages."""
    episodes = _worker_episodes(session, worker.id, team_ids)
    by_person: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_person[episode.person_id].append(episode)
    facts = person_facts(session, by_person, today)
    clocks = clocks_for_many(session, [e.referral for e in episodes], today)
    entries = [
        _entry(worker, eps, facts[pid], clocks, weighting, today) for pid, eps in by_person.items()
    ]
    follow_ups = follow_ups_due(session, worker.id, list(by_person), today)
    return Caseload(worker, sorted(entries, key=_sort_key), weighting, follow_ups)


def follow_ups_due(
    session: Session, worker_id: int, person_ids: list[int], today: dt.date
) -> list[Signposting]:
    """Signpostings this worker made that are due a follow-up (did the person go?)."""
    if not person_ids:
        return []
    return list(
        session.scalars(
            sa.select(Signposting)
            .where(
                Signposting.worker_id == worker_id,
                Signposting.person_id.in_(person_ids),
                Signposting.outcome == SignpostingOutcome.NOT_YET,
                Signposting.follow_up_on <= today,
            )
            .options(selectinload(Signposting.service), selectinload(Signposting.person))
            .order_by(Signposting.follow_up_on)
        )
    )


# --- Hubs a manager manages ---------------------------------------------------------------
# Which hubs a manager manages is staff's read side (`hubs.staff.queries`: managed_hub_ids,
# get_managed_hub), shared with the portal's feedback pages; caseloads' views and API
# reach `get_managed_hub` through this module.


def managed_teams(session: Session, user: User) -> list[Team]:
    return list(
        session.scalars(
            sa.select(Team).where(Team.id.in_(managed_team_ids(user))).order_by(Team.name)
        )
    )


def get_managed_worker(session: Session, manager: User, worker_id: int) -> User:
    """A member of staff in a hub the manager manages; anyone else answers 404."""
    worker = session.scalar(
        sa.select(User)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .where(User.id == worker_id, TeamMembership.team_id.in_(managed_team_ids(manager)))
        .limit(1)
    )
    if worker is None:
        raise NotFound("Page not found")
    return worker
