"""indexes for the main pages at city scale

What `make bench` showed at city scale (60,000 people, 1.5 million contacts): the hub view,
caseloads, triage queue and clocks read a hub's or a worker's open rows and many people's
latest contact and plan review dates. Composite indexes answer those from the index alone.

Revision ID: 0009_indexes
Revises: 0008_indicators
Create Date: 2026-11-23 18:52:52.763966

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_indexes"
down_revision = "0008_indicators"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_person_id_at", ["person_id", "at"], unique=False)

    with op.batch_alter_table("care_plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_plans_person_id_status",
            ["person_id", "status", "agreed_at", "review_due_on"],
            unique=False,
        )

    with op.batch_alter_table("care_team_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_team_members_episode_id_left_on",
            ["episode_id", "left_on", "user_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_care_team_members_user_id_left_on", ["user_id", "left_on"], unique=False
        )

    with op.batch_alter_table("clock_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clock_events_person_id_kind",
            ["person_id", "kind", "occurred_on", "referral_id"],
            unique=False,
        )

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_person_id_contact_on"))
        batch_op.create_index(
            "ix_contacts_person_id_contact_on",
            ["person_id", "contact_on", "reached", "next_contact_on"],
            unique=False,
        )

    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_index("ix_episodes_hub_id_status", ["hub_id", "status"], unique=False)
        batch_op.create_index(
            "ix_episodes_lead_worker_id_status", ["lead_worker_id", "status"], unique=False
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            "ix_people_family_name_given_name", ["family_name", "given_name"], unique=False
        )

    with op.batch_alter_table("referral_needs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_needs_referral_id_severity", ["referral_id", "severity"], unique=False
        )

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referrals_hub_id_status", ["hub_id", "status", "person_id"], unique=False
        )

    with op.batch_alter_table("safety_plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_plans_person_id_status",
            ["person_id", "status", "agreed_at", "review_due_on"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("safety_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_plans_person_id_status")

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_hub_id_status")

    with op.batch_alter_table("referral_needs", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_needs_referral_id_severity")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_family_name_given_name")

    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_episodes_lead_worker_id_status")
        batch_op.drop_index("ix_episodes_hub_id_status")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_person_id_contact_on")
        batch_op.create_index(
            batch_op.f("ix_contacts_person_id_contact_on"),
            ["person_id", "contact_on"],
            unique=False,
        )

    with op.batch_alter_table("clock_events", schema=None) as batch_op:
        batch_op.drop_index("ix_clock_events_person_id_kind")

    with op.batch_alter_table("care_team_members", schema=None) as batch_op:
        batch_op.drop_index("ix_care_team_members_user_id_left_on")
        batch_op.drop_index("ix_care_team_members_episode_id_left_on")

    with op.batch_alter_table("care_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_care_plans_person_id_status")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_person_id_at")
