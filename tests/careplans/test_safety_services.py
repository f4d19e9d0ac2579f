"""Safety plan rules: versions, stale editors, agreement and review dates, the person's
proposals, access and audit (DESIGN §3 rules 5-8)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
import time_machine

from hubs.careplans import versioning as versions
from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.careplans.states import PlanAction, next_plan_status
from hubs.careplans.versioning import PlanReview, ReviewState
from hubs.core.audit import AuditEvent
from hubs.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from hubs.core.errors import ValidationError as DomainValidationError
from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.safetyplans import services as safety
from hubs.safetyplans.models import ProposalStatus, SafetyPlan, SafetyPlanProposal
from tests import factories
from tests.careplans.conftest_safety import (
    REASONS,
    WARNING,
    agreed_plan,
    content,
    crisis_directory,
    draft_plan,
    make_episode,
    share_safety_plan,
)
from tests.helpers.db import counting_statements


@pytest.fixture
def involved(world):
    """person_a has an episode with the clinician as lead: the clinician may edit."""
    return make_episode(world)


def _nurse(world):
    return world.users["clinician"]


def _actions(person_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.person_id == person_id)
            .order_by(AuditEvent.id)
        )
    )


# --- The state table (shared with care plans) ---------------------------------------------

EXPECTED = {
    (PlanStatus.DRAFT, PlanAction.AGREE): PlanStatus.AGREED,
    (PlanStatus.AGREED, PlanAction.START_REVIEW): PlanStatus.UNDER_REVIEW,
    (PlanStatus.AGREED, PlanAction.SUPERSEDE): PlanStatus.SUPERSEDED,
    (PlanStatus.UNDER_REVIEW, PlanAction.SUPERSEDE): PlanStatus.SUPERSEDED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(PlanStatus, PlanAction)))
def test_safety_plan_state_table_allows_only_the_declared_pairs(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_plan_status(status, action)
    else:
        assert next_plan_status(status, action) == expected


def test_agreeing_an_agreed_version_again_is_refused(world, involved):
    plan = agreed_plan(world)
    with pytest.raises(Conflict):
        safety.agree_safety_plan(
            db.session, _nurse(world), plan, revision=plan.revision, method=AgreementMethod.PHONE
        )


# --- Versioning ---------------------------------------------------------------------------


def test_first_version_starts_with_empty_sections(world, involved):
    draft = safety.open_safety_draft(db.session, _nurse(world), world.person_a)
    assert draft.version == 1 and draft.status == PlanStatus.DRAFT
    assert all(getattr(draft, name) == "" for name in safety.TEXT_SECTIONS)
    assert draft.services == []
    assert safety.open_safety_draft(db.session, _nurse(world), world.person_a) is draft


def test_agreeing_snapshots_a_version_and_an_edit_after_agreement_starts_a_new_draft(
    world, involved
):
    services = crisis_directory()
    v1 = agreed_plan(world, service_ids=[services["SAMARITANS"].id])
    v2 = safety.open_safety_draft(db.session, _nurse(world), world.person_a)
    assert (v2.version, v2.status) == (2, PlanStatus.DRAFT)
    assert v2.warning_signs == WARNING and [s.code for s in v2.services] == ["SAMARITANS"]
    safety.save_safety_draft(
        db.session,
        _nurse(world),
        v2,
        revision=v2.revision,
        content=content(warning_signs="Not sleeping", service_ids=[services["NHS111"].id]),
    )
    db.session.refresh(v1)
    assert v1.warning_signs == WARNING and [s.code for s in v1.services] == ["SAMARITANS"]


def test_old_agreed_version_stays_current_until_the_new_one_is_agreed_then_is_superseded(
    world, involved
):
    v1 = agreed_plan(world)
    v2 = draft_plan(world, warning_signs="Not sleeping")
    person_id = world.person_a.id
    assert safety.current_agreed(db.session, person_id) is v1
    assert safety.current_safety_plan(db.session, person_id, drafts=False) is v1
    assert safety.current_safety_plan(db.session, person_id, drafts=True) is v2
    safety.agree_safety_plan(
        db.session, _nurse(world), v2, revision=v2.revision, method=AgreementMethod.VIDEO
    )
    assert (v1.status, v2.status) == (PlanStatus.SUPERSEDED, PlanStatus.AGREED)
    assert safety.current_agreed(db.session, person_id) is v2
    history = safety.safety_versions(db.session, person_id, drafts=False)
    assert [p.version for p in history] == [2, 1]


def test_the_person_never_gets_a_draft_among_their_versions(world, involved):
    agreed_plan(world)
    draft_plan(world, warning_signs="Draft words")
    seen = safety.safety_versions(db.session, world.person_a.id, drafts=False)
    assert [p.status for p in seen] == [PlanStatus.AGREED]
    with pytest.raises(NotFound):
        safety.safety_version(db.session, world.person_a.id, 2, drafts=False)


def test_compare_names_the_sections_that_changed(world, involved):
    v1 = agreed_plan(world)
    v2 = draft_plan(world, warning_signs="Not sleeping")
    changes = safety.compare_safety_versions(v1, v2)
    # A new version gets its own review date when it is agreed.
    assert [c.section for c in changes] == ["Warning signs", "Review date"]
    assert (changes[0].before, changes[0].after) == (WARNING, "Not sleeping")


# --- Two stale editors --------------------------------------------------------------------


def test_two_stale_editors_the_second_save_is_a_conflict_and_nothing_of_theirs_is_saved(
    world, involved
):
    other = factories.UserFactory(role=_nurse(world).role, organisation=world.trust)
    factories.TeamMembershipFactory(user=other, team=world.hub_a)
    draft = draft_plan(world)
    opened = draft.revision  # both editors open revision N
    safety.save_safety_draft(
        db.session,
        _nurse(world),
        draft,
        revision=opened,
        content=content(coping_alone="Listen to music"),
    )
    db.session.commit()  # the first editor's request ends
    with pytest.raises(Conflict) as refused:
        safety.save_safety_draft(
            db.session,
            other,
            draft,
            revision=opened,
            content=content(coping_alone="Go for a run", reasons_for_living="Second editor"),
        )
    assert "Things I can do on my own" in refused.value.message
    assert refused.value.field == "revision"
    db.session.rollback()
    stored = db.session.get(SafetyPlan, draft.id)
    assert stored.coping_alone == "Listen to music" and stored.reasons_for_living == REASONS


def test_two_editors_of_the_agreed_plan_the_second_cannot_start_another_draft(world, involved):
    v1 = agreed_plan(world)
    opened = (v1.version, v1.revision)
    safety.edit_safety_plan(
        db.session,
        _nurse(world),
        world.person_a,
        version=opened[0],
        revision=opened[1],
        content=content(distractions="The allotment"),
    )
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        safety.edit_safety_plan(
            db.session,
            _nurse(world),
            world.person_a,
            version=opened[0],
            revision=opened[1],
            content=content(distractions="The gym"),
        )
    assert "started version 2" in refused.value.message
    assert "People and places that take my mind off things" in refused.value.message
    db.session.rollback()
    versions_now = safety.safety_versions(db.session, world.person_a.id, drafts=True)
    assert [(p.version, p.distractions) for p in versions_now] == [(2, "The allotment"), (1, "")]


def test_two_editors_of_a_blank_plan_the_second_is_refused(world, involved):
    safety.edit_safety_plan(
        db.session, _nurse(world), world.person_a, version=0, revision=None, content=content()
    )
    with pytest.raises(Conflict):
        safety.edit_safety_plan(
            db.session,
            _nurse(world),
            world.person_a,
            version=0,
            revision=None,
            content=content(warning_signs="Overwrite"),
        )


def test_a_save_racing_past_the_revision_check_is_caught_by_the_database(world, involved):
    draft = draft_plan(world)
    db.session.commit()
    # Another request saves behind this session's back (not synchronised into it).
    db.session.execute(
        sa.update(SafetyPlan)
        .where(SafetyPlan.id == draft.id)
        .values(revision=SafetyPlan.revision + 1, warning_signs="Saved elsewhere"),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(Conflict) as refused:
        safety.save_safety_draft(
            db.session, _nurse(world), draft, revision=draft.revision, content=content()
        )
    assert "same moment" in refused.value.message


def test_saving_a_version_that_is_no_longer_a_draft_is_a_conflict(world, involved):
    plan = agreed_plan(world)
    with pytest.raises(Conflict, match="new draft version"):
        safety.save_safety_draft(
            db.session, _nurse(world), plan, revision=plan.revision, content=content()
        )


def test_a_save_without_the_revision_it_started_from_is_refused(world, involved):
    draft = draft_plan(world)
    with pytest.raises(DomainValidationError) as refused:
        safety.save_safety_draft(db.session, _nurse(world), draft, revision=None, content=content())
    assert refused.value.field == "revision"


# --- Agreement and review dates -----------------------------------------------------------


def test_review_date_defaults_to_three_months_after_agreement(world, involved):
    with time_machine.travel(dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC), tick=False):
        plan = agreed_plan(world)
    assert plan.review_due_on == dt.date(2026, 2, 28)
    assert plan.agreed_at is not None and plan.agreement_method == AgreementMethod.IN_PERSON


def test_a_chosen_review_date_is_kept_but_must_be_in_the_next_year(world, involved):
    draft = draft_plan(world)
    with pytest.raises(DomainValidationError) as refused:
        safety.agree_safety_plan(
            db.session,
            _nurse(world),
            draft,
            revision=draft.revision,
            method=AgreementMethod.PHONE,
            review_due_on=dt.date.today() + dt.timedelta(days=400),
        )
    assert refused.value.field == "review_due_on"
    soon = dt.date.today() + dt.timedelta(days=30)
    plan = safety.agree_safety_plan(
        db.session,
        _nurse(world),
        draft,
        revision=draft.revision,
        method=AgreementMethod.PHONE,
        review_due_on=soon,
    )
    assert plan.review_due_on == soon


def test_an_empty_plan_cannot_be_agreed(world, involved):
    draft = safety.open_safety_draft(db.session, _nurse(world), world.person_a)
    with pytest.raises(DomainValidationError):
        safety.agree_safety_plan(
            db.session,
            _nurse(world),
            draft,
            revision=draft.revision,
            method=AgreementMethod.IN_PERSON,
        )


def test_agreeing_with_a_stale_revision_is_a_conflict(world, involved):
    draft = draft_plan(world)
    stale = draft.revision
    safety.save_safety_draft(
        db.session, _nurse(world), draft, revision=stale, content=content(coping_alone="Bake")
    )
    with pytest.raises(Conflict):
        safety.agree_safety_plan(
            db.session, _nurse(world), draft, revision=stale, method=AgreementMethod.IN_PERSON
        )


def test_review_states_for_a_caseload_in_one_query(world, involved):
    due = agreed_plan(world).review_due_on
    ids = [world.person_a.id, world.person_b.id]
    with counting_statements(db.session.connection()) as statements:
        states = safety.safety_review_states(db.session, ids, due - dt.timedelta(days=3))
    assert len(statements) == 1
    assert states == {
        ids[0]: PlanReview(ReviewState.DUE_SOON, due),
        ids[1]: PlanReview(ReviewState.NONE),
    }
    later = safety.safety_review_states(db.session, [world.person_a.id], due + dt.timedelta(days=1))
    assert later[world.person_a.id].state == ReviewState.OVERDUE


def test_review_state_pairs_follow_the_safety_plan_rule():
    due = dt.date(2026, 3, 1)
    assert versions.safety_plan_review(None, due).state == ReviewState.NONE
    assert versions.safety_plan_review(due, dt.date(2026, 2, 14)).state == ReviewState.OK
    assert versions.safety_plan_review(due, dt.date(2026, 2, 15)).state == ReviewState.DUE_SOON
    assert versions.safety_plan_review(due, due).state == ReviewState.DUE_SOON
    assert versions.safety_plan_review(due, dt.date(2026, 3, 2)).state == ReviewState.OVERDUE


# --- Services from the directory ----------------------------------------------------------


def test_plan_lists_crisis_services_with_hours_and_numbers(world, involved):
    services = crisis_directory()
    factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER, name="Knitting group")
    offered = {s.code for s in safety.crisis_services(db.session, world.person_a.id)}
    assert set(services) <= offered
    assert "Knitting group" not in {
        s.name for s in safety.crisis_services(db.session, world.person_a.id)
    }
    chosen = [services["DIALHOUSE"].id, services["SAMARITANS"].id]
    plan = agreed_plan(world, service_ids=chosen)
    assert [(s.name, s.phone, s.opening_hours) for s in plan.services] == [
        ("Dial House", None, "6pm to 2am every day"),
        ("Samaritans", "116 123", "24 hours every day"),
    ]


def test_an_unknown_service_is_refused_naming_the_field(world, involved):
    draft = safety.open_safety_draft(db.session, _nurse(world), world.person_a)
    with pytest.raises(DomainValidationError) as refused:
        safety.save_safety_draft(
            db.session,
            _nurse(world),
            draft,
            revision=draft.revision,
            content=content(service_ids=[999_999]),
        )
    assert refused.value.field == "service_ids"


# --- The person's proposals ---------------------------------------------------------------


def test_person_proposes_a_change_and_staff_accept_it_into_a_new_draft(world, involved):
    v1 = agreed_plan(world)
    proposal = safety.propose_change(
        db.session, world.users["person"], "coping_alone", "  Walk Biscuit round the park  "
    )
    assert (proposal.status, proposal.based_on_id) == (ProposalStatus.PENDING, v1.id)
    assert proposal.proposed_text == "Walk Biscuit round the park"
    draft = safety.accept_proposal(db.session, _nurse(world), proposal)
    assert (draft.version, draft.status) == (2, PlanStatus.DRAFT)
    assert draft.coping_alone == "Walk Biscuit round the park"
    assert draft.warning_signs == WARNING  # the rest comes from the agreed plan
    assert v1.coping_alone == ""  # the agreed plan is unchanged until the draft is agreed
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by_id
    with pytest.raises(Conflict):
        safety.decline_proposal(db.session, _nurse(world), proposal)


def test_accepting_goes_into_the_existing_draft(world, involved):
    agreed_plan(world)
    existing = draft_plan(world, distractions="The allotment")
    proposal = safety.propose_change(db.session, world.users["person"], "people_to_ask", "Jo")
    assert safety.accept_proposal(db.session, _nurse(world), proposal) is existing
    assert (existing.people_to_ask, existing.distractions) == ("Jo", "The allotment")


def test_staff_decline_a_proposal_and_the_plan_is_unchanged(world, involved):
    v1 = agreed_plan(world)
    proposal = safety.propose_change(db.session, world.users["person"], "warning_signs", "None")
    safety.decline_proposal(db.session, _nurse(world), proposal)
    assert proposal.status == ProposalStatus.DECLINED
    assert safety.current_draft(db.session, world.person_a.id) is None
    assert v1.warning_signs == WARNING


def test_proposal_to_an_unknown_section_names_the_field(world, involved):
    agreed_plan(world)
    with pytest.raises(DomainValidationError) as refused:
        safety.propose_change(db.session, world.users["person"], "staff_notes", "Hello")
    assert refused.value.field == "section"


def test_a_proposal_needs_an_agreed_plan_and_some_words(world, involved):
    with pytest.raises(DomainValidationError) as refused:
        safety.propose_change(db.session, world.users["person"], "warning_signs", "Words")
    assert refused.value.field == "section"
    agreed_plan(world)
    with pytest.raises(DomainValidationError) as refused:
        safety.propose_change(db.session, world.users["person"], "warning_signs", "   ")
    assert refused.value.field == "proposed_text"


def test_only_the_person_proposes_and_only_their_care_team_decides(world, involved):
    agreed_plan(world)
    with pytest.raises(PermissionDenied):
        safety.propose_change(db.session, _nurse(world), "warning_signs", "Words")
    proposal = safety.propose_change(db.session, world.users["person"], "warning_signs", "Words")
    for outsider in ("other_hub_clinician", "vcse_worker", "hub_admin"):
        with pytest.raises(PermissionDenied):
            safety.accept_proposal(db.session, world.users[outsider], proposal)
    assert db.session.get(SafetyPlanProposal, proposal.id).status == ProposalStatus.PENDING


# --- Access and audit ---------------------------------------------------------------------


def test_only_clinicians_involved_in_the_persons_care_change_the_plan(world, involved):
    for outsider in ("other_hub_clinician", "vcse_worker", "hub_admin", "person"):
        with pytest.raises(PermissionDenied):
            safety.open_safety_draft(db.session, world.users[outsider], world.person_a)
    assert safety.open_safety_draft(db.session, world.users["manager"], world.person_a)


def test_a_clinician_with_no_episode_for_the_person_cannot_edit(world):
    with pytest.raises(PermissionDenied):
        safety.open_safety_draft(db.session, _nurse(world), world.person_a)


def test_vcse_worker_sees_the_plan_only_with_a_safety_plan_consent_to_their_organisation(
    world, involved
):
    worker = world.users["vcse_worker"]
    with pytest.raises(NotFound):
        safety.get_safety_person(db.session, worker, world.person_shared.id)  # care plan only
    share_safety_plan(world, world.person_shared)
    person, access = safety.get_safety_person(db.session, worker, world.person_shared.id)
    assert person is world.person_shared and access.safety_plan
    assert not access.drafts and not access.edit
    with pytest.raises(NotFound):
        safety.get_safety_person(db.session, world.users["other_vcse_worker"], person.id)


def test_a_person_reaches_only_their_own_plan(world, involved):
    person_user = world.users["person"]
    assert safety.own_person_id(db.session, person_user) == world.person_a.id
    _, access = safety.get_safety_person(db.session, person_user, world.person_a.id)
    assert not access.drafts
    for other in (world.person_b, world.person_shared):
        with pytest.raises(NotFound):
            safety.get_safety_person(db.session, person_user, other.id)


def test_every_change_writes_an_audit_row(world, involved):
    plan = agreed_plan(world)
    proposal = safety.propose_change(db.session, world.users["person"], "coping_alone", "Bake")
    safety.accept_proposal(db.session, _nurse(world), proposal)
    safety.record_read(db.session, _nurse(world), world.person_a.id, plan)
    actions = [a for a in _actions(world.person_a.id) if a.startswith("safety_plan.")]
    assert actions == [
        "safety_plan.create",
        "safety_plan.update",
        "safety_plan.agree",
        "safety_plan.propose",
        "safety_plan.create",
        "safety_plan.accept_proposal",
        "safety_plan.view",
    ]
