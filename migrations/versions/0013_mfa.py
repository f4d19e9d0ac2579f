"""A second factor for staff: TOTP secret, recovery codes, resets, step-up time

Staff enrol an authenticator app at their first sign-in after this revision (when MFA is
required), so existing accounts start without one. Session records note when the code was
last entered, for the step-up before break-glass, exports and bulk reassignment.

Revision ID: 0013_mfa
Revises: 0014_audit_chain
Create Date: 2026-12-03 19:40:00

"""

import sqlalchemy as sa
from alembic import op

import hubs.core.types

# revision identifiers, used by Alembic.
revision = "0013_mfa"
# After the audit chain (committed first as 0014): one line of history, not two heads.
down_revision = "0014_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mfa_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("mfa_enrolled_at", hubs.core.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("mfa_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("second_factor_at", hubs.core.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hubs.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", hubs.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)
    op.create_table(
        "mfa_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reset_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", hubs.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_resets_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reset_by_id"], ["users.id"], name=op.f("fk_mfa_resets_reset_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_resets")),
    )
    with op.batch_alter_table("mfa_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mfa_resets_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mfa_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mfa_resets_user_id"))
    op.drop_table("mfa_resets")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_column("second_factor_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("mfa_last_step")
        batch_op.drop_column("mfa_enrolled_at")
        batch_op.drop_column("mfa_secret")
