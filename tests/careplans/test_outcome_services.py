"""Outcome measure services: baseline and the 4-week clock, dates, who may record and read,
"more help" answers as draft goals, audit rows, and lists that match single reads."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.careplans import services as plan_services
from hubs.careplans.models import (
    ActionCategory,
    AgreementMethod,
    CarePlan,
    PlanStatus,
)
from hubs.core.audit import AuditEvent
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.extensions import db
from hubs.outcomes import services as outcomes
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.people.models import ConsentSection
from hubs.people.services import grant_consent, withdraw_consent
from hubs.referrals import queries as referral_queries
from hubs.referrals import services as referral_services
from hubs.referrals.models import ClockEvent, ClockEventKind, NeedDomain
from tests.careplans.test_outcome_matrix import dialog_answers, make_episode, record
from tests.helpers.db import count_rows

TODAY = dt.date.today()


@pytest.fixture
def episode(world):
    return make_episode(world)


# --- Baseline and the 4-week clock -------------------------------------------------------


def test_first_measure_of_an_episode_is_the_baseline_and_records_the_clock_event(world, episode):
    first = record(world, episode, on=TODAY - dt.timedelta(days=5))
    second = record(world, episode, MeasureKind.REQOL10)
    assert first.is_baseline and not second.is_baseline
    events = db.session.scalars(
        sa.select(ClockEvent).where(ClockEvent.kind == ClockEventKind.BASELINE_MEASURE)
    ).all()
    assert [(e.occurred_on, e.referral_id, e.source_type, e.source_id) for e in events] == [
        (TODAY - dt.timedelta(days=5), episode.referral_id, "outcome_measure", first.id)
    ]


def test_a_reqol10_can_be_the_baseline_too(world, episode):
    assert record(world, episode, MeasureKind.REQOL10).is_baseline


def test_each_episode_has_its_own_baseline(world, episode):
    record(world, episode)
    other = make_episode(world)
    assert record(world, other).is_baseline


def _agree_plan_and_start_action(world, episode) -> None:
    nurse = world.users["clinician"]
    draft = plan_services.open_draft(db.session, nurse, episode)
    plan_services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=plan_services.CarePlanContent(
            what_matters="Seeing friends again",
            actions=[plan_services.ActionInput(ActionCategory.SOCIAL, "Walk group")],
        ),
    )
    plan = plan_services.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )
    plan_services.start_action(db.session, nurse, plan, plan.actions[0].id, TODAY)
    db.session.commit()


def test_4_week_clock_stops_only_when_the_baseline_joins_assessment_plan_and_intervention(
    world, episode
):
    referral = episode.referral
    plan_services.record_assessment(
        db.session, world.users["clinician"], episode, TODAY - dt.timedelta(days=8)
    )
    _agree_plan_and_start_action(world, episode)
    clock = referral_queries.clocks_for_many(db.session, [referral])[referral.id].four_week
    assert not clock.is_stopped  # three of the four events: still waiting
    record(world, episode, on=TODAY - dt.timedelta(days=6))
    clock = referral_queries.clocks_for_many(db.session, [referral])[referral.id].four_week
    assert clock.is_stopped and clock.stopped_on == TODAY  # the last of the four
    assert clock.days_elapsed == 20 and clock.state.value == "met"


def test_baseline_alone_does_not_stop_the_4_week_clock(world, episode):
    record(world, episode)
    referral = episode.referral
    assert not referral_queries.clocks_for_many(db.session, [referral])[
        referral.id
    ].four_week.is_stopped


# --- Dates and answers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "future"),
        (TODAY - dt.timedelta(days=21), "before the referral"),
        (None, "Enter the date"),
    ],
)
def test_measure_dated_in_the_future_or_before_the_referral_is_refused(
    world, episode, day, message
):
    with pytest.raises(ValidationError) as error:
        outcomes.record_measure(
            db.session,
            world.users["clinician"],
            episode,
            MeasureKind.DIALOG,
            day,
            dialog_answers(4),
        )
    assert error.value.field == "recorded_on" and message in error.value.message


def test_measure_on_the_day_the_referral_was_received_is_accepted(world, episode):
    assert record(world, episode, on=episode.referral.received_on).is_baseline


def test_later_measure_cannot_be_dated_before_the_baseline(world, episode):
    record(world, episode, on=TODAY - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        record(world, episode, on=TODAY - dt.timedelta(days=4))
    assert "baseline" in error.value.message


def test_bad_answers_save_nothing_and_name_the_item(world, episode):
    db.session.rollback()
    before = count_rows(OutcomeMeasure)
    answers = dialog_answers(4) | {"friendships": 9}
    with pytest.raises(ValidationError) as error:
        record(world, episode, answers=answers)
    db.session.rollback()
    assert error.value.field == "friendships"
    assert count_rows(OutcomeMeasure) == before
    events = sa.select(sa.func.count(ClockEvent.id)).where(
        ClockEvent.kind == ClockEventKind.BASELINE_MEASURE
    )
    assert db.session.scalar(events) == 0


def test_stored_answers_and_scores(world, episode):
    measure = record(
        world,
        episode,
        answers=dialog_answers(1, 2, 3, 4, 5, 6, 7, 5, 2, 3, 7),
        more_help=("accommodation", "mental_health"),
    )
    assert measure.answers["leisure_activities"] == 5 and len(measure.answers) == 11
    assert (measure.score, measure.secondary_score) == (4.13, 4.0)
    assert measure.more_help == ["mental_health", "accommodation"]
    assert measure.person_id == episode.person_id
    assert measure.recorded_by_id == world.users["clinician"].id


# --- Who may record -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinician", "manager"])
def test_clinicians_involved_in_the_persons_care_may_record(world, episode, role):
    assert record(world, episode, actor=world.users[role]).id


@pytest.mark.parametrize(
    "role", ["other_hub_clinician", "hub_admin", "vcse_worker", "analyst", "person"]
)
def test_others_may_not_record(world, episode, role):
    with pytest.raises(PermissionDenied):
        record(world, episode, actor=world.users[role])


def test_vcse_worker_in_the_episodes_care_team_may_record(world, episode):
    worker = world.users["vcse_worker"]
    referral_services.add_to_care_team(db.session, episode, worker)
    assert record(world, episode, actor=worker).is_baseline


def test_vcse_worker_who_left_the_care_team_may_no_longer_record(world, episode):
    worker = world.users["vcse_worker"]
    member = referral_services.add_to_care_team(db.session, episode, worker)
    member.left_on = TODAY
    with pytest.raises(PermissionDenied):
        record(world, episode, actor=worker)


# --- "More help" answers become draft goals ------------------------------------------------


def _draft(episode) -> CarePlan:
    plan = plan_services.current_draft(db.session, episode.id)
    assert plan is not None
    return plan


def test_more_help_answers_become_draft_goals_with_their_need_domain(world, episode):
    measure = record(world, episode, more_help=("accommodation", "medication"))
    added = outcomes.goals_from_more_help(db.session, world.users["clinician"], measure)
    assert added.domains == [NeedDomain.ACCOMMODATION, NeedDomain.MEDICATION]
    goals = [(g.own_words, g.need_domain) for g in _draft(episode).goals]
    assert goals == [
        ("More help with my accommodation", NeedDomain.ACCOMMODATION),
        ("More help with my medication", NeedDomain.MEDICATION),
    ]
    assert _draft(episode).status == PlanStatus.DRAFT


def test_more_help_goals_are_added_once_per_draft(world, episode):
    first = record(world, episode, more_help=("accommodation",))
    outcomes.goals_from_more_help(db.session, world.users["clinician"], first)
    again = outcomes.goals_from_more_help(db.session, world.users["clinician"], first)
    assert again.domains == [] and again.plan is None
    later = record(world, episode, more_help=("accommodation", "friendships"))
    added = outcomes.goals_from_more_help(db.session, world.users["clinician"], later)
    assert added.domains == [NeedDomain.FRIENDSHIPS]
    domains = [g.need_domain for g in _draft(episode).goals]
    assert domains == [NeedDomain.ACCOMMODATION, NeedDomain.FRIENDSHIPS]


def test_more_help_goals_already_in_the_agreed_plan_are_not_added_to_its_new_draft(world, episode):
    nurse = world.users["clinician"]
    measure = record(world, episode, more_help=("accommodation",))
    outcomes.goals_from_more_help(db.session, nurse, measure)
    draft = _draft(episode)
    plan_services.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )
    added = outcomes.goals_from_more_help(db.session, nurse, measure)
    assert added.domains == [] and plan_services.current_draft(db.session, episode.id) is None


def test_a_measure_without_more_help_answers_gives_no_goals(world, episode):
    for measure in (record(world, episode), record(world, episode, MeasureKind.REQOL10)):
        with pytest.raises(ValidationError):
            outcomes.goals_from_more_help(db.session, world.users["clinician"], measure)


def test_only_clinicians_who_may_edit_the_plan_turn_answers_into_goals(world, episode):
    worker = world.users["vcse_worker"]
    referral_services.add_to_care_team(db.session, episode, worker)
    measure = record(world, episode, more_help=("friendships",), actor=worker)
    with pytest.raises(PermissionDenied):
        outcomes.goals_from_more_help(db.session, worker, measure)


# --- Who may read ------------------------------------------------------------------------


def _share(world, person, sections, organisation=None):  # type: ignore[no-untyped-def]
    return grant_consent(
        db.session,
        None,
        person,
        organisation_id=(organisation or world.vcse).id,
        sections=sections,
        starts_on=dt.date(2020, 1, 1),
    )


def test_care_team_clinicians_and_hub_managers_read_an_episodes_measures(world, episode):
    measure = record(world, episode)
    for role in ("clinician", "manager"):
        found = outcomes.episode_outcomes(db.session, world.users[role], episode.id)
        assert found.measures == [measure] and found.may_record and found.may_plan


@pytest.mark.parametrize("role", ["other_hub_clinician", "hub_admin", "other_vcse_worker"])
def test_staff_without_a_reason_get_404(world, episode, role):
    record(world, episode)
    with pytest.raises(NotFound):
        outcomes.episode_outcomes(db.session, world.users[role], episode.id)


def test_missing_episode_is_404(world):
    with pytest.raises(NotFound):
        outcomes.episode_outcomes(db.session, world.users["clinician"], 999_999)


def test_vcse_worker_in_the_care_team_records_but_sees_scores_only_with_consent(world, episode):
    worker = world.users["vcse_worker"]
    referral_services.add_to_care_team(db.session, episode, worker)
    record(world, episode, actor=worker)
    found = outcomes.episode_outcomes(db.session, worker, episode.id)
    assert found.may_record and found.measures is None and not found.may_plan
    _share(world, world.person_a, [ConsentSection.CARE_PLAN])  # not the outcome section
    assert outcomes.episode_outcomes(db.session, worker, episode.id).measures is None
    _share(world, world.person_a, [ConsentSection.OUTCOME_MEASURES])
    assert len(outcomes.episode_outcomes(db.session, worker, episode.id).measures or []) == 1


def test_vcse_worker_outside_the_care_team_reads_scores_under_an_outcome_consent(world):
    episode = make_episode(world, world.person_shared, world.users["other_hub_clinician"])
    record(world, episode, actor=world.users["other_hub_clinician"])
    worker = world.users["vcse_worker"]
    # person_shared shares their care plan only with the worker's organisation.
    with pytest.raises(NotFound):
        outcomes.episode_outcomes(db.session, worker, episode.id)
    consent = _share(world, world.person_shared, [ConsentSection.OUTCOME_MEASURES])
    found = outcomes.episode_outcomes(db.session, worker, episode.id)
    assert len(found.measures or []) == 1 and not found.may_record
    withdraw_consent(db.session, None, consent.id)
    with pytest.raises(NotFound):
        outcomes.episode_outcomes(db.session, worker, episode.id)


def test_every_read_is_audited(world, episode):
    record(world, episode)
    outcomes.episode_outcomes(db.session, world.users["manager"], episode.id)
    outcomes.own_outcomes(db.session, world.users["person"])
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.like("outcome_measure.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(r.action, r.actor_user_id, r.person_id) for r in rows] == [
        ("outcome_measure.create", world.users["clinician"].id, world.person_a.id),
        ("outcome_measure.list", world.users["manager"].id, world.person_a.id),
        ("outcome_measure.list_own", world.users["person"].id, world.person_a.id),
    ]


def test_the_person_reads_only_their_own_measures(world, episode):
    mine = record(world, episode)
    other_episode = make_episode(world, world.person_b, world.users["other_hub_clinician"])
    record(world, other_episode, actor=world.users["other_hub_clinician"])
    person, measures = outcomes.own_outcomes(db.session, world.users["person"])
    assert person == world.person_a and measures == [mine]


def test_history_is_oldest_first_across_episodes(world, episode):
    later = record(world, episode, on=TODAY)
    older_episode = make_episode(world, days_ago=40)
    earlier = record(world, older_episode, on=TODAY - dt.timedelta(days=30))
    assert outcomes.history(db.session, world.person_a.id) == [earlier, later]
    assert outcomes.history(db.session, world.person_a.id, episode.id) == [later]


# --- Lists follow the same rule as single reads ---------------------------------------------

LIST_ROLES = [
    "clinician",
    "other_hub_clinician",
    "vcse_worker",
    "other_vcse_worker",
    "hub_admin",
    "manager",
    "analyst",
    "person",
    "other_person",
]


@pytest.mark.parametrize("role", LIST_ROLES)
def test_list_shows_exactly_the_measures_single_reads_allow(world, role):
    a = make_episode(world)
    b = make_episode(world, world.person_b, world.users["other_hub_clinician"])
    shared = make_episode(world, world.person_shared, world.users["other_hub_clinician"])
    for ep, lead in ((a, "clinician"), (b, "other_hub_clinician"), (shared, "other_hub_clinician")):
        record(world, ep, actor=world.users[lead])
    _share(world, world.person_shared, [ConsentSection.OUTCOME_MEASURES])
    _share(world, world.person_b, [ConsentSection.OUTCOME_MEASURES], world.other_vcse)
    user = world.users[role]
    listed = {m.id for m in outcomes.list_measures(db.session, user, per_page=100).items}
    readable = set()
    for ep in (a, b, shared):
        try:
            found = outcomes.episode_outcomes(db.session, user, ep.id)
        except NotFound:
            continue
        readable |= {m.id for m in found.measures or []}
    assert listed == readable
