"""Worker caseloads and the manager's hub view, read from stored episodes and contacts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from hubs.careplans.versioning import PlanReview, ReviewState
from hubs.caseloads import overview, queries
from hubs.caseloads.rules import NO_PLANS, Flag, PersonPlanReviews, weighting_from
from hubs.core.errors import NotFound
from hubs.core.types import today
from hubs.extensions import db
from hubs.referrals import services as referral_services
from hubs.referrals.models import NeedDomain, Severity
from hubs.support import services as support_services
from tests import factories
from tests.builders import contact_input

WEIGHTING = weighting_from(None)
N, S = NeedDomain, Severity


def _caseload(worker, **kwargs):  # type: ignore[no-untyped-def]
    return queries.worker_caseload(db.session, worker, WEIGHTING, today(), **kwargs)


def _person(team):  # type: ignore[no-untyped-def]
    return factories.PersonFactory(gp_practice=factories.practice_of(team))


def _episode(world, lead, *, care_team=(), days_ago=30, team=None, **kw):  # type: ignore[no-untyped-def]
    """Accepted on the day it was received, `days_ago`."""
    received = today() - dt.timedelta(days=days_ago)
    return factories.EpisodeFactory(
        team=team or world.hub_a,
        lead_worker=lead,
        care_team=care_team,
        received_on=received,
        opened_on=received,
        **kw,
    )


def test_a_workers_caseload_is_the_people_they_lead_or_share_a_care_team_for(world):
    nurse, connector = world.users["clinician"], world.users["vcse_worker"]
    led = _episode(world, nurse)
    shared = _episode(world, world.users["manager"], care_team=[nurse])
    _episode(world, connector)  # someone else's
    _episode(world, nurse, finished=True)  # discharged
    left = _episode(world, connector, care_team=[nurse])
    referral_services.leave_care_team(db.session, world.users["manager"], left, nurse.id)
    entries = _caseload(nurse).entries
    assert {e.person.id for e in entries} == {led.person_id, shared.person_id}
    assert {e.person.id: e.is_lead for e in entries} == {
        led.person_id: True,
        shared.person_id: False,
    }


def test_caseload_weighs_each_person_by_their_highest_need(world):
    nurse = world.users["clinician"]
    _episode(world, nurse, needs=[(N.MENTAL_HEALTH, S.LOW), (N.ACCOMMODATION, S.HIGH)])
    _episode(world, nurse, needs=[(N.FRIENDSHIPS, S.MODERATE)])
    _episode(world, nurse, needs=[(N.FRIENDSHIPS, S.LOW)])
    caseload = _caseload(nurse)
    assert sorted(e.weight for e in caseload.entries) == [1, 2, 3]
    assert len(caseload.entries) == 3 and caseload.weighted == 6


def test_a_person_with_two_open_episodes_is_one_person_on_the_caseload(world):
    nurse = world.users["clinician"]
    person = _person(world.hub_a)
    _episode(world, nurse, person=person, needs=[(N.FRIENDSHIPS, S.LOW)])
    _episode(world, nurse, person=person, needs=[(N.MEDICATION, S.HIGH)])
    [entry] = _caseload(nurse).entries
    assert entry.severity == S.HIGH and len(entry.episodes) == 2


def test_caseload_shows_last_contact_and_the_most_recently_planned_next_contact(world, allocated):
    connector = world.users["vcse_worker"]
    plan_a, plan_b = today() + dt.timedelta(days=30), today() + dt.timedelta(days=7)
    for days_ago, planned in ((10, plan_a), (3, plan_b)):
        details = support_services.ContactDetails(next_contact_on=planned)
        support_services.log_contact(
            db.session, connector, world.person_a.id, contact_input(days_ago, details=details)
        )
    support_services.log_contact(  # an attempt that did not reach them is not contact
        db.session, connector, world.person_a.id, contact_input(1, reached="no")
    )
    [entry] = _caseload(connector).entries
    assert entry.facts.last_contact_on == today() - dt.timedelta(days=3)
    assert entry.facts.next_contact_on == plan_b


def test_no_contact_flag_follows_the_calendar_and_clears_when_contact_is_logged(world, allocated):
    connector = world.users["vcse_worker"]
    support_services.log_contact(db.session, connector, world.person_a.id, contact_input(5))
    assert Flag.NO_RECENT_CONTACT not in _caseload(connector).entries[0].flags
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=24)
    with time_machine.travel(later, tick=False):
        assert Flag.NO_RECENT_CONTACT in _caseload(connector).entries[0].flags
        support_services.log_contact(db.session, connector, world.person_a.id, contact_input(0))
        assert Flag.NO_RECENT_CONTACT not in _caseload(connector).entries[0].flags


def test_health_check_flag_is_shown_until_all_six_are_recorded(world, allocated):
    from hubs.trackers import services as trackers
    from hubs.trackers.models import HealthCheckElement, SmokingStatus

    connector = world.users["vcse_worker"]
    assert Flag.HEALTH_CHECK_INCOMPLETE in _caseload(connector).entries[0].flags
    for element in HealthCheckElement:
        trackers.record_health_check(
            db.session,
            connector,
            world.person_a.id,
            element=element,
            done_on=today(),
            where_done="GP practice",
            smoking_status=SmokingStatus.NEVER if element == "smoking" else None,
        )
    assert Flag.HEALTH_CHECK_INCOMPLETE not in _caseload(connector).entries[0].flags


def test_review_overdue_flag_comes_from_the_care_plan_contract(world, allocated, monkeypatch):
    overdue = PersonPlanReviews(PlanReview(ReviewState.OVERDUE, today()), NO_PLANS.safety_plan)

    def plan_reviews(session, person_ids, today=None):  # type: ignore[no-untyped-def]
        return {pid: overdue if pid == world.person_a.id else NO_PLANS for pid in person_ids}

    # The care plan feature owns this contract; this pins the caseload side of it alone.
    monkeypatch.setattr(queries, "plan_reviews", plan_reviews)
    assert Flag.REVIEW_OVERDUE in _caseload(world.users["vcse_worker"]).entries[0].flags
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert [n.episode.person_id for n in view.reviews_overdue] == [world.person_a.id]


# --- Managers ---------------------------------------------------------------------------------


def test_manager_reaches_only_the_hubs_they_manage(world):
    manager = world.users["manager"]
    assert queries.get_managed_team(db.session, manager, world.hub_a.id) == world.hub_a
    with pytest.raises(NotFound):
        queries.get_managed_team(db.session, manager, world.hub_b.id)
    assert queries.managed_teams(db.session, manager) == [world.hub_a]


def test_manager_reaches_only_workers_of_the_hubs_they_manage(world):
    manager = world.users["manager"]
    nurse = queries.get_managed_worker(db.session, manager, world.users["clinician"].id)
    assert nurse == world.users["clinician"]
    with pytest.raises(NotFound):
        queries.get_managed_worker(db.session, manager, world.users["other_hub_clinician"].id)


def test_a_managers_view_of_a_worker_leaves_out_people_in_other_hubs(world):
    nurse = world.users["clinician"]
    _episode(world, nurse)
    _episode(world, nurse, team=world.hub_b)
    assert len(_caseload(nurse).entries) == 2
    assert len(_caseload(nurse, team_ids=[world.hub_a.id]).entries) == 1


def test_hub_view_counts_each_workers_people_and_weights_them_by_need(world):
    nurse, connector = world.users["clinician"], world.users["vcse_worker"]
    _episode(world, nurse, needs=[(N.MENTAL_HEALTH, S.HIGH)], care_team=[connector])
    _episode(world, nurse, needs=[(N.MENTAL_HEALTH, S.LOW)])
    _episode(world, connector, needs=[(N.MONEY_DEBT, S.MODERATE)])
    _episode(world, world.users["other_hub_clinician"], team=world.hub_b)
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    loads = {w.worker.id: (w.people, w.weighted, w.lead_for) for w in view.workers}
    assert loads[nurse.id] == (2, 4, 2)
    assert loads[connector.id] == (2, 5, 1)
    assert world.users["other_hub_clinician"].id not in loads
    assert [w.worker.id for w in view.workers][:2] == [connector.id, nurse.id]  # heaviest first


def test_hub_view_uses_the_configured_weighting(world):
    nurse = world.users["clinician"]
    _episode(world, nurse, needs=[(N.MENTAL_HEALTH, S.HIGH)])
    heavy = weighting_from({"high": 10, "moderate": 2, "low": 1})
    view = overview.hub_overview(db.session, world.hub_a, heavy, today())
    assert {w.worker.id: w.weighted for w in view.workers}[nurse.id] == 10


def test_hub_view_lists_accepted_people_whose_lead_worker_has_left(world):
    leaver = factories.UserFactory(organisation=world.trust)
    factories.TeamMembershipFactory(user=leaver, team=world.hub_a)
    episode = _episode(world, leaver)
    leaver.is_active = False
    db.session.flush()
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert [e.id for e in view.lead_unavailable] == [episode.id]


def test_hub_view_lists_accepted_people_still_waiting_for_a_first_contact(world, allocated):
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert [n.episode.id for n in view.awaiting_first_contact] == [allocated.id]
    support_services.log_contact(
        db.session, world.users["vcse_worker"], world.person_a.id, contact_input(1)
    )
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert view.awaiting_first_contact == []


def test_hub_view_lists_people_with_no_contact_in_28_days(world):
    nurse = world.users["clinician"]
    quiet = _episode(world, nurse, days_ago=60)
    _episode(world, nurse, days_ago=10)
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert [n.episode.id for n in view.no_recent_contact] == [quiet.id]
    assert view.no_recent_contact[0].days == 60


def test_hub_view_waiting_list_counts_breaches_closest_to_breach_first(world, make_referral):
    old = make_referral(received_on=today() - dt.timedelta(days=40))
    new = make_referral(person=_person(world.hub_a), received_on=today() - dt.timedelta(days=2))
    make_referral(person=world.person_b, actor=world.users["other_hub_clinician"])
    view = overview.hub_overview(db.session, world.hub_a, WEIGHTING, today())
    assert [w.referral.id for w in view.waiting] == [old.id, new.id]
    assert (view.waiting_total, view.breached_total) == (2, 1)


def test_review_overdue_flag_is_raised_by_a_real_agreed_plan_past_its_review_date(world, allocated):
    import time_machine

    from hubs.careplans import services as plan_services
    from hubs.careplans.models import AgreementMethod

    nurse = world.users["clinician"]
    draft = plan_services.open_draft(db.session, nurse, allocated)
    plan_services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=plan_services.CarePlanContent(what_matters="Home"),
    )
    plan_services.agree(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        method=AgreementMethod.IN_PERSON,
        review_due_on=today() + dt.timedelta(days=60),
    )
    db.session.flush()
    assert Flag.REVIEW_OVERDUE not in _caseload(world.users["vcse_worker"]).entries[0].flags
    later = dt.datetime.combine(today() + dt.timedelta(days=61), dt.time(12), dt.UTC)
    with time_machine.travel(later, tick=False):
        assert Flag.REVIEW_OVERDUE in _caseload(world.users["vcse_worker"]).entries[0].flags
