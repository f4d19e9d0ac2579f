"""The rebuild: the same rows as the live feed, every type present, no per-row queries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from hubs.activity.rebuild import rebuild
from hubs.extensions import db
from hubs.reporting.models import SYNTHETIC_KEY_PREFIX, ActivityEvent, ActivityType
from tests import factories
from tests.activity import scenario, store
from tests.helpers.db import counting_statements

#: Types the scenario cannot produce yet: they come with the pathways (transitions, discharge).
NOT_IN_SCENARIO = {
    ActivityType.TRANSITION_STARTED,
    ActivityType.TRANSITION_COMPLETED,
    ActivityType.DISCHARGED,
}


def test_live_feed_rows_equal_rebuilt_rows_after_a_realistic_scenario(world):
    scenario.build(world)
    live = store.rows()
    assert {r["event_type"] for r in live} == set(ActivityType) - NOT_IN_SCENARIO
    counts = rebuild(db.session)
    rebuilt = store.rows()
    assert rebuilt == live
    assert sum(counts.values()) == len(live)


def test_rebuild_twice_gives_the_same_rows(world):
    scenario.build(world)
    rebuild(db.session)
    first = store.rows()
    rebuild(db.session)
    assert store.rows() == first


def test_rebuild_replaces_rows_that_no_longer_match_the_records(world):
    scenario.build(world)
    live = store.rows()
    db.session.execute(sa.text("UPDATE activity_events SET value = 999, detail = 'tampered'"))
    rebuild(db.session)
    assert store.rows() == live


def _people_with_referrals(world, n: int) -> None:  # type: ignore[no-untyped-def]
    from hubs.referrals import services as referrals

    for _ in range(n):
        person = factories.PersonFactory(gp_practice=world.person_a.gp_practice)
        referrals.receive_referral(
            db.session, world.users["hub_admin"], person, scenario.referral_input(3)
        )


def test_rebuild_issues_the_same_number_of_statements_for_few_or_many_people(world, app: Flask):
    factories.ServiceFactory(kind=factories.ServiceKind.HUB_TEAM, team=world.hub_a)
    _people_with_referrals(world, 2)
    db.session.flush()
    with counting_statements() as few:
        rebuild(db.session, batch_size=1000)
    _people_with_referrals(world, 20)
    db.session.flush()
    with counting_statements() as many:
        rebuild(db.session, batch_size=1000)
    assert few and len(many) == len(few)


def test_the_rebuild_command_prints_a_count_per_type(world, app: Flask):
    scenario.build(world)
    live = store.rows()
    result = app.test_cli_runner().invoke(args=["hubs", "reporting", "rebuild", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = dict(line.rsplit(None, 1) for line in result.output.strip().splitlines())
    assert lines["referral_received"] == "5"  # eve's, entered in error, never counts
    assert lines["four_week_clock_stopped"] == "1"
    assert lines["total"] == str(len(live))
    assert store.rows() == live


def test_the_demo_fills_the_store_and_running_it_again_changes_no_row(app: Flask, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["hubs", "demo"])
    assert first.exit_code == 0, first.output
    rows = store.rows()
    real = [r for r in rows if not r["event_key"].startswith(SYNTHETIC_KEY_PREFIX)]
    assert len({r["event_type"] for r in real}) >= 15
    assert f"{len(real)} pseudonymised rows" in first.output
    again = runner.invoke(args=["hubs", "demo"])
    assert "nothing new" in again.output
    assert store.rows() == rows


def test_the_rebuild_keeps_demo_synthetic_rows_that_no_operational_row_makes(world):
    scenario.build(world)
    synthetic = {
        **store.rows()[0],
        "event_key": SYNTHETIC_KEY_PREFIX + "kept",
        "pseudonym": "synthetic-person",
    }
    db.session.execute(sa.insert(ActivityEvent), [synthetic])

    rebuild(db.session)

    assert [r for r in store.rows() if r["event_key"] == synthetic["event_key"]] == [synthetic]
