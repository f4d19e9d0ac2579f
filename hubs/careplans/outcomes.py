"""Outcome measures: DIALOG and ReQoL-10 scoring, recording, and reading them back.

The first measure of an episode is its baseline, one of the four events that stop the
community 4-week clock (DESIGN §4). Who may record: the clinicians involved in the person's
care, and VCSE workers in the episode's care team (wellbeing connectors often complete
DIALOG with the person). Who may read: whoever `plan_access(...).outcomes` allows, which for
VCSE staff means an active consent sharing outcome measures with their organisation, even
inside the care team (DESIGN §3 rule 6: only the sections consent covers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubs.careplans import services as plan_services
from hubs.careplans.access import CLINICAL, is_clinically_involved, plan_access
from hubs.careplans.models import BreakGlassAccess, CarePlan, MeasureKind, OutcomeMeasure
from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.people.access import get_person_for, hub_ids_of, person_scope
from hubs.people.models import Consent, ConsentSection, ConsentWithdrawal, Person, PortalAccount
from hubs.referrals.models import CareTeamMember, ClockEventKind, Episode, NeedDomain
from hubs.referrals.services import record_clock_event
from hubs.staff.models import User

outcome_measure_recorded = hub_signals.signal("outcome-measure-recorded")

# --- Scoring (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class DialogItem:
    domain: NeedDomain
    subject: str  # in the person's voice: "my accommodation"
    is_life_domain: bool = True

    @property
    def key(self) -> str:
        return self.domain.value

    @property
    def label(self) -> str:
        return self.domain.label

    @property
    def question(self) -> str:
        return f"How satisfied are you with {self.subject.replace('my ', 'your ')}?"

    @property
    def goal(self) -> str:
        """The draft goal a "more help" answer becomes, in the person's own words."""
        return f"More help with {self.subject}"


DIALOG_ITEMS: tuple[DialogItem, ...] = (
    DialogItem(NeedDomain.MENTAL_HEALTH, "my mental health"),
    DialogItem(NeedDomain.PHYSICAL_HEALTH, "my physical health"),
    DialogItem(NeedDomain.JOB_SITUATION, "my job situation"),
    DialogItem(NeedDomain.ACCOMMODATION, "my accommodation"),
    DialogItem(NeedDomain.LEISURE_ACTIVITIES, "my leisure activities"),
    DialogItem(NeedDomain.FRIENDSHIPS, "my friendships"),
    DialogItem(NeedDomain.FAMILY_PARTNER, "my relationship with my family or partner"),
    DialogItem(NeedDomain.PERSONAL_SAFETY, "my personal safety"),
    DialogItem(NeedDomain.MEDICATION, "my medication", is_life_domain=False),
    DialogItem(NeedDomain.PRACTICAL_HELP, "my practical help", is_life_domain=False),
    DialogItem(
        NeedDomain.MEETINGS_WITH_PROFESSIONALS,
        "my meetings with mental health professionals",
        is_life_domain=False,
    ),
)
DIALOG_BY_KEY = {item.key: item for item in DIALOG_ITEMS}
LIFE_DOMAIN_KEYS = tuple(item.key for item in DIALOG_ITEMS if item.is_life_domain)
TREATMENT_KEYS = tuple(item.key for item in DIALOG_ITEMS if not item.is_life_domain)
DIALOG_MIN, DIALOG_MAX = 1, 7
DIALOG_RATINGS = {
    1: "Totally dissatisfied",
    2: "Very dissatisfied",
    3: "Fairly dissatisfied",
    4: "In the middle",
    5: "Fairly satisfied",
    6: "Very satisfied",
    7: "Totally satisfied",
}

# ReQoL-10 is copyrighted: the app never shows its item wording. Staff enter the scored
# value (0-4) of each item from the completed, scored paper form.
REQOL_KEYS = tuple(f"item_{n}" for n in range(1, 11))
REQOL_PHYSICAL_KEY = "physical_health"
REQOL_LABELS = {key: f"Item {n}" for n, key in enumerate(REQOL_KEYS, start=1)} | {
    REQOL_PHYSICAL_KEY: "Physical health item"
}
REQOL_MIN, REQOL_MAX = 0, 4


