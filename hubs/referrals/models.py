"""Referrals by need, their history, episodes of care, care teams and clock events."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import Service, Team
from hubs.people.models import Person
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from hubs.staff.models import StaffRole, User


class NeedDomain(enum.StrEnum):
    """The 11 DIALOG areas plus money, substance use and carers (DESIGN §2)."""

    MENTAL_HEALTH = "mental_health"
    PHYSICAL_HEALTH = "physical_health"
    JOB_SITUATION = "job_situation"
    ACCOMMODATION = "accommodation"
    LEISURE_ACTIVITIES = "leisure_activities"
    FRIENDSHIPS = "friendships"
    FAMILY_PARTNER = "family_partner"
    PERSONAL_SAFETY = "personal_safety"
    MEDICATION = "medication"
    PRACTICAL_HELP = "practical_help"
    MEETINGS_WITH_PROFESSIONALS = "meetings_with_professionals"
    MONEY_DEBT = "money_debt"
    SUBSTANCE_USE = "substance_use"
    CARERS_FAMILY_SUPPORT = "carers_family_support"

    @property
    def label(self) -> str:
        return NEED_LABELS[self]


NEED_LABELS = {
    NeedDomain.MENTAL_HEALTH: "Mental health",
    NeedDomain.PHYSICAL_HEALTH: "Physical health",
    NeedDomain.JOB_SITUATION: "Job situation",
    NeedDomain.ACCOMMODATION: "Accommodation",
    NeedDomain.LEISURE_ACTIVITIES: "Leisure activities",
    NeedDomain.FRIENDSHIPS: "Friendships",
    NeedDomain.FAMILY_PARTNER: "Relationship with family or partner",
    NeedDomain.PERSONAL_SAFETY: "Personal safety",
    NeedDomain.MEDICATION: "Medication",
    NeedDomain.PRACTICAL_HELP: "Practical help",
    NeedDomain.MEETINGS_WITH_PROFESSIONALS: "Meetings with professionals",
    NeedDomain.MONEY_DEBT: "Money and debt",
    NeedDomain.SUBSTANCE_USE: "Alcohol and drug use",
    NeedDomain.CARERS_FAMILY_SUPPORT: "Support for carers and family",
}


class Severity(enum.StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


SEVERITY_WEIGHT = {Severity.LOW: 1, Severity.MODERATE: 2, Severity.HIGH: 3}


class ReferralSource(enum.StrEnum):
    GP = "gp"
    SELF = "self"
    FAMILY_CARER = "family_carer"
    ASPIRE = "aspire"
    CAMHS = "camhs"
    CRISIS_SERVICE = "crisis_service"
    VCSE = "vcse"
    SOCIAL_CARE = "social_care"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "gp": "GP",
            "self": "Self-referral",
            "family_carer": "Family or carer",
            "aspire": "Aspire (early intervention in psychosis)",
            "camhs": "CAMHS",
            "crisis_service": "Crisis service",
            "vcse": "Voluntary or community organisation",
            "social_care": "Social care",
            "other": "Other",
        }[self.value]


class Priority(enum.StrEnum):
    """MHSDS clinical response priority."""

    EMERGENCY = "emergency"
    VERY_URGENT = "very_urgent"
    URGENT = "urgent"
    ROUTINE = "routine"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def needs_crisis_routing(self) -> bool:
        # Routed to crisis services at once with a warm handover, and still tracked.
        return self in {Priority.EMERGENCY, Priority.VERY_URGENT}

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class Referral(Base):
    """A request for support for a person, organised by their needs, never by diagnosis."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    # Every open referral has an owning hub at every moment (no wrong door).
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"))
    source: Mapped[ReferralSource] = mapped_column(enum_column(ReferralSource, "referral_source"))
    referrer_name: Mapped[str] = mapped_column(sa.String(120))
    referrer_organisation: Mapped[str | None] = mapped_column(sa.String(160))
    received_on: Mapped[dt.date] = mapped_column(index=True)
    what_matters: Mapped[str] = mapped_column(sa.Text, default="")
    risk_summary: Mapped[str] = mapped_column(sa.Text, default="")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "referral_priority"))
    communication_needs: Mapped[str] = mapped_column(sa.Text, default="")
    # Free text for the record only: no routing or acceptance rule reads it (DESIGN §3 rule 1).
    diagnosis: Mapped[str | None] = mapped_column(sa.Text)
    team_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    is_crisis_routed: Mapped[bool] = mapped_column(default=False)
    # Set when the person comes back within 6 months of a discharge (DESIGN §3 rule 4): the
    # triage queue shows it first within its priority. Set by pathways through a signal.
    is_fast_tracked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    fast_track_reason: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_status"), default=ReferralStatus.RECEIVED, index=True
    )
    triage_rationale: Mapped[str | None] = mapped_column(sa.Text)
    signposted_service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id"))
    handover_note: Mapped[str | None] = mapped_column(sa.Text)
    destination_confirmed_on: Mapped[dt.date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.Text)
    closed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A double-submitted form carries the same key, so it cannot create two referrals. Keys
    # are unique per submitter (see __table_args__): two systems may choose the same key.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64))
    lock_version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    team: Mapped[Team] = relationship()
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    signposted_service: Mapped[Service | None] = relationship(foreign_keys=[signposted_service_id])
    needs: Mapped[list[ReferralNeed]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralNeed.id"
    )
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )
    episode: Mapped[Episode | None] = relationship(back_populates="referral", uselist=False)

    __mapper_args__ = {"version_id_col": lock_version}
    __table_args__ = (
        # The triage queue and a hub's waiting list: open referrals of one hub; and the people
        # referred to a hub (who its staff may see), from the index alone.
        sa.Index("ix_referrals_team_id_status", "team_id", "status", "person_id"),
        sa.UniqueConstraint("created_by_id", "submission_key"),
        sa.CheckConstraint(
            "status != 'signposted' OR (signposted_service_id IS NOT NULL"
            " AND handover_note IS NOT NULL AND destination_confirmed_on IS NOT NULL)",
            name="signposted_has_destination",
        ),
        sa.CheckConstraint(
            "status != 'withdrawn' OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"
        ),
        sa.CheckConstraint(
            "(status IN ('received', 'triaged')) = (closed_on IS NULL)", name="closed_iff_ended"
        ),
    )

    @property
    def highest_severity(self) -> Severity | None:
        return max((n.severity for n in self.needs), key=SEVERITY_WEIGHT.get, default=None)

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.status}>"


