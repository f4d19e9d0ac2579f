"""areas, places and teams: hubs become community-hub teams; LCPs become neighbourhoods

Leeds's one-to-one LCP → hub shape cannot hold Leicester, Leicestershire and Rutland (three
places, neighbourhoods on primary care networks, treatment and recovery teams covering
several, a central access point) or specialist teams of their own. Existing data moves:

- one area (Leeds) and one place (Leeds) are created when there are LCPs to put in them;
- every LCP becomes a neighbourhood of that place, keeping its id and code;
- every hub becomes a team of kind `community_hub`, keeping its id, with its LCP's code as
  its code and its LCP as the one neighbourhood it covers;
- hub memberships become team memberships, keeping their ids;
- every `hub_id` (and `lcp_id`) column becomes `team_id` (`neighbourhood_id`), pointing at
  the new tables, with its indexes renamed to match.

Downgrading keeps Leeds's hubs and LCPs; it fails (and changes nothing) while any row still
belongs to a team that the old shape cannot hold (an LLR or specialist team).

Revision ID: 0015_areas_and_teams
Revises: 0013_mfa
Create Date: 2026-12-03 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_areas_and_teams"
down_revision = "0013_mfa"
branch_labels = None
depends_on = None

TEAM_KINDS = (
    "community_hub",
    "treatment_recovery",
    "central_access",
    "early_intervention",
    "camhs",
    "eating_disorders",
    "personality_disorder",
    "crisis",
    "vcse_service",
)

# (table, old column, new column, old target, new target, single-column index?)
MOVES = (
    ("gp_practices", "lcp_id", "neighbourhood_id", "lcps", "neighbourhoods", True),
    ("services", "lcp_id", "neighbourhood_id", "lcps", "neighbourhoods", True),
    ("services", "hub_id", "team_id", "hubs", "teams", True),
    ("referrals", "hub_id", "team_id", "hubs", "teams", True),
    ("episodes", "hub_id", "team_id", "hubs", "teams", True),
    ("caseload_transfers", "hub_id", "team_id", "hubs", "teams", True),
    ("activity_events", "hub_id", "team_id", "hubs", "teams", True),
    ("feedback_responses", "hub_id", "team_id", "hubs", "teams", True),
    ("transitions", "receiving_hub_id", "receiving_team_id", "hubs", "teams", True),
    ("indicator_values", "hub_id", "team_id", "hubs", "teams", False),
)
# Composite indexes led by the moved column, `ix_<table>_<column>_status`: their other columns.
COMPOSITES = {"referrals": ("status", "person_id"), "episodes": ("status",)}
ONE_RECEIVER = (
    "(kind = 'hub_step_down' AND receiving_service_id IS NOT NULL"
    " AND {col} IS NULL) OR (kind != 'hub_step_down'"
    " AND {col} IS NOT NULL AND receiving_service_id IS NULL)"
)


def _enum(name, values, length):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def _create_map_tables():
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("strategy_name", sa.String(length=200), nullable=False),
        sa.Column(
            "routing", _enum("routing_rule", ("practice", "central_access"), 20), nullable=False
        ),
        sa.Column("wait_target_days", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_label", sa.String(length=60), nullable=False),
        sa.CheckConstraint(
            "wait_target_days BETWEEN 1 AND 365", name=op.f("ck_areas_wait_target_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_places_area_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("code", name=op.f("uq_places_code")),
    )
    op.create_index(op.f("ix_places_area_id"), "places", ["area_id"], unique=False)
    op.create_table(
        "neighbourhoods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_early_implementer", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_neighbourhoods_place_id_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhoods")),
        sa.UniqueConstraint("code", name=op.f("uq_neighbourhoods_code")),
    )
    op.create_index(
        op.f("ix_neighbourhoods_place_id"), "neighbourhoods", ["place_id"], unique=False
    )
    _create_team_tables()


def _create_team_tables():
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", _enum("team_kind", TEAM_KINDS, 30), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("go_live_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age",
            name=op.f("ck_teams_age_range"),
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_teams_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_teams_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("code", name=op.f("uq_teams_code")),
    )
    op.create_index(op.f("ix_teams_area_id"), "teams", ["area_id"], unique=False)
    op.create_table(
        "team_coverage",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_team_coverage_neighbourhood_id_neighbourhoods"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_coverage_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("team_id", "neighbourhood_id", name=op.f("pk_team_coverage")),
    )
    op.create_index(
        op.f("ix_team_coverage_neighbourhood_id"),
        "team_coverage",
        ["neighbourhood_id"],
        unique=False,
    )
    op.create_table(
        "team_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("membership_kind", ("member", "manager"), 10), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_memberships_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_team_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_memberships")),
        sa.UniqueConstraint("user_id", "team_id", name=op.f("uq_team_memberships_user_id_team_id")),
    )
    op.create_index(
        op.f("ix_team_memberships_team_id"), "team_memberships", ["team_id"], unique=False
    )
    op.create_index(
        op.f("ix_team_memberships_user_id"), "team_memberships", ["user_id"], unique=False
    )


def _move_data():
    conn = op.get_bind()
    if not conn.scalar(sa.text("SELECT count(*) FROM lcps")):
        return
    conn.execute(
        sa.text(
            "INSERT INTO areas (code, name, strategy_name, routing, wait_target_days,"
            " neighbourhood_label) VALUES ('LEEDS', 'Leeds', 'Leeds Mental Health Strategy',"
            " 'practice', 28, 'Local Care Partnership')"
        )
    )
    area = conn.scalar(sa.text("SELECT id FROM areas WHERE code = 'LEEDS'"))
    conn.execute(
        sa.text("INSERT INTO places (area_id, code, name) VALUES (:a, 'LEEDS', 'Leeds')"),
        {"a": area},
    )
    place = conn.scalar(sa.text("SELECT id FROM places WHERE code = 'LEEDS'"))
    conn.execute(
        sa.text(
            "INSERT INTO neighbourhoods (id, place_id, code, name, is_early_implementer,"
            " is_demo) SELECT id, :p, code, name, is_early_implementer, is_demo FROM lcps"
        ),
        {"p": place},
    )
    conn.execute(
        sa.text(
            "INSERT INTO teams (id, area_id, code, name, kind, organisation_id, go_live_on)"
            " SELECT h.id, :a, l.code, h.name, 'community_hub',"
            " (SELECT o.id FROM organisations o WHERE o.code = 'LYPFT'), h.go_live_on"
            " FROM hubs h JOIN lcps l ON l.id = h.lcp_id"
        ),
        {"a": area},
    )
    conn.execute(
        sa.text("INSERT INTO team_coverage (team_id, neighbourhood_id) SELECT id, lcp_id FROM hubs")
    )
    conn.execute(
        sa.text(
            "INSERT INTO team_memberships (id, user_id, team_id, kind, started_on)"
            " SELECT id, user_id, hub_id, kind, started_on FROM hub_memberships"
        )
    )
    if conn.dialect.name == "postgresql":
        # Rows kept their ids: the new tables' sequences carry on after them.
        for table in ("neighbourhoods", "teams", "team_memberships"):
            restart = "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {0}), false)"
            conn.execute(sa.text(restart.format(table)))


def _repoint(table, old, new, old_target, new_target, indexed):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(f"fk_{table}_{old}_{old_target}", type_="foreignkey")
        if indexed:
            batch_op.drop_index(f"ix_{table}_{old}")
        if table in COMPOSITES:
            batch_op.drop_index(f"ix_{table}_{old}_status")
        if table == "transitions":
            batch_op.drop_constraint(op.f("ck_transitions_one_receiver"), type_="check")
        batch_op.alter_column(old, new_column_name=new)
        if table == "activity_events":
            batch_op.alter_column(
                "lcp_code" if new == "team_id" else "neighbourhood_code",
                new_column_name="neighbourhood_code" if new == "team_id" else "lcp_code",
            )
        if table == "referrals":
            batch_op.alter_column(
                "hub_override_reason" if new == "team_id" else "team_override_reason",
                new_column_name="team_override_reason"
                if new == "team_id"
                else "hub_override_reason",
            )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_foreign_key(f"fk_{table}_{new}_{new_target}", new_target, [new], ["id"])
        if indexed:
            batch_op.create_index(f"ix_{table}_{new}", [new], unique=False)
        if table in COMPOSITES:
            batch_op.create_index(f"ix_{table}_{new}_status", [new, *COMPOSITES[table]])
        if table == "transitions":
            batch_op.create_check_constraint("one_receiver", ONE_RECEIVER.format(col=new))


def _sqlite_foreign_keys(on):
    """Batch mode rebuilds tables that others point at (SQLite runs these statements one by
    one, outside a transaction), so references are checked once, after the last rebuild."""
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    if on:
        broken = conn.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"references broken by the migration: {broken[:5]}")
    conn.execute(sa.text(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}"))


def upgrade():
    _sqlite_foreign_keys(False)
    _create_map_tables()
    _move_data()
    for table, old, new, old_target, new_target, indexed in MOVES:
        _repoint(table, old, new, old_target, new_target, indexed)
    op.drop_table("hub_memberships")
    op.drop_table("hubs")
    op.drop_table("lcps")
    _sqlite_foreign_keys(True)


def downgrade():
    _sqlite_foreign_keys(False)
    op.create_table(
        "lcps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_early_implementer", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lcps")),
        sa.UniqueConstraint("code", name=op.f("uq_lcps_code")),
    )
    op.create_table(
        "hubs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lcp_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("go_live_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["lcp_id"], ["lcps.id"], name=op.f("fk_hubs_lcp_id_lcps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hubs")),
        sa.UniqueConstraint("lcp_id", name=op.f("uq_hubs_lcp_id")),
    )
    op.create_table(
        "hub_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("membership_kind", ("member", "manager"), 10), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["hubs.id"], name=op.f("fk_hub_memberships_hub_id_hubs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_hub_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_memberships")),
        sa.UniqueConstraint("user_id", "hub_id", name=op.f("uq_hub_memberships_user_id_hub_id")),
    )
    op.create_index("ix_hub_memberships_hub_id", "hub_memberships", ["hub_id"], unique=False)
    op.create_index("ix_hub_memberships_user_id", "hub_memberships", ["user_id"], unique=False)
    # Only what the old shape can hold goes back: Leeds's hubs and their LCPs.
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO lcps (id, code, name, is_early_implementer, is_demo)"
            " SELECT id, code, name, is_early_implementer, is_demo FROM neighbourhoods"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO hubs (id, lcp_id, name, go_live_on) SELECT t.id,"
            " (SELECT min(c.neighbourhood_id) FROM team_coverage c WHERE c.team_id = t.id),"
            " t.name, t.go_live_on FROM teams t WHERE t.kind = 'community_hub'"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO hub_memberships (id, user_id, hub_id, kind, started_on)"
            " SELECT m.id, m.user_id, m.team_id, m.kind, m.started_on FROM team_memberships m"
            " JOIN hubs h ON h.id = m.team_id"
        )
    )
    for table, old, new, old_target, new_target, indexed in reversed(MOVES):
        _repoint(table, new, old, new_target, old_target, indexed)
    for table in (
        "team_memberships",
        "team_coverage",
        "teams",
        "neighbourhoods",
        "places",
        "areas",
    ):
        op.drop_table(table)
