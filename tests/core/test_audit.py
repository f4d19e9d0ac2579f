"""The audit log (DESIGN §3 rule 7): every row says who, as what, from where, did what to which
record; rows are append-only, in the ORM on every database and in PostgreSQL itself."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import g

from hubs.core import audit
from hubs.core.audit import AuditEvent, AuditTampering, Outcome
from hubs.core.types import utcnow


@pytest.fixture
def saved_row(db, world) -> AuditEvent:
    row = audit.record(
        "person.view",
        actor=world.users["clinician"],
        record_type="person",
        record_id=world.person_a.id,
        person_id=world.person_a.id,
    )
    db.session.commit()
    return row


def _reload(db, row_id: int) -> AuditEvent:
    db.session.expire_all()
    return db.session.get(AuditEvent, row_id)


def test_record_writes_who_role_organisation_action_record_person_request_and_outcome(
    app, db, world
):
    actor = world.users["vcse_worker"]
    before = utcnow()

    with app.test_request_context("/people/1"):
        g.request_id = "req-0123456789"
        row = audit.record(
            "person.view",
            actor=actor,
            record_type="person",
            record_id=world.person_shared.id,
            person_id=world.person_shared.id,
            outcome=Outcome.DENIED,
        )
    db.session.commit()

    saved = _reload(db, row.id)
    assert saved.actor_user_id == actor.id
    assert saved.actor_label == actor.email
    assert saved.actor_role == "vcse_worker"
    assert saved.actor_organisation_id == world.vcse.id
    assert saved.action == "person.view"
    assert saved.record_type == "person"
    assert saved.record_id == str(world.person_shared.id)
    assert saved.person_id == world.person_shared.id
    assert saved.request_id == "req-0123456789"
    assert saved.outcome == Outcome.DENIED
    assert saved.at.tzinfo is not None
    assert before - dt.timedelta(seconds=1) <= saved.at <= utcnow() + dt.timedelta(seconds=1)


def test_record_without_an_actor_is_attributed_to_the_system(db):
    row = audit.record("directory.load", actor=None, record_type="directory")
    db.session.commit()

    saved = _reload(db, row.id)
    assert (saved.actor_user_id, saved.actor_label, saved.actor_role) == (None, "system", "system")
    assert saved.actor_organisation_id is None
    assert saved.request_id is None
    assert saved.outcome == Outcome.SUCCESS


def test_a_request_stamps_its_request_id_on_the_audit_rows_it_writes(db, world, login_as):
    client = login_as(world.users["clinician"])

    response = client.get(
        f"/people/{world.person_a.id}", headers={"X-Request-ID": "trace-abcdef012345"}
    )

    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "trace-abcdef012345"
    row = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "person.view", AuditEvent.person_id == world.person_a.id
        )
    )
    assert row.request_id == "trace-abcdef012345"
    assert row.actor_user_id == world.users["clinician"].id


def test_audit_rows_cannot_be_updated_through_the_orm(db, saved_row):
    saved_row.action = "person.nothing_to_see"

    with pytest.raises(AuditTampering):
        db.session.flush()

    db.session.rollback()
    assert _reload(db, saved_row.id).action == "person.view"


def test_audit_rows_cannot_be_deleted_through_the_orm(db, saved_row):
    db.session.delete(saved_row)

    with pytest.raises(AuditTampering):
        db.session.flush()

    db.session.rollback()
    assert _reload(db, saved_row.id) is not None


def test_audit_rows_cannot_be_bulk_updated_or_deleted_through_the_orm(db, saved_row):
    with pytest.raises(AuditTampering):
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.id == saved_row.id).values(action="x")
        )
    with pytest.raises(AuditTampering):
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == saved_row.id))

    assert _reload(db, saved_row.id).action == "person.view"


def test_new_audit_rows_can_still_be_added_after_a_refused_change(db, saved_row):
    saved_row.outcome = Outcome.FAILED
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()

    audit.record("person.list", actor=None, record_type="person_list")
    db.session.commit()

    assert db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "person.list")
    )


def _raw_sql_changes_are_refused(db, row_id: int) -> None:
    for statement in (
        "UPDATE audit_events SET action = 'tampered' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        # The savepoint is only emitted when the nested transaction asks for its connection.
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.connection().execute(sa.text(statement), {"id": row_id})


def test_audit_log_is_append_only_as_far_as_the_database_allows(db, saved_row):
    """PostgreSQL refuses raw UPDATE and DELETE with a trigger. SQLite has no such trigger,
    so there the guarantee is the application's: the ORM refuses both."""
    if db.engine.dialect.name == "postgresql":
        _raw_sql_changes_are_refused(db, saved_row.id)
    else:
        assert db.engine.dialect.name == "sqlite"
        saved_row.action = "tampered"
        with pytest.raises(AuditTampering):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditTampering):
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == saved_row.id))

    assert _reload(db, saved_row.id).action == "person.view"
