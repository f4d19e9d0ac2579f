"""Two scheduler processes racing for the lease on a real database file: in every round,
exactly one wins. (The `db` fixture's single shared transaction cannot race, so this test
builds its own SQLite file with the migrations and gives each contender its own session.)"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask

from hubs import create_app
from hubs.core.leases import try_acquire
from hubs.extensions import db as _db

T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=120)
ROUNDS = 25


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lease.db", "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_racing_schedulers_never_both_take_the_lease(file_app):
    barrier = threading.Barrier(2)
    wins: dict[str, list[int]] = {"scheduler-a": [], "scheduler-b": []}

    def contend(holder: str) -> None:
        for round_number in range(ROUNDS):
            # Each round is past the last lease's expiry, so both race to take over.
            now = T0 + (TTL + dt.timedelta(seconds=1)) * round_number
            barrier.wait()
            with file_app.app_context():
                if try_acquire(_db.session, holder, now=now, ttl=TTL):
                    wins[holder].append(round_number)
                _db.session.remove()

    threads = [threading.Thread(target=contend, args=(h,)) for h in wins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    a, b = set(wins["scheduler-a"]), set(wins["scheduler-b"])
    assert not a & b, f"both held the lease in rounds {sorted(a & b)}"
    assert a | b == set(range(ROUNDS)), "some round had no leader"
