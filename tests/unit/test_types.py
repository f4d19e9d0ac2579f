"""UTCDateTime: timestamps are stored in UTC and always come back timezone-aware (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hubs.core.types import UTCDateTime, today, utcnow
from hubs.staff.models import LoginAttempt

PLUS_FIVE = dt.timezone(dt.timedelta(hours=5, minutes=30))
MINUS_SEVEN = dt.timezone(dt.timedelta(hours=-7))
DIALECTS = [sqlite.dialect(), postgresql.dialect()]


def test_utcnow_is_timezone_aware_utc():
    now = utcnow()

    assert now.tzinfo is not None
    assert now.utcoffset() == dt.timedelta(0)


def test_today_is_the_utc_date():
    assert today() == utcnow().date()


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_naive_datetime_is_refused(dialect):
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1, 12), dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_other_offsets_are_converted_to_utc_before_storing(dialect):
    stored = UTCDateTime().process_bind_param(
        dt.datetime(2026, 1, 1, 12, tzinfo=PLUS_FIVE), dialect
    )

    assert stored.replace(tzinfo=dt.UTC) == dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)
    if dialect.name == "postgresql":
        assert stored.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_values_read_back_are_aware_utc(dialect):
    decorator = UTCDateTime()
    naive = decorator.process_result_value(dt.datetime(2026, 1, 1, 12), dialect)
    offset = decorator.process_result_value(dt.datetime(2026, 1, 1, 5, tzinfo=MINUS_SEVEN), dialect)

    assert naive == dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC) and naive.tzinfo is dt.UTC
    assert offset == dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC) and offset.tzinfo is dt.UTC
    assert decorator.process_result_value(None, dialect) is None
    assert decorator.process_bind_param(None, dialect) is None


def _attempt(db, at: dt.datetime) -> int:
    attempt = LoginAttempt(email="types@test.invalid", at=at, succeeded=False)
    db.session.add(attempt)
    db.session.flush()
    return attempt.id


def _read_at(db, attempt_id: int) -> dt.datetime:
    db.session.expire_all()
    return db.session.scalar(sa.select(LoginAttempt.at).where(LoginAttempt.id == attempt_id))


def test_timestamp_written_and_read_back_is_aware_utc(db):
    written = dt.datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=dt.UTC)

    read = _read_at(db, _attempt(db, written))

    assert read == written
    assert read.utcoffset() == dt.timedelta(0)
    assert read.tzinfo is dt.UTC


def test_timestamp_with_another_offset_is_stored_as_the_same_instant_in_utc(db):
    written = dt.datetime(2026, 3, 29, 9, 0, tzinfo=PLUS_FIVE)

    attempt_id = _attempt(db, written)
    read = _read_at(db, attempt_id)

    assert read == written
    assert (read.hour, read.minute, read.tzinfo) == (3, 30, dt.UTC)
    raw = db.session.execute(
        sa.text("SELECT at FROM login_attempts WHERE id = :id"), {"id": attempt_id}
    ).scalar_one()
    if db.engine.dialect.name == "sqlite":
        assert str(raw).startswith("2026-03-29 03:30:00")
    else:
        assert raw == written


def test_default_timestamp_is_aware_utc(db):
    before = utcnow()
    attempt = LoginAttempt(email="types@test.invalid", succeeded=True)
    db.session.add(attempt)
    db.session.flush()

    read = _read_at(db, attempt.id)

    assert read.tzinfo is dt.UTC
    assert before - dt.timedelta(seconds=1) <= read <= utcnow() + dt.timedelta(seconds=1)


def test_writing_a_naive_timestamp_is_refused_and_nothing_is_saved(db):
    count = sa.select(sa.func.count(LoginAttempt.id))
    before = db.session.scalar(count)

    with pytest.raises(sa.exc.StatementError, match="naive"), db.session.begin_nested():
        db.session.add(
            LoginAttempt(email="types@test.invalid", at=dt.datetime(2026, 1, 1), succeeded=False)
        )
        db.session.flush()

    assert db.session.scalar(count) == before


def test_comparing_with_a_stored_timestamp_works_on_both_databases(db):
    written = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    attempt_id = _attempt(db, written)

    found = db.session.scalar(
        sa.select(LoginAttempt.id).where(
            LoginAttempt.id == attempt_id,
            LoginAttempt.at
            > dt.datetime(2026, 6, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        )
    )

    assert found == attempt_id
