"""Staff in every MDT role for each hub, their hub memberships, and a few city-wide analysts
and system administrators. Every account is a demo account (production refuses to start)
sharing one argon2id hash of the demo password, so generating 15,000 of them stays quick."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.low_level import hash_secret

from hubs.config import Config
from hubs.staff.models import TeamMembership, User
from hubs.synth import names
from hubs.synth.context import StaffInfo, SynthContext
from hubs.synth.registry import generator

EMAIL_DOMAIN = "synthetic.hubs.invalid"

# A hub team of about 80, by MDT role (Leeds briefing); smaller teams keep the first roles.
TEAM_SHAPE = (
    ("team_manager", 2),
    ("administrator", 4),
    ("mental_health_nurse", 14),
    ("wellbeing_connector", 9),
    ("mental_health_practitioner", 12),
    ("psychiatrist", 3),
    ("peer_support_worker", 5),
    ("social_worker", 7),
    ("support_worker", 7),
    ("occupational_therapist", 5),
    ("psychological_therapist", 5),
    ("clinical_psychologist", 3),
    ("primary_care_staff", 3),
    ("mental_health_pharmacist", 1),
)
ROLE_ORGANISATION = {
    "social_worker": "LCC",
    "wellbeing_connector": "DEMOVCSE",
    "peer_support_worker": "DEMOVCSE",
    "support_worker": "LMIND",
    "primary_care_staff": "DEMOGP",
}
CITY_WIDE = (("strategy_analyst", "LCC", 4), ("system_administrator", "LYPFT", 2))
DEACTIVATED_SHARE = 0.02  # left the service; their open episodes show as "lead unavailable"


def password_hash(seed: int) -> str:
    """argon2id of the demo password with the library's defaults and a salt from the seed."""
    hasher = PasswordHasher()
    salt = hashlib.sha256(f"hubs-synthetic-{seed}".encode()).digest()[:16]
    return hash_secret(
        Config.DEMO_PASSWORD.encode(),
        salt,
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=hasher.hash_len,
        type=hasher.type,
    ).decode()


# Every hub, however small, has someone in each of these roles.
ESSENTIAL = (
    "team_manager",
    "administrator",
    "mental_health_nurse",
    "wellbeing_connector",
    "mental_health_practitioner",
)


def team_roles(size: int) -> list[str]:
    """`size` roles: one of each essential role, the rest shaped like TEAM_SHAPE."""
    counts = dict.fromkeys((role for role, _ in TEAM_SHAPE), 0)
    for role in ESSENTIAL[:size]:
        counts[role] += 1
    rest = max(0, size - len(ESSENTIAL))
    total = sum(n for _, n in TEAM_SHAPE)
    shares = [(role, n * rest / total) for role, n in TEAM_SHAPE]
    for role, share in shares:
        counts[role] += int(share)
    left = rest - sum(int(share) for _, share in shares)
    for role, _ in sorted(shares, key=lambda s: -(s[1] - int(s[1])))[:left]:
        counts[role] += 1
    return [role for role, _ in TEAM_SHAPE for _ in range(counts[role])]


def _team_sizes(ctx: SynthContext) -> list[int]:
    city_wide = sum(n for *_, n in CITY_WIDE)
    budget = ctx.scale.staff - city_wide
    total = sum(h.weight for h in ctx.world.hubs)
    sizes = [int(budget * h.weight / total) for h in ctx.world.hubs]
    for i in range(budget - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _load_existing(ctx: SynthContext) -> None:
    """Append runs reuse the staff of the first run."""
    rows = ctx.connection.execute(
        sa.select(User.id, TeamMembership.team_id, User.role, User.organisation_id, User.is_active)
        .outerjoin(TeamMembership, TeamMembership.user_id == User.id)
        .where(User.email.like(f"%@{EMAIL_DOMAIN}"), User.kind == "staff")
        .order_by(User.id)
    )
    for uid, team_id, role, org_id, active in rows:
        weight = 0.6 + (uid * 2654435761 % 1000) / 1000  # stable, varied caseload sizes
        ctx.world.staff.append(StaffInfo(uid, team_id, str(role), org_id, active, weight))


@generator("staff", after=("directory",))
def staff(ctx: SynthContext) -> None:
    """Hub teams (about 80 each at city scale) and city-wide analysts and administrators."""
    ctx.world.password_hash = password_hash(ctx.seed)
    if ctx.append:
        _load_existing(ctx)
        return
    rng = ctx.rng("staff")
    orgs = ctx.world.organisations
    people: list[tuple[int | None, str, str]] = []
    for team, size in zip(ctx.world.hubs, _team_sizes(ctx), strict=True):
        people += [
            (team.id, role, ROLE_ORGANISATION.get(role, "LYPFT")) for role in team_roles(size)
        ]
    people += [(None, role, org) for role, org, n in CITY_WIDE for _ in range(n)]
    ids = ctx.ids(User.__table__, len(people))
    created = dt.datetime.combine(
        ctx.as_of.replace(year=ctx.as_of.year - ctx.scale.years - 1), dt.time(9), tzinfo=dt.UTC
    )
    users, memberships = [], []
    managers: set[int] = set()
    for uid, (team_id, role, org) in zip(ids, people, strict=True):
        active = rng.random() >= DEACTIVATED_SHARE or role == "team_manager"
        name = f"{names.given_name(rng, rng.choice(('female', 'male')))} {names.family_name(rng)}"
        users.append(
            (
                uid,
                f"staff{uid}@{EMAIL_DOMAIN}",
                name,
                ctx.world.password_hash,
                "staff",
                role,
                orgs[org],
                active,
                True,
                created,
                created,
                None if active else created + dt.timedelta(days=400),
            )
        )
        ctx.world.staff.append(
            StaffInfo(uid, team_id, role, orgs[org], active, rng.lognormvariate(0, 0.35))
        )
        if team_id is not None:
            # The first team manager of each hub manages it; a second is a member (deputy).
            kind = "manager" if role == "team_manager" and team_id not in managers else "member"
            managers.add(team_id) if kind == "manager" else None
            memberships.append((uid, team_id, kind, created.date()))
    ctx.insert(
        User.__table__,
        (
            "id",
            "email",
            "display_name",
            "password_hash",
            "kind",
            "role",
            "organisation_id",
            "is_active",
            "is_demo",
            "created_at",
            "password_changed_at",
            "deactivated_at",
        ),
        users,
    )
    membership_ids = ctx.ids(TeamMembership.__table__, len(memberships))
    ctx.insert(
        TeamMembership.__table__,
        ("id", "user_id", "team_id", "kind", "started_on"),
        [(i, *m) for i, m in zip(membership_ids, memberships, strict=True)],
    )
