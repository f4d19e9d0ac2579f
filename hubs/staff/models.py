"""Accounts and what they may do.

One `users` table holds every sign-in identity (staff and people using services) so that
sessions, API tokens, lockout and audit work one way for all. Staff have an organisation and
an MDT role; a person's account is linked to their record by `people.PortalAccount`.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.access import AccessRole
from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import Organisation, Team


class StaffRole(enum.StrEnum):
    """The multidisciplinary team roles from the Leeds briefing, plus two non-clinical roles."""

    ADMINISTRATOR = "administrator"
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist"
    WELLBEING_CONNECTOR = "wellbeing_connector"
    MENTAL_HEALTH_NURSE = "mental_health_nurse"
    MENTAL_HEALTH_PHARMACIST = "mental_health_pharmacist"
    MENTAL_HEALTH_PRACTITIONER = "mental_health_practitioner"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PEER_SUPPORT_WORKER = "peer_support_worker"
    PRIMARY_CARE_STAFF = "primary_care_staff"
    PSYCHIATRIST = "psychiatrist"
    PSYCHOLOGICAL_THERAPIST = "psychological_therapist"
    SOCIAL_WORKER = "social_worker"
    SUPPORT_WORKER = "support_worker"
    TEAM_MANAGER = "team_manager"
    STRATEGY_ANALYST = "strategy_analyst"
    SYSTEM_ADMINISTRATOR = "system_administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def access_role(self) -> AccessRole:
        return ROLE_ACCESS.get(self, AccessRole.CLINICIAN)


ROLE_LABELS = {
    StaffRole.ADMINISTRATOR: "Hub administrator",
    StaffRole.CLINICAL_PSYCHOLOGIST: "Clinical psychologist",
    StaffRole.WELLBEING_CONNECTOR: "Community wellbeing connector",
    StaffRole.MENTAL_HEALTH_NURSE: "Mental health nurse",
    StaffRole.MENTAL_HEALTH_PHARMACIST: "Mental health pharmacist",
    StaffRole.MENTAL_HEALTH_PRACTITIONER: "Mental health practitioner",
    StaffRole.OCCUPATIONAL_THERAPIST: "Occupational therapist",
    StaffRole.PEER_SUPPORT_WORKER: "Peer support worker",
    StaffRole.PRIMARY_CARE_STAFF: "Primary care staff",
    StaffRole.PSYCHIATRIST: "Psychiatrist",
    StaffRole.PSYCHOLOGICAL_THERAPIST: "Psychological therapist",
    StaffRole.SOCIAL_WORKER: "Social worker",
    StaffRole.SUPPORT_WORKER: "Support worker",
    StaffRole.TEAM_MANAGER: "Team manager",
    StaffRole.STRATEGY_ANALYST: "Strategy analyst",
    StaffRole.SYSTEM_ADMINISTRATOR: "System administrator",
}

# Roles not listed here are practitioners with clinical access (DESIGN §6).
ROLE_ACCESS = {
    StaffRole.ADMINISTRATOR: AccessRole.HUB_ADMIN,
    StaffRole.WELLBEING_CONNECTOR: AccessRole.VCSE_WORKER,
    StaffRole.PEER_SUPPORT_WORKER: AccessRole.VCSE_WORKER,
    StaffRole.SUPPORT_WORKER: AccessRole.VCSE_WORKER,
    StaffRole.TEAM_MANAGER: AccessRole.MANAGER,
    StaffRole.STRATEGY_ANALYST: AccessRole.ANALYST,
    StaffRole.SYSTEM_ADMINISTRATOR: AccessRole.SYSADMIN,
}


class AccountKind(enum.StrEnum):
    STAFF = "staff"
    PERSON = "person"


class User(Base):
    """A sign-in identity. `get_id` returns the current session's token, not the user id,
    so that revoking the session record signs the browser out at once."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[AccountKind] = mapped_column(enum_column(AccountKind, "account_kind", 10))
    role: Mapped[StaffRole | None] = mapped_column(enum_column(StaffRole, "staff_role"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Demo accounts carry a published password; production refuses to start while any exist.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[dt.datetime | None]
    # TOTP second factor (hubs.staff.mfa). A secret without `mfa_enrolled_at` is an
    # enrolment in progress; `mfa_last_step` is the last time step accepted, so a code seen
    # over someone's shoulder cannot be used a second time.
    mfa_secret: Mapped[str | None] = mapped_column(sa.String(64))
    mfa_enrolled_at: Mapped[dt.datetime | None]
    mfa_last_step: Mapped[int | None]

    organisation: Mapped[Organisation | None] = relationship()
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'staff' AND role IS NOT NULL AND organisation_id IS NOT NULL)"
            " OR (kind = 'person' AND role IS NULL)",
            name="staff_have_role_and_organisation",
        ),
    )

    # Set by the session loader for the request in hand; never stored.
    session_token = None  # str | None; plain attribute, not a column
    # When this browser's session last passed the second factor (for step-up checks).
    second_factor_at = None  # dt.datetime | None; plain attribute, not a column

    @property
    def has_mfa(self) -> bool:
        return self.mfa_enrolled_at is not None

    @property
    def access_role(self) -> AccessRole:
        if self.kind == AccountKind.PERSON:
            return AccessRole.PERSON
        assert self.role is not None
        return self.role.access_role

    @property
    def role_label(self) -> str:
        return "Person using services" if self.role is None else self.role.label

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class MembershipKind(enum.StrEnum):
    MEMBER = "member"
    MANAGER = "manager"


class TeamMembership(Base):
    """A member of staff working in a hub's multidisciplinary team, or managing it."""

    __tablename__ = "team_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    kind: Mapped[MembershipKind] = mapped_column(
        enum_column(MembershipKind, "membership_kind", 10), default=MembershipKind.MEMBER
    )
    started_on: Mapped[dt.date | None]

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "team_id"),)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # When the second factor was last entered in this session: at sign-in, and again for a
    # step-up before break-glass, exports and bulk reassignment.
    second_factor_at: Mapped[dt.datetime | None]
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))

    user: Mapped[User] = relationship()


class TokenScope(enum.StrEnum):
    """What a system may do with a token: read only, or read and change."""

    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(Base):
    """A bearer token for a system integration; it acts with its owner's permissions, within
    its scope, until it expires or is revoked (with the owner's password change too)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    scope: Mapped[TokenScope] = mapped_column(
        enum_column(TokenScope, "token_scope", 12), default=TokenScope.READ
    )
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Every sign-in attempt, known e-mail or not, so lockout cannot reveal which exist."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    __table_args__ = (sa.Index("ix_login_attempts_email_at", "email", "at"),)


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app when it is lost.

    Only a SHA-256 digest is kept: each code carries 80 random bits, so a fast hash is as
    safe as argon2 against a stolen table, and one indexed lookup checks it (argon2 would
    cost one slow verification per stored code on every attempt)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class MfaReset(Base):
    """A system administrator cleared someone's second factor, and why; they enrol again."""

    __tablename__ = "mfa_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # None when done from the command line (the operator's shell, not an account).
    reset_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
