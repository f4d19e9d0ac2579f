"""The notifications migration moves break-glass alerts from the old table into staff tasks,
and back on downgrade, so no manager loses an alert they have not reviewed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask

from hubs import create_app
from hubs.extensions import db as _db

REVISION = "0006_notifications"
CREATED = dt.datetime(2026, 11, 1, 10, 30)


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db", "TESTING": True})
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _previous_revision(app: Flask) -> str:
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def _reflect(connection: sa.Connection, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def _user_row(connection: sa.Connection) -> dict[str, object]:
    """A manager account, whatever other required columns users has at that revision."""
    row: dict[str, object] = {
        "id": 7,
        "email": "m@test.invalid",
        "display_name": "Manager",
        "kind": "staff",
        "role": "team_manager",
        "organisation_id": 1,
        "is_active": True,
    }
    for column in _reflect(connection, "users").columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        python_type = column.type.python_type
        row[column.name] = {bool: False, int: 0, dt.datetime: CREATED}.get(python_type, "x")
    return row


def _old_notification(connection: sa.Connection) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO organisations (id, code, name, kind)"
            " VALUES (1, 'T1', 'Trust', 'nhs_trust')"
        )
    )
    connection.execute(sa.insert(_reflect(connection, "users")), _user_row(connection))
    connection.execute(
        sa.text(
            "INSERT INTO notifications (user_id, subject, body, link, created_at)"
            " VALUES (7, 'Emergency access to review', 'Nia used emergency access', '/people/42',"
            " :at)"
        ),
        {"at": CREATED},
    )


def test_break_glass_notifications_become_open_tasks_and_come_back_on_downgrade(file_app):
    flask_migrate.upgrade(revision=_previous_revision(file_app))
    with _db.engine.begin() as connection:
        _old_notification(connection)
    flask_migrate.upgrade(revision=REVISION)
    with _db.engine.connect() as connection:
        task = connection.execute(sa.text("SELECT * FROM staff_tasks")).mappings().one()
    assert task["recipient_id"] == 7 and task["kind"] == "break_glass_review"
    assert task["title"] == "Emergency access to review"
    assert task["detail"] == "Nia used emergency access"
    assert task["person_id"] is None  # person 42 does not exist here: no link is invented
    assert task["link"] == "/people/42" and task["done_at"] is None
    flask_migrate.downgrade(revision=_previous_revision(file_app))
    with _db.engine.connect() as connection:
        back = connection.execute(sa.text("SELECT * FROM notifications")).mappings().one()
    assert back["user_id"] == 7 and back["body"] == "Nia used emergency access"