class ReferralNeed(Base):
    """One need, in a domain, with its severity and the person's own words."""

    __tablename__ = "referral_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    domain: Mapped[NeedDomain] = mapped_column(enum_column(NeedDomain, "need_domain"))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "need_severity", 10))
    own_words: Mapped[str] = mapped_column(sa.Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="needs")

    # Caseload weighting reads only the severities of many referrals at once.
    __table_args__ = (
        sa.Index("ix_referral_needs_referral_id_severity", "referral_id", "severity"),
    )


class ReferralEvent(Base):
    """The history of a referral: every transition and every change of owning hub."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(sa.String(40))
    to_status: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Episode(Base):
    """An episode of care in a hub, opened when a referral is accepted."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    status: Mapped[EpisodeStatus] = mapped_column(
        enum_column(EpisodeStatus, "episode_status", 10), default=EpisodeStatus.PLANNED, index=True
    )
    lead_worker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_on: Mapped[dt.date | None]
    finished_on: Mapped[dt.date | None]

    referral: Mapped[Referral] = relationship(back_populates="episode")
    person: Mapped[Person] = relationship()
    team: Mapped[Team] = relationship()
    lead_worker: Mapped[User] = relationship(foreign_keys=[lead_worker_id])
    care_team: Mapped[list[CareTeamMember]] = relationship(
        back_populates="episode", order_by="CareTeamMember.id"
    )
    lead_changes: Mapped[list[LeadWorkerChange]] = relationship(order_by="LeadWorkerChange.id")

    __table_args__ = (
        # A hub's open episodes (manager's view) and a worker's open episodes (caseload).
        sa.Index("ix_episodes_team_id_status", "team_id", "status"),
        sa.Index("ix_episodes_lead_worker_id_status", "lead_worker_id", "status"),
    )


class CareTeamMember(Base):
    """A member of staff in a person's care team, with the MDT role they bring."""

    __tablename__ = "care_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "care_team_role"))
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]

    episode: Mapped[Episode] = relationship(back_populates="care_team")
    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("episode_id", "user_id"),
        # Current members only (left_on IS NULL): a worker's caseload, an episode's team.
        sa.Index("ix_care_team_members_user_id_left_on", "user_id", "left_on"),
        sa.Index("ix_care_team_members_episode_id_left_on", "episode_id", "left_on", "user_id"),
    )


class LeadWorkerChange(Base):
    """A reassignment of the lead worker (keyworker), with who decided and why."""

    __tablename__ = "lead_worker_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])


class ClockEventKind(enum.StrEnum):
    """Events that move waiting-time clocks; later features record them through signals."""

    FIRST_CONTACT = "first_contact"
    SECOND_CONTACT = "second_contact"
    ASSESSMENT = "assessment"
    CARE_PLAN_AGREED = "care_plan_agreed"
    FIRST_INTERVENTION = "first_intervention"
    BASELINE_MEASURE = "baseline_measure"
    EIP_PACKAGE_STARTED = "eip_package_started"


class ClockEvent(Base):
    """A dated event in a person's care that a waiting-time clock counts."""

    __tablename__ = "clock_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    kind: Mapped[ClockEventKind] = mapped_column(enum_column(ClockEventKind, "clock_event_kind"))
    occurred_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source_type: Mapped[str | None] = mapped_column(sa.String(40))
    source_id: Mapped[int | None]

    # Clocks for a page of people read only these columns: answered from the index alone.
    __table_args__ = (
        sa.Index(
            "ix_clock_events_person_id_kind", "person_id", "kind", "occurred_on", "referral_id"
        ),
    )
