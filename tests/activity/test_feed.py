"""The live feed: rows written in the service's transaction, once, with the right values."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.activity import feed
from hubs.core.pseudonym import from_config
from hubs.core.signals import hub_signals
from hubs.extensions import db
from hubs.people.models import Sex
from hubs.referrals import services as referrals
from hubs.referrals.states import ReferralAction
from hubs.reporting.models import ActivityEvent, ActivityType
from tests import factories
from tests.activity import scenario, store
from tests.activity.scenario import TODAY, ago

T = ActivityType


@pytest.fixture
def services(world):
    built = scenario.Scenario()
    scenario.set_up_services(world, built)
    return built


def _receive(world, person=None, days=3):  # type: ignore[no-untyped-def]
    return referrals.receive_referral(
        db.session,
        world.users["hub_admin"],
        person or world.person_a,
        scenario.referral_input(days),
    )


# --- Same transaction, once -----------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_activity_row(world, services):
    with db.session.begin_nested() as savepoint:
        _receive(world)
        assert store.count(T.REFERRAL_RECEIVED) == 1  # written inside the transaction
        savepoint.rollback()
    assert store.count() == 0


def test_a_committed_change_leaves_exactly_one_activity_row(world, services):
    referral = _receive(world)
    db.session.commit()
    [row] = store.rows()
    assert row["event_type"] == T.REFERRAL_RECEIVED
    assert row["event_key"] == from_config().event(f"referral-received:{referral.id}")


def test_sending_the_same_signal_again_adds_no_row(world, services):
    referral = _receive(world)
    referrals.triage(
        db.session, world.users["clinician"], referral, rationale="MDT", priority=referral.priority
    )
    db.session.commit()
    before = store.rows()
    hub_signals.signal("referral-received").send(referral, actor=None)
    hub_signals.signal("referral-transitioned").send(
        referral, actor=None, action=ReferralAction.TRIAGE, before=None
    )
    db.session.commit()
    assert store.rows() == before


# --- Values -----------------------------------------------------------------------------------


def test_the_4_week_clock_stop_is_dated_by_the_last_of_the_four_events_with_days_waited(world):
    scenario.build(world)
    [stop] = store.rows(T.FOUR_WEEK_CLOCK_STOPPED)
    # Received 30 days ago; assessment 20, baseline 15, intervention 10 days ago; plan today.
    assert (stop["started_on"], stop["occurred_on"], stop["value"]) == (ago(30), TODAY, 30.0)
    [received] = store.rows(T.REFERRAL_RECEIVED, person=world.person_a)
    assert stop["case_key"] == received["case_key"]


def test_eip_treatment_started_counts_days_from_referral_to_the_package(world):
    scenario.build(world)
    [eip] = store.rows(T.EIP_TREATMENT_STARTED)
    assert (eip["started_on"], eip["occurred_on"], eip["value"]) == (ago(16), ago(5), 11.0)
    assert eip["age_band"] == "18-25" and eip["ethnic_group"] == "Black or Black British"


def test_a_contact_logged_late_moves_the_first_and_second_contact_rows(world):
    scenario.build(world)
    [first] = store.rows(T.FIRST_CONTACT)
    [second] = store.rows(T.SECOND_CONTACT)
    assert (first["occurred_on"], first["value"]) == (ago(28), 2.0)
    assert (second["occurred_on"], second["value"]) == (ago(25), 5.0)


def test_milestones_are_one_row_per_referral_and_each_measure_carries_its_score(world):
    scenario.build(world)
    assert [r["value"] for r in store.rows(T.ASSESSMENT)] == [10.0]
    assert [r["value"] for r in store.rows(T.FIRST_INTERVENTION)] == [20.0]
    assert [(r["detail"], r["value"]) for r in store.rows(T.OUTCOME_MEASURE)] == [
        ("dialog", 4.0),
        ("dialog", 5.0),
    ]
    assert [r["detail"] for r in store.rows(T.CARE_PLAN_AGREED)] == ["initial"]


def test_trackers_and_signposting_rows_carry_codes_not_words(world):
    scenario.build(world)
    elements = {r["detail"] for r in store.rows(T.HEALTH_CHECK_ELEMENT)}
    assert elements == {"bmi", "blood_pressure", "glucose", "cholesterol", "smoking", "alcohol"}
    assert [r["detail"] for r in store.rows(T.EMPLOYMENT_STATUS_ASKED)] == ["seeking_work"]
    [ips] = store.rows(T.IPS_REFERRAL)
    [outcome] = store.rows(T.IPS_OUTCOME)  # the latest outcome replaces the earlier one
    assert (outcome["detail"], outcome["value"]) == ("into_work", 5.0)
    assert outcome["case_key"] == ips["case_key"]
    [signposting] = store.rows(T.SIGNPOSTING_OUTCOME)
    assert (signposting["detail"], signposting["started_on"]) == ("attended", ago(12))


def test_referral_decisions_carry_the_service_kind_and_days_to_decide(world):
    scenario.build(world)
    [signposted] = store.rows(T.REFERRAL_SIGNPOSTED)
    assert (signposted["detail"], signposted["value"]) == ("community_offer", 9.0)
    assert (
        signposted["team_id"] == world.hub_b.id
        and signposted["neighbourhood_code"] == world.hub_b.neighbourhood.code
    )
    [withdrawn] = store.rows(T.REFERRAL_WITHDRAWN)
    assert (withdrawn["age_band"], withdrawn["imd_quintile"]) == ("75+", 1)
    triaged = {r["detail"] for r in store.rows(T.REFERRAL_TRIAGED)}
    assert triaged == {"routine", "urgent"}


def test_a_referral_entered_in_error_leaves_no_row(world):
    built = scenario.build(world)
    assert store.rows(person=built.people["eve"]) == []


def test_a_referral_entered_in_error_removes_the_rows_the_feed_had_written(world, services):
    referral = _receive(world)
    db.session.commit()
    assert store.count() == 1
    referrals.enter_in_error(db.session, world.users["manager"], referral, reason="Wrong person")
    db.session.commit()
    assert store.count() == 0


def test_people_who_opted_out_are_kept_but_flagged_for_extracts(world):
    built = scenario.build(world)
    [row] = store.rows(person=built.people["ola"])
    assert row["opted_out"] is True and row["interpreter_needed"] is True
    assert not any(r["opted_out"] for r in store.rows() if r["pseudonym"] != row["pseudonym"])


def test_changed_details_refresh_every_row_of_the_person(world, services):
    _receive(world)
    db.session.commit()
    person = world.person_a
    person.sex, person.ethnic_category, person.opted_out_secondary_use = Sex.MALE, "R", True
    hub_signals.signal("person-details-changed").send(person)
    db.session.commit()
    [row] = store.rows()
    assert (row["sex"], row["ethnic_group"], row["opted_out"]) == (
        "male",
        "Other ethnic groups",
        True,
    )


def test_two_people_get_different_pseudonyms_and_one_person_keeps_theirs(world, services):
    _receive(world)
    _receive(world, world.person_b)
    _receive(world, days=1)
    db.session.commit()
    pseudonyms = [r["pseudonym"] for r in store.rows()]
    assert len(set(pseudonyms)) == 2 and len(pseudonyms) == 3


def test_upsert_updates_the_row_holding_the_same_event_key(world, services):
    _receive(world)
    db.session.commit()
    [row] = store.rows()
    feed.upsert(db.session, [{**row, "detail": "changed", "value": 1.0}])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ActivityEvent.id))) == 1
    assert [(r["detail"], r["value"]) for r in store.rows()] == [("changed", 1.0)]


def test_age_band_is_taken_at_the_event_date_not_today(world, services):
    # The 18th birthday falls between the referral (5 days ago) and today.
    birthday = TODAY + dt.timedelta(days=2)
    born = dt.date(birthday.year - 18, birthday.month, min(birthday.day, 28))
    person = factories.PersonFactory(gp_practice=world.person_a.gp_practice, date_of_birth=born)
    _receive(world, person, days=5)
    db.session.commit()
    assert [r["age_band"] for r in store.rows()] == ["14-17"]