@dataclass(frozen=True)
class Scores:
    score: float  # DIALOG: quality of life (mean of 8); ReQoL-10: total 0-40
    secondary_score: float | None  # DIALOG: treatment satisfaction; ReQoL: physical item


def mean_2dp(values: Sequence[int]) -> float:
    """The mean rounded half up to 2 dp, as clinicians round by hand (4.125 -> 4.13)."""
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _item_label(key: str) -> str:
    item = DIALOG_BY_KEY.get(key)
    return (item.label if item else REQOL_LABELS.get(key, key)).lower()


def checked_answers(
    answers: Mapping[str, object], keys: Sequence[str], low: int, high: int
) -> dict[str, int]:
    """Every item answered with a whole number in range, and nothing else; else the first
    wrong item is named (so a form or API client can point at it)."""
    for key in answers:
        if key not in keys:
            raise ValidationError(f"'{key}' is not an item of this measure", field=key)
    for key in keys:
        value = answers.get(key)
        if value is None:
            raise ValidationError(f"Answer {_item_label(key)}", field=key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"Score {_item_label(key)} with a whole number from {low} to {high}", field=key
            )
    return {key: int(answers[key]) for key in keys}  # type: ignore[call-overload]


def score_dialog(answers: Mapping[str, object]) -> Scores:
    """Quality of life = mean of the 8 life domains; treatment satisfaction = mean of the 3."""
    ratings = clean_answers(MeasureKind.DIALOG, answers)
    return Scores(
        mean_2dp([ratings[k] for k in LIFE_DOMAIN_KEYS]),
        mean_2dp([ratings[k] for k in TREATMENT_KEYS]),
    )


def score_reqol10(answers: Mapping[str, object]) -> Scores:
    """Total of the ten items (0-40); the physical health item (0-4) reported separately."""
    items = clean_answers(MeasureKind.REQOL10, answers)
    return Scores(float(sum(items[k] for k in REQOL_KEYS)), float(items[REQOL_PHYSICAL_KEY]))


def score(kind: MeasureKind, answers: Mapping[str, object]) -> Scores:
    return score_dialog(answers) if kind == MeasureKind.DIALOG else score_reqol10(answers)


