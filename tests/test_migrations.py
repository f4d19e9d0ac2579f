"""The Alembic migrations and the models describe the same schema, and they run both ways.

The test database itself (SQLite or PostgreSQL) is built by `flask_migrate.upgrade()` in the
`app` fixture; here we check nothing was left out, then go down to nothing and back up on a
separate SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from hubs import create_app
from hubs.extensions import db as _db

PERSON_TABLES = {"people", "consents", "consent_withdrawals", "portal_accounts"}


def test_models_and_migrations_agree(db):
    context = MigrationContext.configure(
        db.session.connection(), opts={"compare_type": True, "compare_server_default": False}
    )

    differences = compare_metadata(context, _db.metadata)

    assert differences == [], "models and migrations differ; run `flask db migrate`"


def test_model_drift_from_the_migrations_would_be_detected(db):
    drifted = sa.MetaData()
    for table in _db.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["people"].append_column(sa.Column("drift_check", sa.String(10)))
    sa.Table("drift_only_table", drifted, sa.Column("id", sa.Integer, primary_key=True))

    differences = compare_metadata(MigrationContext.configure(db.session.connection()), drifted)

    kinds = {(diff[0], getattr(diff[-1], "name", None)) for diff in differences}
    assert ("add_table", "drift_only_table") in kinds
    assert ("add_column", "drift_check") in kinds


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db", "TESTING": True})
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(_db.engine).get_table_names()) - {"alembic_version"}


def _head_revision() -> str | None:
    with _db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrations_downgrade_to_base_and_upgrade_to_head_again(file_app):
    flask_migrate.upgrade()
    head = _head_revision()
    built = _tables()
    assert head is not None
    assert set(_db.metadata.tables) <= built
    assert PERSON_TABLES | {"audit_events", "users", "neighbourhoods", "teams"} <= built

    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    assert _head_revision() is None

    flask_migrate.upgrade()
    assert _tables() == built
    assert _head_revision() == head


def test_tokens_issued_before_expiry_and_scope_keep_working_for_90_days_read_write(file_app):
    import datetime as dt

    flask_migrate.upgrade(revision="0011_submission_keys")
    with _db.engine.begin() as connection:  # the old shape: no expiry, no scope
        connection.exec_driver_sql(
            "INSERT INTO organisations (code, name, kind) VALUES ('T1', 'Trust', 'nhs_trust')"
        )
        connection.exec_driver_sql(
            "INSERT INTO users (email, display_name, password_hash, kind, role,"
            " organisation_id, is_active, is_demo, created_at, password_changed_at)"
            " VALUES ('old@test.invalid', 'Old', 'x', 'staff', 'mental_health_nurse', 1, 1, 0,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at)"
            " VALUES (1, 'old', 'hubs_abc', 'h1', '2026-01-01 00:00:00')"
        )

    flask_migrate.upgrade()

    with _db.engine.connect() as connection:
        expires_at, scope = connection.exec_driver_sql(
            "SELECT expires_at, scope FROM api_tokens"
        ).one()
    expires = dt.datetime.fromisoformat(str(expires_at))
    assert scope == "read_write"
    assert dt.timedelta(days=89) < expires - dt.datetime.now() <= dt.timedelta(days=90)
