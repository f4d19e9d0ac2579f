"""submission keys belong to their submitter

A referral's idempotency key was unique across the whole system and looked up before any
access check, so replaying another team's key returned their referral. Keys are now unique per
submitting user or system account; existing rows already satisfy the narrower constraint.

Revision ID: 0011_submission_keys
Revises: 0009_indexes
Create Date: 2026-12-03 18:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_submission_keys"
down_revision = "0009_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_constraint("uq_referrals_submission_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_referrals_created_by_id_submission_key", ["created_by_id", "submission_key"]
        )


def downgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_constraint("uq_referrals_created_by_id_submission_key", type_="unique")
        batch_op.create_unique_constraint("uq_referrals_submission_key", ["submission_key"])
