"""The six SMI physical health check elements, smoking cessation, employment and IPS."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import Service
from hubs.staff.models import User


class HealthCheckElement(enum.StrEnum):
    """The six elements of the annual physical health check for people with SMI."""

    BMI = "bmi"
    BLOOD_PRESSURE = "blood_pressure"
    GLUCOSE = "glucose"
    CHOLESTEROL = "cholesterol"
    SMOKING = "smoking"
    ALCOHOL = "alcohol"

    @property
    def label(self) -> str:
        return ELEMENT_LABELS[self]


ELEMENT_LABELS = {
    HealthCheckElement.BMI: "BMI (body mass index)",
    HealthCheckElement.BLOOD_PRESSURE: "Blood pressure",
    HealthCheckElement.GLUCOSE: "Blood glucose or HbA1c",
    HealthCheckElement.CHOLESTEROL: "Cholesterol (lipids)",
    HealthCheckElement.SMOKING: "Smoking status",
    HealthCheckElement.ALCOHOL: "Alcohol use",
}


class SmokingStatus(enum.StrEnum):
    CURRENT = "current"
    EX_SMOKER = "ex_smoker"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {"current": "Smokes", "ex_smoker": "Ex-smoker", "never": "Never smoked"}[self.value]


class CessationOffer(enum.StrEnum):
    """What happened when support to stop smoking was offered."""

    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"accepted": "Offered and accepted", "declined": "Offered and declined"}[self.value]


class HealthCheckRecord(Base):
    """One element of the physical health check: when and where it was done."""

    __tablename__ = "health_check_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    element: Mapped[HealthCheckElement] = mapped_column(
        enum_column(HealthCheckElement, "health_check_element", 20)
    )
    done_on: Mapped[dt.date]
    where_done: Mapped[str] = mapped_column(sa.String(160))
    result: Mapped[str] = mapped_column(sa.String(160), default="")
    smoking_status: Mapped[SmokingStatus | None] = mapped_column(
        enum_column(SmokingStatus, "smoking_status", 20)
    )
    cessation_offer: Mapped[CessationOffer | None] = mapped_column(
        enum_column(CessationOffer, "cessation_offer", 20)
    )
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.Index("ix_health_check_records_person_id_done_on", "person_id", "done_on"),
        sa.CheckConstraint(
            "element = 'smoking' OR (smoking_status IS NULL AND cessation_offer IS NULL)",
            name="smoking_fields_only_for_smoking",
        ),
    )


class EmploymentStatus(enum.StrEnum):
    """Employment status, as asked (close to the MHSDS categories)."""

    EMPLOYED = "employed"
    SEEKING_WORK = "seeking_work"
    STUDENT = "student"
    LONG_TERM_SICK = "long_term_sick"
    CARING = "caring"
    VOLUNTEERING = "volunteering"
    RETIRED = "retired"
    NOT_SEEKING_WORK = "not_seeking_work"
    DECLINED_TO_SAY = "declined_to_say"

    @property
    def label(self) -> str:
        return EMPLOYMENT_LABELS[self]


EMPLOYMENT_LABELS = {
    EmploymentStatus.EMPLOYED: "In paid work (including self-employed)",
    EmploymentStatus.SEEKING_WORK: "Unemployed and looking for work",
    EmploymentStatus.STUDENT: "Student",
    EmploymentStatus.LONG_TERM_SICK: "Long-term sick or disabled",
    EmploymentStatus.CARING: "Looking after family or home",
    EmploymentStatus.VOLUNTEERING: "Unpaid voluntary work",
    EmploymentStatus.RETIRED: "Retired",
    EmploymentStatus.NOT_SEEKING_WORK: "Not in work and not looking",
    EmploymentStatus.DECLINED_TO_SAY: "Did not want to say",
}


class EmploymentCheck(Base):
    """The person was asked about their employment status (a strategy indicator)."""

    __tablename__ = "employment_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    asked_on: Mapped[dt.date]
    status: Mapped[EmploymentStatus] = mapped_column(
        enum_column(EmploymentStatus, "employment_status", 20)
    )
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IpsOutcome(enum.StrEnum):
    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    DECLINED = "declined"
    INTO_WORK = "into_work"
    KEPT_WORK = "kept_work"

    @property
    def label(self) -> str:
        return IPS_LABELS[self]


IPS_LABELS = {
    IpsOutcome.AWAITING: "Waiting to hear",
    IpsOutcome.ACCEPTED: "Accepted onto IPS",
    IpsOutcome.NOT_ACCEPTED: "Not accepted by IPS",
    IpsOutcome.DECLINED: "The person decided not to go ahead",
    IpsOutcome.INTO_WORK: "Supported into work",
    IpsOutcome.KEPT_WORK: "Supported to keep their job",
}


class IpsReferral(Base):
    """A referral to Individual Placement and Support, with what came of it."""

    __tablename__ = "ips_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id"))
    referred_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[IpsOutcome] = mapped_column(
        enum_column(IpsOutcome, "ips_outcome", 20), default=IpsOutcome.AWAITING
    )
    outcome_on: Mapped[dt.date | None]
    referred_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    service: Mapped[Service | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "outcome_on IS NULL OR outcome_on >= referred_on", name="dates_in_order"
        ),
    )
