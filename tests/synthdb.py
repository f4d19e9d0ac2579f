"""Fresh SQLite databases, migrated once and copied, for synthetic-data tests and the
benchmark smoke run (they commit, so they cannot share the rolled-back test database)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from flask import Flask

from hubs import create_app
from hubs.config import Config, TestingConfig
from hubs.extensions import db


def sqlite_app(path: Path) -> Flask:
    """An app on its own SQLite file (testing settings otherwise)."""

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
        # As deployed: a signed-in request records "last seen" at most every 30 seconds.
        SESSION_TOUCH_INTERVAL = Config.SESSION_TOUCH_INTERVAL

    return create_app(FileConfig)


def migrated_template(directory: Path) -> Path:
    template = directory / "template.db"
    app = sqlite_app(template)
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()
    return template


@contextmanager
def fresh_database(template: Path, path: Path) -> Iterator[Flask]:
    """A copy of the migrated template, with an app context on it for the block."""
    shutil.copyfile(template, path)
    app = sqlite_app(path)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
