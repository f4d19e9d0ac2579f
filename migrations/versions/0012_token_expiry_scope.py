"""API tokens expire and have a scope

Tokens used to live until revoked and could do whatever their owner could. Each now has an
expiry (default 90 days) and a scope (read, or read and write). Tokens issued before this
revision keep working as they did (read and write) for 90 days from the upgrade, so no
integration stops without warning; then they are renewed like any other.

Revision ID: 0012_token_expiry_scope
Revises: 0011_submission_keys
Create Date: 2026-12-03 19:40:00

"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

import hubs.core.types

# revision identifiers, used by Alembic.
revision = "0012_token_expiry_scope"
down_revision = "0011_submission_keys"
branch_labels = None
depends_on = None

TRANSITION_LIFETIME = dt.timedelta(days=90)


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", hubs.core.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "scope",
                sa.Enum(
                    "read",
                    "read_write",
                    name="token_scope",
                    native_enum=False,
                    create_constraint=True,
                    length=12,
                ),
                nullable=True,
            )
        )
    tokens = sa.table(
        "api_tokens",
        sa.column("expires_at", hubs.core.types.UTCDateTime()),
        sa.column("scope", sa.String(12)),
    )
    op.execute(
        tokens.update().values(
            expires_at=dt.datetime.now(dt.UTC) + TRANSITION_LIFETIME, scope="read_write"
        )
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", nullable=False)
        batch_op.alter_column("scope", nullable=False)


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_token_scope"), type_="check")
        batch_op.drop_column("scope")
        batch_op.drop_column("expires_at")
