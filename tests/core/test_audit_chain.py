"""The tamper-evident audit log (security point 3): a SHA-256 chain sealed as each
transaction commits, `flask hubs audit verify` naming the first broken row, triggers that
refuse changes on both databases, and an application role that cannot get round them."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from hubs.core import audit, audit_chain
from hubs.core.audit import AuditEvent
from hubs.core.audit_cli import grant_statements
from hubs.core.types import utcnow

EVENTS = AuditEvent.__table__


def _record(world, n: int = 3) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    rows = [
        audit.record(
            "person.view",
            actor=world.users["clinician"],
            record_type="person",
            record_id=world.person_a.id,
            person_id=world.person_a.id,
        )
        for _ in range(n)
    ]
    return rows  # type: ignore[return-value]


def _committed_and_sealed(db) -> None:  # type: ignore[no-untyped-def]
    """What the sealing job does each minute, after the rows' transaction commits."""
    db.session.commit()
    audit_chain.seal_unsealed(db.session, EVENTS)


def _chain(db, ids):  # type: ignore[no-untyped-def]
    return db.session.execute(
        sa.select(EVENTS.c.id, EVENTS.c.chain_seq, EVENTS.c.prev_hash, EVENTS.c.row_hash)
        .where(EVENTS.c.id.in_(ids))
        .order_by(EVENTS.c.chain_seq)
    ).all()


def _verify(db):  # type: ignore[no-untyped-def]
    return audit_chain.verify(db.session, EVENTS)


def _unguarded(db) -> None:  # type: ignore[no-untyped-def]
    """Switch the database's guards off inside the test's transaction (rolled back after), to
    play an attacker who got round them; the chain must still tell."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        db.session.execute(sa.text("DROP TRIGGER audit_events_seal_once"))
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_delete"))


def test_committed_rows_are_sealed_into_one_chain_in_id_order(db, world):
    rows = _record(world)
    _committed_and_sealed(db)

    chain = _chain(db, [r.id for r in rows])
    assert [c.id for c in chain] == sorted(r.id for r in rows)
    assert all(c.row_hash and len(c.row_hash) == 64 for c in chain)
    for before, after in itertools.pairwise(chain):
        assert after.chain_seq == before.chain_seq + 1 and after.prev_hash == before.row_hash
    result = _verify(db)
    assert result.is_intact and result.checked >= 3 and result.unsealed == 0


def test_a_changed_row_is_named_by_verify(db, world):
    rows = _record(world)
    _committed_and_sealed(db)
    _unguarded(db)
    db.session.execute(
        sa.text("UPDATE audit_events SET action = 'person.list' WHERE id = :id"),
        {"id": rows[1].id},
    )

    result = _verify(db)

    assert result.broken_at == rows[1].id and "changed" in result.reason


def test_a_removed_row_is_named_by_verify_at_the_row_after_it(db, world):
    rows = _record(world)
    _committed_and_sealed(db)
    _unguarded(db)
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": rows[1].id})

    result = _verify(db)

    assert result.broken_at == rows[2].id and "missing" in result.reason


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'x' WHERE id = :id",
        "UPDATE audit_events SET row_hash = 'x' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
    ids=["change-content", "reseal", "delete"],
)
def test_the_database_refuses_to_change_or_delete_a_sealed_row(db, world, statement):
    rows = _record(world)
    _committed_and_sealed(db)

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement), {"id": rows[0].id})


def test_rows_loaded_around_the_application_are_sealed_by_the_seal_command(app, db, world):
    _committed_and_sealed(db)  # the world's own rows first
    db.session.execute(
        EVENTS.insert(),
        [
            {
                "at": utcnow(),
                "actor_label": "synth",
                "actor_role": "system",
                "action": "person.view",
                "record_type": "person",
                "outcome": "success",
            }
            for _ in range(4)
        ],
    )
    assert _verify(db).unsealed == 4

    result = app.test_cli_runner().invoke(args=["hubs", "audit", "seal"])
    verified = app.test_cli_runner().invoke(args=["hubs", "audit", "verify"])

    assert result.exit_code == 0 and "Sealed 4" in result.output
    assert verified.exit_code == 0 and "intact" in verified.output


def test_verify_exits_1_naming_the_broken_row(app, db, world):
    rows = _record(world)
    _committed_and_sealed(db)
    _unguarded(db)
    db.session.execute(
        sa.text("UPDATE audit_events SET person_id = NULL WHERE id = :id"), {"id": rows[0].id}
    )

    result = app.test_cli_runner().invoke(args=["hubs", "audit", "verify"])

    assert result.exit_code == 1 and f"broken at row {rows[0].id}" in result.output


def test_the_application_role_can_append_but_not_truncate_change_or_unguard_the_log(db, world):
    statements = grant_statements("hubs_app_test")
    assert "GRANT UPDATE (chain_seq, prev_hash, row_hash) ON audit_events TO hubs_app_test" in (
        statements
    )
    if db.session.get_bind().dialect.name != "postgresql":
        # SQLite has no roles: its triggers are the guard, tested above.
        assert db.session.get_bind().dialect.name == "sqlite"
        return
    db.session.execute(sa.text("CREATE ROLE hubs_app_test NOLOGIN"))
    for statement in statements:
        db.session.execute(sa.text(statement))
    db.session.execute(sa.text("SET LOCAL ROLE hubs_app_test"))
    rows = _record(world, 1)
    _committed_and_sealed(db)  # append and seal: allowed
    for attack in (
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
    ):
        with (
            pytest.raises(sa.exc.DBAPIError, match=r"permission denied|must be owner"),
            db.session.begin_nested(),
        ):
            db.session.execute(sa.text(attack))
    assert _chain(db, [rows[0].id])[0].row_hash is not None


def test_the_sealing_job_runs_every_minute_and_a_second_run_changes_nothing(app, db, world):
    from hubs.core.jobs import seal_audit_chain
    from hubs.scheduling import JOBS

    assert any(job.function == "hubs.core.jobs:seal_audit_chain" for job in JOBS)
    _record(world)
    db.session.commit()

    first, second = seal_audit_chain(utcnow()), seal_audit_chain(utcnow())

    assert first >= 3 and second == 0 and _verify(db).unsealed == 0
