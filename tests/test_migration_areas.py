"""Migration 0015 on a database holding the old shape (LCPs, hubs, hub memberships), on
SQLite and, in the PostgreSQL half, on a fresh PostgreSQL database of its own."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from hubs import create_app
from hubs.extensions import db as _db

OLD_HEAD = "0013_mfa"
POSTGRES = (os.environ.get("HUBS_TEST_DATABASE_URL") or "").startswith("postgresql")


def _postgres_database() -> Iterator[str]:
    server = sa.make_url(os.environ["HUBS_TEST_DATABASE_URL"])
    name = f"hubs_migration_{secrets.token_hex(4)}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES else ["sqlite"])
def old_shape(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path}/old.db"])
    else:
        urls = _postgres_database()
    url = next(urls)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade(revision=OLD_HEAD)
        _fill_old_shape()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def _fill_old_shape() -> None:
    statements = [
        "INSERT INTO organisations (id, code, name, kind) VALUES"
        " (1, 'LYPFT', 'Trust', 'nhs_trust')",
        "INSERT INTO lcps (id, code, name, is_early_implementer, is_demo) VALUES"
        " (1, 'HATCH', 'HATCH', true, false), (2, 'WLEEDS', 'West Leeds', true, false)",
        "INSERT INTO hubs (id, lcp_id, name, go_live_on) VALUES"
        " (7, 2, 'West Leeds hub', '2023-04-01'), (8, 1, 'HATCH hub', NULL)",
        "INSERT INTO gp_practices (id, code, name, lcp_id) VALUES (1, 'P1', 'Surgery', 2)",
        "INSERT INTO services (id, code, name, kind, hub_id, lcp_id, description, is_active)"
        " VALUES (1, 'HUB-WLEEDS', 'West Leeds hub team', 'hub_team', 7, 2, '', true)",
        "INSERT INTO users (id, email, display_name, password_hash, kind, role,"
        " organisation_id, is_active, is_demo, created_at, password_changed_at)"
        " VALUES (1, 'm@test.invalid', 'M', 'x', 'staff', 'team_manager', 1, true, false,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "INSERT INTO hub_memberships (id, user_id, hub_id, kind, started_on) VALUES"
        " (3, 1, 7, 'manager', '2024-01-01')",
    ]
    with _db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def _rows(sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with _db.engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(sql)]


def test_hubs_become_community_hub_teams_of_leeds_keeping_ids_codes_and_coverage(old_shape):
    flask_migrate.upgrade()

    assert _rows("SELECT code, routing, wait_target_days FROM areas") == [("LEEDS", "practice", 28)]
    assert _rows(
        "SELECT t.id, t.code, t.kind, a.code, t.organisation_id FROM teams t"
        " JOIN areas a ON a.id = t.area_id ORDER BY t.id"
    ) == [(7, "WLEEDS", "community_hub", "LEEDS", 1), (8, "HATCH", "community_hub", "LEEDS", 1)]
    assert _rows("SELECT team_id, neighbourhood_id FROM team_coverage ORDER BY team_id") == [
        (7, 2),
        (8, 1),
    ]
    assert _rows(
        "SELECT n.id, n.code, p.code FROM neighbourhoods n JOIN places p ON p.id = n.place_id"
        " ORDER BY n.id"
    ) == [(1, "HATCH", "LEEDS"), (2, "WLEEDS", "LEEDS")]


def test_memberships_practices_and_services_point_at_the_same_teams_after_the_move(old_shape):
    flask_migrate.upgrade()

    assert _rows("SELECT id, user_id, team_id, kind FROM team_memberships") == [
        (3, 1, 7, "manager")
    ]
    assert _rows("SELECT neighbourhood_id FROM gp_practices") == [(2,)]
    assert _rows("SELECT team_id, neighbourhood_id FROM services") == [(7, 2)]


def test_new_teams_after_the_move_get_fresh_ids(old_shape):
    flask_migrate.upgrade()
    with _db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO teams (area_id, code, name, kind) VALUES (1, 'NEW', 'New', 'crisis')"
        )

    assert _rows("SELECT id FROM teams WHERE code = 'NEW'") == [(9,)]


def test_downgrade_gives_back_the_hubs_lcps_and_memberships(old_shape):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision=OLD_HEAD)

    assert _rows("SELECT id, lcp_id, name FROM hubs ORDER BY id") == [
        (7, 2, "West Leeds hub"),
        (8, 1, "HATCH hub"),
    ]
    assert _rows("SELECT id, user_id, hub_id FROM hub_memberships") == [(3, 1, 7)]
    assert _rows("SELECT hub_id, lcp_id FROM services") == [(7, 2)]
