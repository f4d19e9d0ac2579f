"""Directory models: who is where, and what a person can be referred or signposted to."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column


class RoutingRule(enum.StrEnum):
    """How an area decides which team first owns a referral."""

    # Leeds: the person's GP practice → its neighbourhood (LCP) → the hub covering it.
    PRACTICE = "practice"
    # Leicester, Leicestershire and Rutland: every referral to the central access point, which
    # triages and allocates to a team.
    CENTRAL_ACCESS = "central_access"


class Area(Base):
    """An integrated care system's mental health footprint: its map, routing and targets."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The strategy the area's indicators report against (dashboard and board pack captions).
    strategy_name: Mapped[str] = mapped_column(sa.String(200))
    routing: Mapped[RoutingRule] = mapped_column(enum_column(RoutingRule, "routing_rule", 20))
    # The community mental health 4-week standard's target: 28 days, or a local stretch (42).
    wait_target_days: Mapped[int] = mapped_column(default=28)
    # What the area calls a neighbourhood in its screens ("Local Care Partnership").
    neighbourhood_label: Mapped[str] = mapped_column(sa.String(60), default="Neighbourhood")

    places: Mapped[list[Place]] = relationship(back_populates="area", order_by="Place.name")

    __table_args__ = (
        sa.CheckConstraint("wait_target_days BETWEEN 1 AND 365", name="wait_target_range"),
    )

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class Place(Base):
    """A place within an area (Leeds is one; LLR has Leicester City, Leicestershire, Rutland)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    area: Mapped[Area] = relationship(back_populates="places")

    def __repr__(self) -> str:
        return f"<Place {self.code}>"


class Neighbourhood(Base):
    """GP practices and local organisations serving a patch: a Leeds Local Care Partnership,
    or an LLR neighbourhood built on a primary care network."""

    __tablename__ = "neighbourhoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_early_implementer: Mapped[bool] = mapped_column(default=False)
    # Demo neighbourhoods are invented to fill out the map; real ones are named in the seeds.
    is_demo: Mapped[bool] = mapped_column(default=False)

    place: Mapped[Place] = relationship()

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.code}>"


class TeamKind(enum.StrEnum):
    COMMUNITY_HUB = "community_hub"
    TREATMENT_RECOVERY = "treatment_recovery"
    CENTRAL_ACCESS = "central_access"
    EARLY_INTERVENTION = "early_intervention"
    CAMHS = "camhs"
    EATING_DISORDERS = "eating_disorders"
    PERSONALITY_DISORDER = "personality_disorder"
    CRISIS = "crisis"
    VCSE_SERVICE = "vcse_service"

    @property
    def label(self) -> str:
        return TEAM_KIND_LABELS[self]


TEAM_KIND_LABELS = {
    TeamKind.COMMUNITY_HUB: "Community mental health hub",
    TeamKind.TREATMENT_RECOVERY: "Treatment and recovery team",
    TeamKind.CENTRAL_ACCESS: "Central access point",
    TeamKind.EARLY_INTERVENTION: "Early intervention in psychosis",
    TeamKind.CAMHS: "Children and young people's mental health",
    TeamKind.EATING_DISORDERS: "Eating disorders",
    TeamKind.PERSONALITY_DISORDER: "Personality disorder",
    TeamKind.CRISIS: "Crisis and home treatment",
    TeamKind.VCSE_SERVICE: "Voluntary and community service",
}

#: Teams whose patch is where people live: a person registered with a practice in one of
#: their neighbourhoods is theirs to see and to route to. City-wide specialist teams cover
#: whole places too, but only see the people referred or handed over to them.
PATCH_KINDS = frozenset({TeamKind.COMMUNITY_HUB, TeamKind.TREATMENT_RECOVERY})


team_coverage = sa.Table(
    "team_coverage",
    Base.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("neighbourhood_id", sa.ForeignKey("neighbourhoods.id"), primary_key=True, index=True),
)


class Team(Base):
    """Who owns referrals, caseloads and staff memberships: a Leeds hub, an LLR treatment
    and recovery team, a central access point or a specialist service's own team."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    # Stable across reloads of an area pack; a Leeds hub's is its LCP's code.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[TeamKind] = mapped_column(enum_column(TeamKind, "team_kind", 30))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    go_live_on: Mapped[dt.date | None]

    area: Mapped[Area] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=team_coverage, order_by="Neighbourhood.code"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age_range"
        ),
    )

    @property
    def neighbourhood(self) -> Neighbourhood | None:
        """The one neighbourhood a Leeds hub serves; None for a team covering several."""
        return self.neighbourhoods[0] if len(self.neighbourhoods) == 1 else None

    def is_live(self, on: dt.date) -> bool:
        return self.go_live_on is not None and self.go_live_on <= on

    def takes_age(self, age: int | None) -> bool:
        """Whether a person of this age is in the team's range (unknown age: yes, and the
        team decides at triage)."""
        if age is None:
            return True
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )

    def __repr__(self) -> str:
        return f"<Team {self.code}>"


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
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhoods.id"), index=True)
    postcode: Mapped[str | None] = mapped_column(sa.String(10))

    neighbourhood: Mapped[Neighbourhood] = relationship()

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
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(200))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    # The LCP an offer is local to; None for city-wide and national services.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("neighbourhoods.id"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship()
    team: Mapped[Team | None] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
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
