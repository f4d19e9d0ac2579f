"""Scheduled jobs for pathways (registered and run by the scheduler process).

Each job takes the moment it runs for, finds the ids that are due with one query, handles
each by id through the services, and returns how many things it changed. The services make
each run idempotent for its period: a transition is identified only if none is under way
for the episode, and only transitions not yet escalated are escalated, so a second run for
the same `now` changes nothing. Jobs never commit: the runner commits once.

How "Aspire" and "CAMHS" episodes are found: an episode's referral names the directory
service it went to; Aspire is the early intervention service (`early_intervention`) and
CAMHS the `camhs` service, both in `hubs/directory/data/services.csv`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.pathways import rules, services
from hubs.pathways.models import Transition, TransitionKind
from hubs.pathways.states import STALLABLE, TransitionState
from hubs.people.models import Person
from hubs.referrals.models import Episode, Referral

OPEN = services.OPEN_EPISODE


def _open_episodes_with(kind: ServiceKind) -> sa.Select[tuple[int]]:
    """Open episodes whose referral went to a service of this kind, with no transition
    under way."""
    under_way = sa.select(Transition.sending_episode_id).where(
        Transition.state != TransitionState.COMPLETED
    )
    return (
        sa.select(Episode.id)
        .join(Referral, Referral.id == Episode.referral_id)
        .join(Service, Service.id == Referral.service_id)
        .where(
            Service.kind == kind,
            Episode.status.in_(OPEN),
            Episode.id.not_in(under_way),
        )
    )


def identify_camhs_transitions(now: dt.datetime) -> int:
    """Young people in CAMHS who have reached 17½ with no transition: identify a CAMHS →
    adult hub transition (handover by 18) and alert the lead worker and both managers."""
    day = now.date()
    cutoff = rules.widest_cutoff(day, rules.CAMHS_PLANNING_MONTHS)
    rows = db.session.execute(
        _open_episodes_with(ServiceKind.CAMHS)
        .add_columns(Person.date_of_birth)
        .join(Person, Person.id == Episode.person_id)
        .where(Person.date_of_birth <= cutoff)
        .order_by(Episode.id)
    ).all()
    due = [eid for eid, born in rows if rules.camhs_planning_from(born) <= day]
    return _identify(due, TransitionKind.CAMHS_TO_ADULT)


def identify_aspire_transitions(now: dt.datetime) -> int:
    """Aspire episodes 30 months in with no transition: identify the step-down into the hub
    (planned for the end of the 3 years) and alert the lead worker and both managers."""
    day = now.date()
    cutoff = rules.widest_cutoff(day, rules.ASPIRE_PLANNING_MONTHS)
    opened_by = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    rows = db.session.execute(
        _open_episodes_with(ServiceKind.EARLY_INTERVENTION)
        .add_columns(Episode.started_on, Episode.opened_at)
        .where(
            sa.or_(
                Episode.started_on <= cutoff,
                sa.and_(Episode.started_on.is_(None), Episode.opened_at < opened_by),
            )
        )
        .order_by(Episode.id)
    ).all()
    due = [
        eid
        for eid, started, opened in rows
        if rules.aspire_planning_from(started or opened.date()) <= day
    ]
    return _identify(due, TransitionKind.ASPIRE_TO_HUB)


def _identify(episode_ids: list[int], kind: TransitionKind) -> int:
    changed = 0
    for episode_id in episode_ids:
        episode = db.session.get(Episode, episode_id)
        if episode is not None and services.identify_due(db.session, episode, kind):
            changed += 1
    return changed


def escalate_stalled_transitions(now: dt.datetime) -> int:
    """Transitions past their planned date and not accepted: escalate to both managers."""
    day = now.date()
    due = db.session.scalars(
        sa.select(Transition.id)
        .where(Transition.state.in_(STALLABLE), Transition.planned_on < day)
        .order_by(Transition.id)
    ).all()
    changed = 0
    for transition_id in due:
        transition = db.session.get(Transition, transition_id)
        if transition is not None and services.escalate_if_stalled(db.session, transition, day):
            changed += 1
    return changed
