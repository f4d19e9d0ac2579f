"""Directory models: who is where, and what a person can be referred or signposted to."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column


class Lcp(Base):
    """A Local Care Partnership: GP practices and local organisations serving a neighbourhood."""

    __tablename__ = "lcps"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_early_implementer: Mapped[bool] = mapped_column(default=False)
    # Demo LCPs are invented to fill out the city; real ones are named in the seed documents.
    is_demo: Mapped[bool] = mapped_column(default=False)

    hub: Mapped[Hub | None] = relationship(back_populates="lcp", uselist=False)

    def __repr__(self) -> str:
        return f"<Lcp {self.code}>"


class Hub(Base):
    """The integrated community mental health hub serving one LCP."""

    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    lcp_id: Mapped[int] = mapped_column(sa.ForeignKey("lcps.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    go_live_on: Mapped[dt.date | None]

    lcp: Mapped[Lcp] = relationship(back_populates="hub")

    def is_live(self, on: dt.date) -> bool:
        return self.go_live_on is not None and self.go_live_on <= on

    def __repr__(self) -> str:
        return f"<Hub {self.name}>"


class OrganisationKind(enum.StrEnum):
    NHS_TRUST = "nhs_trust"
    COMMUNITY_PROVIDER = "community_provider"
    GP_PRACTICE = "gp_practice"
    LOCAL_AUTHORITY = "local_authority"
    VCSE = "vcse"


class Organisation(Base):
    """An employer of staff; information sharing can depend on it."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class GpPractice(Base):
    """A GP practice; a person's registered practice decides their LCP and so their hub."""

    __tablename__ = "gp_practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    lcp_id: Mapped[int] = mapped_column(sa.ForeignKey("lcps.id"), index=True)
    postcode: Mapped[str | None] = mapped_column(sa.String(10))

    lcp: Mapped[Lcp] = relationship()

    def __repr__(self) -> str:
        return f"<GpPractice {self.code}>"


class ServiceKind(enum.StrEnum):
    HUB_TEAM = "hub_team"
    SPECIALIST = "specialist"
    EARLY_INTERVENTION = "early_intervention"
    CAMHS = "camhs"
    EMPLOYMENT = "employment"
    TALKING_THERAPIES = "talking_therapies"
    CRISIS = "crisis"
    ACCOMMODATION = "accommodation"
    COMMUNITY_OFFER = "community_offer"
    HELPLINE = "helpline"


class Service(Base):
    """Anything a person can be referred or signposted to."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[ServiceKind] = mapped_column(enum_column(ServiceKind, "service_kind"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    # A hub team service belongs to one hub; city-wide services have none.
    hub_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hubs.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(200))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    # The LCP an offer is local to; None for city-wide and national services.
    lcp_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lcps.id"), index=True)

    organisation: Mapped[Organisation | None] = relationship()
    hub: Mapped[Hub | None] = relationship()
    lcp: Mapped[Lcp | None] = relationship()
    sessions: Mapped[list[ServiceSession]] = relationship(
        order_by=lambda: [ServiceSession.weekday, ServiceSession.opens_at],
        cascade="all, delete-orphan",
    )
    access_features: Mapped[list[ServiceAccessFeature]] = relationship(
        order_by="ServiceAccessFeature.feature", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age_range"
        ),
    )

    @property
    def session_summary(self) -> list[str]:
        """Weekly sessions in words, days with the same hours together."""
        return summarise_sessions(self.sessions)

    def __repr__(self) -> str:
        return f"<Service {self.code}>"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ServiceSession(Base):
    """One regular weekly opening of a service, so offers can be searched by day and time."""

    __tablename__ = "service_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    weekday: Mapped[int]  # 0 = Monday, as Python's date.weekday()
    opens_at: Mapped[dt.time]
    # Closing at or before opening means the session runs past midnight (6pm to 2am).
    closes_at: Mapped[dt.time]

    __table_args__ = (sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {_clock(self.opens_at)} to {_clock(self.closes_at)}"


def _days(days: list[int]) -> str:
    if days == list(range(7)):
        return "Every day"
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAYS[days[0]]} to {WEEKDAYS[days[-1]]}"
    names = [WEEKDAYS[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summarise_sessions(sessions: list[ServiceSession]) -> list[str]:
    grouped: dict[tuple[dt.time, dt.time], list[int]] = {}
    for session in sessions:
        grouped.setdefault((session.opens_at, session.closes_at), []).append(session.weekday)
    lines = []
    for (opens, closes), days in grouped.items():
        hours = "24 hours" if opens == closes else f"{_clock(opens)} to {_clock(closes)}"
        lines.append(f"{_days(sorted(set(days)))}, {hours}")
    return lines


def _clock(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


class AccessFeature(enum.StrEnum):
    """What makes a service easier to use; people ask for these when choosing an offer."""

    STEP_FREE = "step_free"
    ACCESSIBLE_TOILET = "accessible_toilet"
    HEARING_LOOP = "hearing_loop"
    BSL = "bsl"
    INTERPRETERS = "interpreters"
    QUIET_SPACE = "quiet_space"
    ONLINE_OR_PHONE = "online_or_phone"
    LARGE_PRINT = "large_print"

    @property
    def label(self) -> str:
        return ACCESS_FEATURE_LABELS[self]


ACCESS_FEATURE_LABELS = {
    AccessFeature.STEP_FREE: "Step-free access",
    AccessFeature.ACCESSIBLE_TOILET: "Accessible toilet",
    AccessFeature.HEARING_LOOP: "Hearing loop",
    AccessFeature.BSL: "British Sign Language",
    AccessFeature.INTERPRETERS: "Interpreters available",
    AccessFeature.QUIET_SPACE: "Quiet space",
    AccessFeature.ONLINE_OR_PHONE: "Can join online or by phone",
    AccessFeature.LARGE_PRINT: "Large print or easy read",
}


class ServiceAccessFeature(Base):
    __tablename__ = "service_access_features"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    feature: Mapped[AccessFeature] = mapped_column(enum_column(AccessFeature, "access_feature"))

    __table_args__ = (sa.UniqueConstraint("service_id", "feature"),)