def clean_answers(kind: MeasureKind, answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as stored: every item of the measure, checked."""
    if kind == MeasureKind.DIALOG:
        return checked_answers(answers, tuple(DIALOG_BY_KEY), DIALOG_MIN, DIALOG_MAX)
    return checked_answers(answers, (*REQOL_KEYS, REQOL_PHYSICAL_KEY), REQOL_MIN, REQOL_MAX)


def checked_more_help(kind: MeasureKind, more_help: Iterable[str]) -> list[str]:
    """DIALOG items the person wants more help with, once each, in DIALOG order."""
    chosen = set(more_help)
    if chosen and kind != MeasureKind.DIALOG:
        raise ValidationError("Only DIALOG asks about more help", field="more_help")
    unknown = sorted(chosen - set(DIALOG_BY_KEY))
    if unknown:
        raise ValidationError(f"'{unknown[0]}' is not a DIALOG item", field="more_help")
    return [key for key in DIALOG_BY_KEY if key in chosen]


# --- Recording ----------------------------------------------------------------------------


def in_care_team(session: Session, user: User, episode_id: int) -> bool:
    found = session.scalar(
        sa.select(CareTeamMember.id).where(
            CareTeamMember.episode_id == episode_id,
            CareTeamMember.user_id == user.id,
            CareTeamMember.left_on.is_(None),
        )
    )
    return found is not None


def can_record(session: Session, actor: User, episode: Episode) -> bool:
    """Clinicians involved in the person's care, or a VCSE worker in this episode's team."""
    if actor.access_role == AccessRole.VCSE_WORKER:
        return in_care_team(session, actor, episode.id)
    return is_clinically_involved(session, actor, episode.person_id)


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
    plan = plan_services.current_draft(session, episode_id) or plan_services.current_agreed(
        session, episode_id
    )
    return {goal.need_domain for goal in plan.goals} if plan else set()


def goals_from_more_help(session: Session, actor: User, measure: OutcomeMeasure) -> GoalsAdded:
    """Turn a DIALOG's "more help" answers into draft care plan goals, each domain once."""
    plan_services.require_editor(session, actor, measure.person_id)
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


def history(
    session: Session, person_id: int, episode_id: int | None = None
) -> list[OutcomeMeasure]:
    """A person's measures, oldest first (for charts), optionally for one episode."""
    query = sa.select(OutcomeMeasure).where(OutcomeMeasure.person_id == person_id)
    if episode_id is not None:
        query = query.where(OutcomeMeasure.episode_id == episode_id)
    return list(session.scalars(query.order_by(OutcomeMeasure.recorded_on, OutcomeMeasure.id)))


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


def _shares_outcomes(organisation_id: int | None) -> ColumnElement[bool]:
    day = today()
    return sa.exists(
        sa.select(Consent.id).where(
            Consent.person_id == OutcomeMeasure.person_id,
            Consent.organisation_id == organisation_id,
            Consent.starts_on <= day,
            sa.or_(Consent.ends_on.is_(None), Consent.ends_on >= day),
            ~sa.exists(
                sa.select(ConsentWithdrawal.id).where(ConsentWithdrawal.consent_id == Consent.id)
            ),
            # Sections are a JSON list of fixed names; quoted, no name matches inside another.
            sa.cast(Consent.sections, sa.Text).like(f'%"{ConsentSection.OUTCOME_MEASURES}"%'),
        )
    )


def outcome_scope(user: User) -> ColumnElement[bool]:
    """The measures a user may read, as a WHERE condition: the rule of `plan_access(...)
    .outcomes` on a visible person, so a list never shows what a single read refuses."""
    role = user.access_role
    if role == AccessRole.PERSON:
        own = sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        return OutcomeMeasure.person_id.in_(own)
    if role not in CLINICAL | {AccessRole.VCSE_WORKER}:
        return sa.false()
    visible = OutcomeMeasure.person_id.in_(sa.select(Person.id).where(person_scope(user)))
    shared = _shares_outcomes(user.organisation_id)
    if role == AccessRole.VCSE_WORKER:
        return sa.and_(visible, shared)
    team = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )
    involved = sa.select(Episode.person_id).where(
        sa.or_(Episode.hub_id.in_(hub_ids_of(user)), Episode.id.in_(team))
    )
    glass = sa.select(BreakGlassAccess.person_id).where(
        BreakGlassAccess.user_id == user.id, BreakGlassAccess.expires_at > utcnow()
    )
    return sa.and_(
        visible,
        sa.or_(OutcomeMeasure.person_id.in_(involved), OutcomeMeasure.person_id.in_(glass), shared),
    )


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


# --- Charts (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[dt.date, float]]


@dataclass(frozen=True)
class OutcomeCharts:
    dialog: list[OutcomeMeasure]
    reqol: list[OutcomeMeasure]

    @property
    def dialog_series(self) -> list[Series]:
        return [
            Series("Quality of life", [(m.recorded_on, m.score) for m in self.dialog]),
            Series(
                "Treatment satisfaction",
                [(m.recorded_on, float(m.secondary_score or 0)) for m in self.dialog],
            ),
        ]

    @property
    def reqol_series(self) -> list[Series]:
        return [Series("ReQoL-10 total", [(m.recorded_on, m.score) for m in self.reqol])]


def charts(measures: Iterable[OutcomeMeasure]) -> OutcomeCharts:
    """Split a history, oldest first, into the DIALOG and ReQoL-10 charts."""
    ordered = sorted(measures, key=lambda m: (m.recorded_on, m.id or 0))
    return OutcomeCharts(
        [m for m in ordered if m.kind == MeasureKind.DIALOG],
        [m for m in ordered if m.kind == MeasureKind.REQOL10],
    )
