"""audit rows in a hash chain; triggers refuse changes on both databases

Each audit row gets its place in a SHA-256 chain (chain_seq, prev_hash, row_hash), set once
when its transaction commits (hubs.core.audit_chain). Rows already in the log are sealed here,
in id order. SQLite gets triggers that refuse DELETE and any UPDATE other than that one-time
seal; PostgreSQL's trigger is narrowed the same way and also refuses TRUNCATE. (Privileges
that stop the application's role from disabling triggers are granted outside migrations:
`flask hubs db grants ROLE`, see the README's production section.)

Revision ID: 0014_audit_chain
Revises: 0012_token_expiry_scope
Create Date: 2026-12-03 19:50:00

"""

import sqlalchemy as sa
from alembic import op

import hubs.core.types
from hubs.core import audit_chain

# revision identifiers, used by Alembic.
revision = "0014_audit_chain"
down_revision = "0012_token_expiry_scope"
branch_labels = None
depends_on = None

CONTENT = [c for c in audit_chain.CHAINED]
CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events"
    " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_seal_once BEFORE UPDATE ON audit_events"
    f" WHEN OLD.row_hash IS NOT NULL OR {CHANGED}"
    " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT)
PG_GUARD = f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.row_hash IS NULL AND NOT ({PG_CHANGED}) THEN
    RETURN NEW;  -- sealing a row into the hash chain, once
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
PG_ORIGINAL = """
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def _events() -> sa.Table:
    return sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("at", hubs.core.types.UTCDateTime()),
        *(sa.column(c, sa.String) for c in CONTENT if c not in ("id", "at")),
        sa.column("chain_seq", sa.BigInteger),
        sa.column("prev_hash", sa.String),
        sa.column("row_hash", sa.String),
    )


def _seal_existing() -> None:
    events, connection = _events(), op.get_bind()
    rows = [r._asdict() for r in connection.execute(sa.select(*(events.c[c] for c in CONTENT)))]
    for row in rows:  # the ids and organisation ids come back as text from this lightweight table
        for name in ("id", "actor_user_id", "actor_organisation_id", "person_id"):
            row[name] = None if row[name] is None else int(row[name])
    audit_chain.seal_rows(connection, events, rows)


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_chain_seq"), ["chain_seq"])
        batch_op.create_index(
            "ix_audit_events_unsealed",
            ["id"],
            unique=False,
            postgresql_where=sa.text("row_hash IS NULL"),
            sqlite_where=sa.text("row_hash IS NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    _seal_existing()
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_seal_once")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute(PG_ORIGINAL)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_unsealed")
        batch_op.drop_constraint(batch_op.f("uq_audit_events_chain_seq"), type_="unique")
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("chain_seq")
