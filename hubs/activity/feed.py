"""The live feed: domain signals keep the activity store up to date, in the same transaction.

Each receiver runs synchronously inside the service's transaction (DESIGN §7), so the rows
commit or roll back with the change. A receiver does not build its row from the signal's
arguments: it refreshes the person's rows of the affected event types from the same sources
the rebuild reads (`hubs.activity.sources`). So the live store always equals a rebuild;
sending a signal twice changes nothing; and a change that moves a date (a back-dated
contact, a referral entered in error, spells joining) corrects the rows it affects.

Adding an event type (e.g. the pathways' transitions and discharges) is one source
function in `hubs.activity.sources` plus one `feed(...)` line here, naming the signal
object its sending service declares.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from blinker import NamedSignal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from hubs.activity.demographics import person_facts
from hubs.activity.rows import COMPARED_COLUMNS, row_values
from hubs.activity.sources import SOURCES, one_person
from hubs.careplans.services import care_plan_agreed
from hubs.core.pseudonym import from_config
from hubs.directory.models import Neighbourhood, team_coverage
from hubs.outcomes.services import outcome_measure_recorded
from hubs.pathways.discharge import episode_discharged
from hubs.pathways.services import transition_completed, transition_started
from hubs.people.models import Person
from hubs.people.services import person_details_changed
from hubs.portal.feedback import feedback_given
from hubs.referrals.models import ClockEventKind
from hubs.referrals.services import (
    clock_event_recorded,
    referral_received,
    referral_transitioned,
)
from hubs.referrals.states import ReferralAction
from hubs.reporting.models import ActivityEvent, ActivityType
from hubs.support.services import signposting_outcome_recorded
from hubs.trackers.services import (
    employment_status_recorded,
    health_check_recorded,
    ips_outcome_recorded,
    ips_referral_made,
)

T = ActivityType
FOUR_WEEK = T.FOUR_WEEK_CLOCK_STOPPED
#: Every type whose rows belong to a referral (removed if it is marked entered in error).
REFERRAL_CASE_TYPES = frozenset(
    {
        T.REFERRAL_RECEIVED,
        T.REFERRAL_TRIAGED,
        T.REFERRAL_ACCEPTED,
        T.REFERRAL_SIGNPOSTED,
        T.REFERRAL_WITHDRAWN,
        T.FIRST_CONTACT,
        T.SECOND_CONTACT,
        T.ASSESSMENT,
        T.FIRST_INTERVENTION,
        T.EIP_TREATMENT_STARTED,
        FOUR_WEEK,
    }
)
# A referral closing ends its spell (unless an episode carries it on): the 4-week clock of
# the spell may change, as it may when another referral joins it.
TRANSITION_TYPES: dict[ReferralAction, frozenset[ActivityType]] = {
    ReferralAction.TRIAGE: frozenset({T.REFERRAL_TRIAGED}),
    ReferralAction.ACCEPT: frozenset({T.REFERRAL_ACCEPTED, FOUR_WEEK}),
    ReferralAction.SIGNPOST: frozenset({T.REFERRAL_SIGNPOSTED, FOUR_WEEK}),
    ReferralAction.WITHDRAW: frozenset({T.REFERRAL_WITHDRAWN, FOUR_WEEK}),
    ReferralAction.ENTER_IN_ERROR: REFERRAL_CASE_TYPES,
}
# Assessment, an agreed care plan, a first intervention and a baseline measure stop the
# 4-week clock (DESIGN §4); contacts feed the interim second-contact measure only.
CLOCK_TYPES: dict[ClockEventKind, frozenset[ActivityType]] = {
    ClockEventKind.FIRST_CONTACT: frozenset({T.FIRST_CONTACT}),
    ClockEventKind.SECOND_CONTACT: frozenset({T.SECOND_CONTACT}),
    ClockEventKind.ASSESSMENT: frozenset({T.ASSESSMENT, FOUR_WEEK}),
    ClockEventKind.FIRST_INTERVENTION: frozenset({T.FIRST_INTERVENTION, FOUR_WEEK}),
    ClockEventKind.CARE_PLAN_AGREED: frozenset({FOUR_WEEK}),
    ClockEventKind.BASELINE_MEASURE: frozenset({FOUR_WEEK}),
    ClockEventKind.EIP_PACKAGE_STARTED: frozenset({T.EIP_TREATMENT_STARTED}),
}


def neighbourhood_codes(session: Session) -> dict[int, str]:
    """Team id → the code of the one neighbourhood it covers (a Leeds hub's LCP). Teams
    covering several have none here: the row's team, place and area still say where."""
    rows = session.execute(
        sa.select(team_coverage.c.team_id, sa.func.min(Neighbourhood.code))
        .join(Neighbourhood, Neighbourhood.id == team_coverage.c.neighbourhood_id)
        .group_by(team_coverage.c.team_id)
        .having(sa.func.count() == 1)
    )
    return dict(rows.tuples().all())


def sync_person(session: Session, person_id: int, types: Iterable[ActivityType]) -> None:
    """Make the person's rows of these types what the operational tables say now."""
    chosen = sorted(set(types))
    person = person_facts(session, Person.id == person_id).get(person_id)
    if person is None or not chosen:
        return
    pseudonyms = from_config()
    neighbourhoods = neighbourhood_codes(session)
    wanted = {}
    for event_type in chosen:
        for fact in SOURCES[event_type](session, one_person(person_id)):
            row = row_values(fact, person, neighbourhoods.get(fact.team_id or 0), pseudonyms)
            wanted[row["event_key"]] = row
    have = _current_rows(session, pseudonyms.person(person_id), chosen)
    stale = [key for key in have if key not in wanted]
    if stale:
        session.execute(sa.delete(ActivityEvent).where(ActivityEvent.event_key.in_(stale)))
    changed = [row for key, row in wanted.items() if have.get(key) != row]
    if changed:
        upsert(session, changed)


def refresh_person(session: Session, person_id: int) -> None:
    """Every row of the person again (e.g. after their demographics or opt-out changed)."""
    sync_person(session, person_id, SOURCES.keys())


def _current_rows(
    session: Session, pseudonym: str, types: Collection[ActivityType]
) -> dict[str, dict[str, Any]]:
    columns = [getattr(ActivityEvent, name) for name in COMPARED_COLUMNS]
    rows = session.execute(
        sa.select(*columns).where(
            ActivityEvent.pseudonym == pseudonym, ActivityEvent.event_type.in_(types)
        )
    )
    return {row.event_key: dict(row._mapping) for row in rows}


def upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows, or update the row already holding the same event key.

    One statement that the database makes safe: two transactions writing the same event
    (e.g. two contacts logged at once for one person) update rather than collide."""
    dialect = session.get_bind().dialect.name
    insert: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"no upsert for {dialect}")
    statement = insert(ActivityEvent)
    updates = {name: statement.excluded[name] for name in COMPARED_COLUMNS if name != "event_key"}
    session.execute(
        statement.on_conflict_do_update(index_elements=["event_key"], set_=updates), rows
    )


# --- Receivers ----------------------------------------------------------------------------

TypesFor = Callable[[Any, Mapping[str, Any]], Iterable[ActivityType]]
_RECEIVERS: dict[NamedSignal, Callable[..., None]] = {}


def feed(
    signal: NamedSignal,
    types: Iterable[ActivityType] | TypesFor,
    person_id: Callable[[Any], int] = lambda sender: sender.person_id,
) -> None:
    """When `signal` is sent about a sender, refresh its person's rows of `types`."""
    fixed = None if callable(types) else frozenset(types)

    def receiver(sender: Any, **kwargs: Any) -> None:
        session = object_session(sender)
        if session is None:
            raise RuntimeError(f"{signal.name}: the sender is not in a session")
        chosen = fixed if fixed is not None else types(sender, kwargs)  # type: ignore[operator]
        sync_person(session, person_id(sender), chosen)

    receiver.__name__ = f"feed_{signal.name.replace('-', '_')}"
    _RECEIVERS[signal] = receiver


feed(referral_received, {T.REFERRAL_RECEIVED, FOUR_WEEK})
feed(referral_transitioned, lambda referral, kw: TRANSITION_TYPES[kw["action"]])
feed(clock_event_recorded, lambda event, kw: CLOCK_TYPES[event.kind])
feed(care_plan_agreed, {T.CARE_PLAN_AGREED})
feed(outcome_measure_recorded, {T.OUTCOME_MEASURE})
feed(health_check_recorded, {T.HEALTH_CHECK_ELEMENT})
feed(employment_status_recorded, {T.EMPLOYMENT_STATUS_ASKED})
feed(ips_referral_made, {T.IPS_REFERRAL})
feed(ips_outcome_recorded, {T.IPS_OUTCOME})
feed(signposting_outcome_recorded, {T.SIGNPOSTING_OUTCOME})
feed(feedback_given, {T.FRIENDS_AND_FAMILY, T.I_STATEMENT})
feed(transition_started, {T.TRANSITION_STARTED})
feed(transition_completed, {T.TRANSITION_COMPLETED})
# Discharge ends the episode, and with it the spell the 4-week clock counts.
feed(episode_discharged, {T.DISCHARGED, FOUR_WEEK})
# For a service that changes a person's demographics or opt-out (none does yet).
feed(person_details_changed, lambda person, kw: SOURCES.keys(), person_id=lambda p: p.id)


def connect_feed() -> None:
    """Connect every receiver (idempotent: the same function objects each time, and blinker
    keeps one connection per receiver). Called by `hubs.activity.wiring.init_app`."""
    for signal, receiver in _RECEIVERS.items():
        signal.connect(receiver, weak=False)
