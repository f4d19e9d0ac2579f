"""Care plan rules: versions, stale editors, agreement, review dates, clock events, access."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
import time_machine

from hubs.careplans import services
from hubs.careplans import versioning as versions
from hubs.careplans.access import plan_access
from hubs.careplans.models import AgreementMethod, CarePlan, PlanStatus
from hubs.careplans.states import PlanAction, next_plan_status
from hubs.careplans.versioning import ReviewState
from hubs.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from hubs.extensions import db
from hubs.people.models import ConsentSection
from hubs.people.services import grant_consent
from hubs.referrals import queries as referral_queries
from hubs.referrals.models import ClockEventKind, NeedDomain
from hubs.referrals.services import record_clock_event


def content(**values) -> services.CarePlanContent:
    values.setdefault("what_matters", "Keeping my flat")
    values.setdefault(
        "goals", [services.GoalInput("Sort out my rent arrears", NeedDomain.MONEY_DEBT)]
    )
    return services.CarePlanContent(**values)


def _agreed(world, episode) -> CarePlan:
    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(db.session, nurse, draft, revision=draft.revision, content=content())
    return services.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )


EXPECTED = {
    (PlanStatus.DRAFT, PlanAction.AGREE): PlanStatus.AGREED,
    (PlanStatus.AGREED, PlanAction.START_REVIEW): PlanStatus.UNDER_REVIEW,
    (PlanStatus.AGREED, PlanAction.SUPERSEDE): PlanStatus.SUPERSEDED,
    (PlanStatus.UNDER_REVIEW, PlanAction.SUPERSEDE): PlanStatus.SUPERSEDED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(PlanStatus, PlanAction)))
def test_plan_state_table_allows_only_the_declared_transitions(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_plan_status(status, action)
    else:
        assert next_plan_status(status, action) == expected


def test_first_draft_is_version_one_and_empty(world, episode):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    assert (draft.version, draft.status, draft.what_matters) == (1, PlanStatus.DRAFT, "")


def test_agreeing_records_how_and_when_and_sets_review_within_twelve_months(world, episode):
    plan = _agreed(world, episode)
    assert plan.status == PlanStatus.AGREED and plan.agreement_method == AgreementMethod.IN_PERSON
    assert plan.agreed_at is not None
    assert plan.review_due_on == versions.add_months(dt.date.today(), 12)


def test_review_date_later_than_twelve_months_is_refused(world, episode):
    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(db.session, nurse, draft, revision=draft.revision, content=content())
    with pytest.raises(ValidationError) as error:
        services.agree(
            db.session,
            nurse,
            draft,
            revision=draft.revision,
            method=AgreementMethod.PHONE,
            review_due_on=versions.add_months(dt.date.today(), 13),
        )
    assert error.value.field == "review_due_on" and draft.status == PlanStatus.DRAFT


def test_an_edit_after_agreement_starts_a_new_draft_and_the_agreed_plan_stays(world, episode):
    agreed = _agreed(world, episode)
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    assert (
        draft.id != agreed.id and draft.version == 2 and draft.what_matters == agreed.what_matters
    )
    assert [g.own_words for g in draft.goals] == [g.own_words for g in agreed.goals]
    assert agreed.status == PlanStatus.AGREED


def test_agreeing_a_new_version_supersedes_the_old_one(world, episode):
    nurse = world.users["clinician"]
    first = _agreed(world, episode)
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=content(what_matters="Keeping my flat and seeing my sister"),
    )
    services.agree(db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.PORTAL)
    assert first.status == PlanStatus.SUPERSEDED and draft.status == PlanStatus.AGREED
    changes = services.compare_versions(first, draft)
    assert [c.section for c in changes] == ["What matters to me"]


def test_two_stale_editors_the_second_save_is_a_conflict_and_saves_nothing(world, episode):
    nurse, manager = world.users["clinician"], world.users["manager"]
    draft = services.open_draft(db.session, nurse, episode)
    opened_at = draft.revision  # both editors open the same revision
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=opened_at,
        content=content(about_me="Written by the first editor"),
    )
    with pytest.raises(Conflict) as error:
        services.save_draft(
            db.session,
            manager,
            draft,
            revision=opened_at,
            content=content(about_me="Written by the second editor"),
        )
    assert "About me" in error.value.message and error.value.status_code == 409
    db.session.expire_all()
    assert db.session.get(CarePlan, draft.id).about_me == "Written by the first editor"


def test_saving_an_agreed_version_is_a_conflict_not_an_overwrite(world, episode):
    plan = _agreed(world, episode)
    with pytest.raises(Conflict):
        services.save_draft(
            db.session,
            world.users["clinician"],
            plan,
            revision=plan.revision,
            content=content(about_me="Too late"),
        )


def test_only_the_care_team_or_hub_clinicians_can_edit(world, episode):
    for role in ("other_hub_clinician", "vcse_worker", "hub_admin"):
        with pytest.raises(PermissionDenied):
            services.open_draft(db.session, world.users[role], episode)


def test_review_state_is_due_soon_from_eleven_months_and_overdue_after_twelve():
    agreed = dt.date(2025, 1, 15)
    due = versions.add_months(agreed, 12)
    assert versions.care_plan_review(agreed, due, dt.date(2025, 12, 14)).state == ReviewState.OK
    assert (
        versions.care_plan_review(agreed, due, dt.date(2025, 12, 15)).state == ReviewState.DUE_SOON
    )
    assert versions.care_plan_review(agreed, due, dt.date(2026, 1, 16)).state == ReviewState.OVERDUE


def test_plan_reviews_report_each_persons_agreed_plan(world, episode):
    from hubs.caseloads.queries import plan_reviews

    _agreed(world, episode)
    future = dt.datetime.combine(versions.add_months(dt.date.today(), 11), dt.time(12), dt.UTC)
    with time_machine.travel(future, tick=False):
        reviews = plan_reviews(db.session, [world.person_a.id, world.person_b.id])
    assert reviews[world.person_a.id].care_plan.state == ReviewState.DUE_SOON
    assert reviews[world.person_b.id].care_plan.state == ReviewState.NONE


def test_the_four_week_clock_stops_when_assessment_plan_intervention_and_baseline_are_in(
    world, episode
):
    nurse = world.users["clinician"]
    services.record_assessment(db.session, nurse, episode, dt.date.today() - dt.timedelta(days=5))
    plan = _agreed(world, episode)
    record_clock_event(
        db.session, episode.person_id, ClockEventKind.BASELINE_MEASURE, dt.date.today()
    )
    clocks = referral_queries.clocks_for_many(db.session, [episode.referral])[episode.referral_id]
    assert clocks.four_week.stopped_on is None  # no intervention yet
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=content(
            actions=[
                services.ActionInput(services.ActionCategory.SOCIAL, "Housing advice appointment")
            ]
        ),
    )
    agreed = services.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.PHONE
    )
    services.start_action(db.session, nurse, agreed, agreed.actions[0].id, dt.date.today())
    clocks = referral_queries.clocks_for_many(db.session, [episode.referral])[episode.referral_id]
    assert clocks.four_week.stopped_on == dt.date.today()
    assert plan.status == PlanStatus.SUPERSEDED


def test_assessment_date_outside_the_referral_is_refused(world, episode):
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            db.session, world.users["clinician"], episode, dt.date.today() + dt.timedelta(days=1)
        )
    assert error.value.field == "completed_on"


def test_vcse_worker_sees_plans_only_with_a_consent_for_that_section(world, episode):
    connector = world.users["vcse_worker"]
    assert not plan_access(db.session, connector, world.person_a).care_plan
    grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.CARE_PLAN],
        starts_on=dt.date.today(),
    )
    access = plan_access(db.session, connector, world.person_a)
    assert (
        access.care_plan and not access.safety_plan and not access.staff_notes and not access.edit
    )


def test_person_sees_own_plans_but_never_staff_notes_or_drafts(world, episode):
    access = plan_access(db.session, world.users["person"], world.person_a)
    assert access.care_plan and not access.staff_notes and not access.drafts and not access.edit


def test_comment_needs_text(world, episode):
    plan = _agreed(world, episode)
    with pytest.raises(ValidationError):
        services.add_comment(db.session, world.users["person"], plan, "   ")
    comment = services.add_comment(db.session, world.users["person"], plan, "Can we add my sister?")
    assert comment.care_plan_id == plan.id


def test_versions_are_kept_never_deleted(world, episode):
    _agreed(world, episode)
    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session, nurse, draft, revision=draft.revision, content=content(about_me="v2")
    )
    services.agree(db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.VIDEO)
    count = db.session.scalar(
        sa.select(sa.func.count(CarePlan.id)).where(CarePlan.episode_id == episode.id)
    )
    assert count == 2
