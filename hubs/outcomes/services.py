"""The verbs of outcome measures: record a DIALOG or ReQoL-10, turn DIALOG "more help"
answers into draft care plan goals, and the audited reads of an episode's and a person's
measures (DESIGN §3 rule 7).

The first measure of an episode is its baseline, one of the four events that stop the
community 4-week clock (DESIGN §4). Services take the actor explicitly, flush but never
commit, and raise domain errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import queries as plan_queries
from hubs.careplans import services as plan_services
from hubs.careplans.access import plan_access, require_editor
from hubs.careplans.models import CarePlan
from hubs.core import audit
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.outcomes.access import can_record, outcome_scope
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.outcomes.queries import history
from hubs.outcomes.scoring import DIALOG_BY_KEY, checked_more_help, clean_answers, score
from hubs.people.access import get_person_for
from hubs.people.models import Person, PortalAccount
from hubs.referrals.models import ClockEventKind, Episode, NeedDomain
from hubs.referrals.services import record_clock_event
from hubs.staff.models import User

outcome_measure_recorded = hub_signals.signal("outcome-measure-recorded")

# --- Recording ----------------------------------------------------------------------------


def _baseline(session: Session, episode_id: int) -> OutcomeMeasure | None:
    return session.scalar(
        sa.select(OutcomeMeasure)
        .where(OutcomeMeasure.episode_id == episode_id, OutcomeMeasure.is_baseline.is_(True))
        .limit(1)
    )


def _checked_date(
    recorded_on: dt.date | None, episode: Episode, baseline: OutcomeMeasure | None
) -> dt.date:
    if recorded_on is None:
        raise ValidationError("Enter the date the measure was completed", field="recorded_on")
    if recorded_on > today():
        raise ValidationError("The date cannot be in the future", field="recorded_on")
    received = episode.referral.received_on
    if recorded_on < received:
        raise ValidationError(
            f"The date cannot be before the referral was received ({received:%-d %B %Y})",
            field="recorded_on",
        )
    if baseline is not None and recorded_on < baseline.recorded_on:
        # Later measures are compared with the baseline, so none may predate it.
        raise ValidationError(
            f"The baseline was recorded on {baseline.recorded_on:%-d %B %Y}: "
            "a later measure cannot be dated before it",
            field="recorded_on",
        )
    return recorded_on


def _lock_episode(session: Session, episode: Episode) -> None:
    # Two measures recorded at once must not both become the baseline: the second waits
    # for the first (PostgreSQL row lock; SQLite serialises writers anyway).
    session.execute(sa.select(Episode.id).where(Episode.id == episode.id).with_for_update())


def record_measure(
    session: Session,
    actor: User,
    episode: Episode,
    kind: MeasureKind,
    recorded_on: dt.date | None,
    answers: Mapping[str, object],
    more_help: Iterable[str] = (),
) -> OutcomeMeasure:
    """Record a completed DIALOG or ReQoL-10; the episode's first is its baseline."""
    if not can_record(session, actor, episode):
        raise PermissionDenied("Only the person's care team can record outcome measures")
    _lock_episode(session, episode)
    baseline = _baseline(session, episode.id)
    day = _checked_date(recorded_on, episode, baseline)
    scores = score(kind, answers)
    measure = OutcomeMeasure(
        episode_id=episode.id,
        person_id=episode.person_id,
        kind=kind,
        recorded_on=day,
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
        answers=clean_answers(kind, answers),
        more_help=checked_more_help(kind, more_help),
        score=scores.score,
        secondary_score=scores.secondary_score,
        is_baseline=baseline is None,
    )
    session.add(measure)
    session.flush()
    if measure.is_baseline:
        record_clock_event(
            session,
            episode.person_id,
            ClockEventKind.BASELINE_MEASURE,
            day,
            referral_id=episode.referral_id,
            source=("outcome_measure", measure.id),
        )
    audit.record(
        "outcome_measure.create",
        actor=actor,
        record_type="outcome_measure",
        record_id=measure.id,
        person_id=episode.person_id,
    )
    outcome_measure_recorded.send(measure, actor=actor)
    return measure


