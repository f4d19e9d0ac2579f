"""Synthetic data: repeatable for a seed, fictional, and consistent with the domain's rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from nhs_number import is_valid

from hubs import create_app
from hubs.config import ProductionConfig, UnsafeConfiguration
from hubs.core.db import Base
from hubs.extensions import db
from hubs.synth import run_synth
from hubs.synth.registry import ordered
from hubs.synth.run import AlreadySynthesised
from hubs.synth.scales import SMALL
from tests.synthdb import fresh_database

AS_OF = dt.date(2026, 6, 1)


def _dump() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, in primary key order."""
    tables = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return tables


def _synth_and_dump(template: Path, path: Path, seed: int) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    with fresh_database(template, path):
        run_synth(db.engine, SMALL, seed=seed, as_of=AS_OF)
        return _dump()


@pytest.fixture(scope="module")
def small(template_db: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One small synthetic city, kept open for the checks below."""
    path = tmp_path_factory.mktemp("small") / "small.db"
    with fresh_database(template_db, path) as app:
        report = run_synth(db.engine, SMALL, seed=7, as_of=AS_OF)
        yield app, report


def _newest_after(last_id: int) -> object:
    with db.engine.connect() as conn:
        query = sa.text("SELECT max(received_on) FROM referrals WHERE id > :id")
        return conn.execute(query, {"id": last_id}).scalar()


def _scalar(sql: str) -> object:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar()


def test_the_same_seed_gives_identical_rows_and_another_seed_does_not(template_db, tmp_path):
    first = _synth_and_dump(template_db, tmp_path / "a.db", seed=3)
    second = _synth_and_dump(template_db, tmp_path / "b.db", seed=3)
    other = _synth_and_dump(template_db, tmp_path / "c.db", seed=4)
    assert sum(len(rows) for rows in first.values()) > 30_000
    for table, rows in first.items():
        assert rows == second[table], f"{table} differs between two runs with seed 3"
    assert first["people"] != other["people"]
    assert first["contacts"] != other["contacts"]


def test_small_scale_reaches_its_targets(small):
    _, report = small
    assert report.rows["people"] == SMALL.people
    assert report.rows["referrals"] == SMALL.referrals
    assert report.rows["contacts"] >= SMALL.contacts
    assert report.rows["care_plans"] >= SMALL.care_plan_versions
    assert report.rows_per_second > 0


def test_synthetic_people_are_flagged_and_carry_valid_999_nhs_numbers(small):
    with db.engine.connect() as conn:
        numbers = conn.scalars(sa.text("SELECT nhs_number FROM people")).all()
    assert numbers and all(n.startswith("999") and is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert _scalar("SELECT count(*) FROM people WHERE is_synthetic = 0") == 0


def test_every_synthetic_account_is_a_demo_account_so_production_refuses_to_start(small):
    app, _ = small
    assert _scalar("SELECT count(*) FROM users WHERE is_demo = 0") == 0

    class Production(ProductionConfig):
        SECRET_KEY = "x" * 40
        PSEUDONYM_KEY = "y" * 40
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    with pytest.raises(UnsafeConfiguration, match="demo account"):
        create_app(Production)


def test_accepted_referrals_have_an_episode_whose_lead_is_in_the_care_team(small):
    assert (
        _scalar(
            "SELECT count(*) FROM referrals r LEFT JOIN episodes e ON e.referral_id = r.id "
            "WHERE r.status = 'accepted' AND e.id IS NULL"
        )
        == 0
    )
    assert (
        _scalar(
            "SELECT count(*) FROM episodes e WHERE NOT EXISTS (SELECT 1 FROM care_team_members m "
            "WHERE m.episode_id = e.id AND m.user_id = e.lead_worker_id)"
        )
        == 0
    )
    assert _scalar("SELECT count(*) FROM episodes WHERE status IN ('planned', 'active')") > 0


def test_signposted_referrals_name_a_destination_other_than_their_own_hub_team(small):
    assert (
        _scalar(
            "SELECT count(*) FROM referrals r JOIN services s ON s.id = r.signposted_service_id "
            "WHERE r.status = 'signposted' AND s.kind = 'hub_team' AND s.team_id = r.team_id"
        )
        == 0
    )
    assert _scalar("SELECT count(*) FROM referrals WHERE status = 'signposted'") > 0


def test_open_referrals_have_no_closed_date(small):
    open_ = "SELECT count(*) FROM referrals WHERE status IN ('received', 'triaged')"
    assert _scalar(open_) > 0
    assert _scalar(open_ + " AND closed_on IS NOT NULL") == 0


def test_four_week_waits_cluster_around_the_standard_with_some_breaches(small):
    with db.engine.connect() as conn:
        waits = conn.scalars(
            sa.text(
                "SELECT julianday(max(c.occurred_on)) - julianday(r.received_on) "
                "FROM clock_events c JOIN referrals r ON r.id = c.referral_id "
                "WHERE c.kind IN ('assessment', 'care_plan_agreed', 'first_intervention', "
                "'baseline_measure') GROUP BY r.id HAVING count(DISTINCT c.kind) = 4"
            )
        ).all()
    within = sum(1 for w in waits if w <= 28) / len(waits)
    assert 0.6 < within < 0.95, f"{within:.0%} of stopped clocks met the 4-week standard"


def test_clock_events_fall_between_the_referral_and_the_as_of_date(small):
    assert (
        _scalar(
            "SELECT count(*) FROM clock_events c JOIN referrals r ON r.id = c.referral_id "
            "WHERE c.occurred_on < r.received_on OR c.occurred_on > '2026-06-01'"
        )
        == 0
    )


def test_the_first_contact_event_is_the_first_attended_contact_of_the_episode(small):
    mismatched = _scalar(
        "SELECT count(*) FROM clock_events c JOIN episodes e ON e.referral_id = c.referral_id "
        "WHERE c.kind = 'first_contact' AND c.occurred_on != (SELECT min(k.contact_on) "
        "FROM contacts k WHERE k.person_id = e.person_id AND k.reached = 'yes' "
        "AND k.mode != 'text' AND k.contact_on >= e.opened_at)"
    )
    assert mismatched == 0


def test_a_persons_referrals_follow_one_another(small):
    overlapping = _scalar(
        "SELECT count(*) FROM referrals a JOIN referrals b ON a.person_id = b.person_id "
        "AND a.id != b.id AND a.received_on <= b.received_on AND a.closed_on IS NULL "
        "AND b.id > a.id"
    )
    assert overlapping == 0


def test_a_second_run_is_refused_unless_appending(small):
    with pytest.raises(AlreadySynthesised):
        run_synth(db.engine, SMALL, seed=7, as_of=AS_OF)


def test_generators_run_after_the_ones_they_need():
    names = [g.name for g in ordered()]
    for gen in ordered():
        for needed in gen.after:
            assert names.index(needed) < names.index(gen.name)


def test_the_region_shape_adds_fictional_lcps_with_hubs_teams_and_practices(template_db, tmp_path):
    import dataclasses

    from hubs.synth.scales import REGION

    # Region's 190 hubs with few people, to exercise the extra-LCP path quickly.
    tiny_region = dataclasses.replace(
        REGION, staff=190 * 7, people=600, referrals=900, contacts=6_000, care_plan_versions=400
    )
    with fresh_database(template_db, tmp_path / "region.db"):
        report = run_synth(db.engine, tiny_region, seed=5, as_of=AS_OF)
        assert _scalar("SELECT count(*) FROM teams WHERE kind = 'community_hub'") == 190
        assert _scalar("SELECT count(*) FROM services WHERE code LIKE 'HUB-%'") == 190
        leeds_practices = (
            "SELECT count(DISTINCT g.neighbourhood_id) FROM gp_practices g JOIN neighbourhoods n"
            " ON n.id = g.neighbourhood_id JOIN places p ON p.id = n.place_id"
            " WHERE p.code = 'LEEDS'"
        )
        assert _scalar(leeds_practices) == 190
        assert (
            _scalar("SELECT count(DISTINCT team_id) FROM team_memberships WHERE kind = 'manager'")
            == 190
        )
        assert report.rows["people"] == 600


def test_appending_older_history_reuses_hubs_and_staff_and_closes_what_it_adds(
    template_db, tmp_path
):
    with fresh_database(template_db, tmp_path / "grow.db"):
        run_synth(db.engine, SMALL, seed=1, as_of=AS_OF)
        before = {
            "hubs": _scalar("SELECT count(*) FROM teams"),
            "referrals": _scalar("SELECT count(*) FROM referrals"),
        }
        before["staff"] = _scalar("SELECT count(*) FROM users WHERE kind = 'staff'")
        open_before = _scalar("SELECT count(*) FROM referrals WHERE closed_on IS NULL")
        report = run_synth(db.engine, SMALL, seed=2, as_of=AS_OF, append=True, years_back=6)
        assert report.rows["referrals"] == SMALL.referrals
        assert _scalar("SELECT count(*) FROM referrals") == 2 * before["referrals"]
        assert _scalar("SELECT count(*) FROM teams") == before["hubs"]
        # Only portal accounts are new sign-ins: the staff are the first run's.
        assert _scalar("SELECT count(*) FROM users WHERE kind = 'staff'") == before["staff"]
        assert _scalar("SELECT count(*) FROM referrals WHERE closed_on IS NULL") == open_before
        # Six years back from 1 June 2026: the added history ends by June 2020.
        assert str(_newest_after(before["referrals"])) < "2020-06-02"