@dataclass(frozen=True)
class GoalsAdded:
    plan: CarePlan | None  # None when every answer was already a goal
    domains: list[NeedDomain]


def _domains_already_planned(session: Session, episode_id: int) -> set[NeedDomain | None]:
    # A new draft copies the agreed plan's goals, so both count as "already in the draft".
    plan = plan_queries.current_draft(session, episode_id) or plan_queries.current_agreed(
        session, episode_id
    )
    return {goal.need_domain for goal in plan.goals} if plan else set()


def goals_from_more_help(session: Session, actor: User, measure: OutcomeMeasure) -> GoalsAdded:
    """Turn a DIALOG's "more help" answers into draft care plan goals, each domain once."""
    require_editor(session, actor, measure.person_id)
    if measure.kind != MeasureKind.DIALOG or not measure.more_help:
        raise ValidationError("This measure has no 'more help' answers", field="more_help")
    planned = _domains_already_planned(session, measure.episode_id)
    new = [DIALOG_BY_KEY[k] for k in measure.more_help if DIALOG_BY_KEY[k].domain not in planned]
    if not new:
        return GoalsAdded(None, [])
    goals = [plan_services.GoalInput(item.goal, item.domain) for item in new]
    plan = plan_services.add_goals_to_draft(session, actor, measure.episode, goals)
    return GoalsAdded(plan, [item.domain for item in new])


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeOutcomes:
    episode: Episode
    person: Person
    measures: list[OutcomeMeasure] | None  # None: may record here but not read the scores
    may_record: bool
    may_plan: bool  # may turn "more help" answers into draft goals


def episode_outcomes(session: Session, actor: User, episode_id: int) -> EpisodeOutcomes:
    """An episode's measures for a member of staff, audited; 404 without a reason."""
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound("Page not found")
    person = get_person_for(session, actor, episode.person_id)
    access = plan_access(session, actor, person)
    may_record = can_record(session, actor, episode)
    if not (access.outcomes or may_record):
        raise NotFound("Page not found")
    measures = history(session, person.id, episode.id) if access.outcomes else None
    audit.record(
        "outcome_measure.list",
        actor=actor,
        record_type="episode",
        record_id=episode.id,
        person_id=person.id,
    )
    return EpisodeOutcomes(episode, person, measures, may_record, access.edit)


def readable_measure(
    session: Session, actor: User, episode_id: int, measure_id: int
) -> OutcomeMeasure:
    """One measure of an episode that the actor may read (404 otherwise)."""
    found = episode_outcomes(session, actor, episode_id)
    measure = next((m for m in found.measures or [] if m.id == measure_id), None)
    if measure is None:
        raise NotFound("Page not found")
    return measure


def own_outcomes(session: Session, actor: User) -> tuple[Person, list[OutcomeMeasure]]:
    """The signed-in person's own measures, audited (the portal's "My scores")."""
    person_id = session.scalar(
        sa.select(PortalAccount.person_id).where(PortalAccount.user_id == actor.id)
    )
    if person_id is None:
        raise NotFound("Your account is not linked to a record yet. Contact your hub.")
    person = get_person_for(session, actor, person_id)
    if not plan_access(session, actor, person).outcomes:
        raise NotFound("Page not found")
    audit.record(
        "outcome_measure.list_own",
        actor=actor,
        record_type="person",
        record_id=person.id,
        person_id=person.id,
    )
    return person, history(session, person.id)


@dataclass(frozen=True)
class MeasurePage:
    items: list[OutcomeMeasure]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_measures(
    session: Session, actor: User, *, page: int = 1, per_page: int = 25
) -> MeasurePage:
    """Every measure the actor may read, newest first; each person on the page is audited."""
    query = sa.select(OutcomeMeasure).where(outcome_scope(actor))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(
            query.order_by(OutcomeMeasure.recorded_on.desc(), OutcomeMeasure.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    for person_id in sorted({m.person_id for m in items}):
        audit.record(
            "outcome_measure.list",
            actor=actor,
            record_type="outcome_list",
            record_id=f"page-{page}",
            person_id=person_id,
        )
    return MeasurePage(items, total, page, per_page)
