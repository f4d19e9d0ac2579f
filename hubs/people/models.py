"""People who use services, what they have agreed to share, and emergency (break-glass)
access to their records."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import GpPractice, Organisation
from hubs.staff.models import User


class Sex(enum.StrEnum):
    """Person stated sex (NHS Data Dictionary values)."""

    MALE = "male"
    FEMALE = "female"
    INDETERMINATE = "indeterminate"
    NOT_KNOWN = "not_known"


# NHS Data Dictionary ethnic category codes with their top-level group (used by reporting).
ETHNIC_CATEGORIES: dict[str, tuple[str, str]] = {
    "A": ("White", "British"),
    "B": ("White", "Irish"),
    "C": ("White", "Any other White background"),
    "D": ("Mixed", "White and Black Caribbean"),
    "E": ("Mixed", "White and Black African"),
    "F": ("Mixed", "White and Asian"),
    "G": ("Mixed", "Any other mixed background"),
    "H": ("Asian or Asian British", "Indian"),
    "J": ("Asian or Asian British", "Pakistani"),
    "K": ("Asian or Asian British", "Bangladeshi"),
    "L": ("Asian or Asian British", "Any other Asian background"),
    "M": ("Black or Black British", "Caribbean"),
    "N": ("Black or Black British", "African"),
    "P": ("Black or Black British", "Any other Black background"),
    "R": ("Other ethnic groups", "Chinese"),
    "S": ("Other ethnic groups", "Any other ethnic group"),
    "Z": ("Not stated", "Not stated"),
    "99": ("Not known", "Not known"),
}


class ConsentSection(enum.StrEnum):
    """The parts of a record a consent can share with an organisation."""

    DEMOGRAPHICS = "demographics"
    REFERRALS = "referrals"
    CARE_PLAN = "care_plan"
    SAFETY_PLAN = "safety_plan"
    SUPPORT_LOG = "support_log"
    OUTCOME_MEASURES = "outcome_measures"


class ContactPreference(enum.StrEnum):
    """How the person wants to hear about their referral while they wait ("kept informed").

    Nobody is messaged until they have been asked: a text or e-mail about mental health
    support can reach a shared phone or inbox, so the person chooses, and can stop it.
    """

    NOT_ASKED = "not_asked"
    SMS = "sms"
    EMAIL = "email"
    NO_MESSAGES = "no_messages"

    @property
    def label(self) -> str:
        return {
            "not_asked": "Not asked yet",
            "sms": "Text message",
            "email": "Email",
            "no_messages": "No messages",
        }[self.value]


class Person(Base):
    """Someone who uses services. Demo and synthetic people are fictional and flagged."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    nhs_number: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    given_name: Mapped[str] = mapped_column(sa.String(80))
    family_name: Mapped[str] = mapped_column(sa.String(80))
    date_of_birth: Mapped[dt.date]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex", 20))
    gender_identity: Mapped[str | None] = mapped_column(sa.String(80))
    ethnic_category: Mapped[str] = mapped_column(sa.String(2), default="99")
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    gp_practice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gp_practices.id"), index=True)
    preferred_language: Mapped[str] = mapped_column(sa.String(60), default="English")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="")
    # The person's own contact details, used only for messages they chose to receive.
    mobile_phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_preference: Mapped[ContactPreference] = mapped_column(
        enum_column(ContactPreference, "contact_preference", 20),
        default=ContactPreference.NOT_ASKED,
        server_default=ContactPreference.NOT_ASKED.value,
    )
    # Excluded from any extract that leaves the system (national data opt-out).
    opted_out_secondary_use: Mapped[bool] = mapped_column(default=False)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    gp_practice: Mapped[GpPractice | None] = relationship()
    contacts: Mapped[list[PersonContact]] = relationship(
        back_populates="person", order_by="PersonContact.id"
    )

    __table_args__ = (
        # The people list is in name order: a page can stop after 25 without sorting all.
        sa.Index("ix_people_family_name_given_name", "family_name", "given_name"),
        sa.CheckConstraint(
            "ethnic_category IN (" + ", ".join(f"'{c}'" for c in ETHNIC_CATEGORIES) + ")",
            name="ethnic_category_code",
        ),
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def ethnic_group(self) -> str:
        return ETHNIC_CATEGORIES[self.ethnic_category][0]

    def age_on(self, on: dt.date) -> int:
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class PersonContact(Base):
    """A carer, family member or other person the person wants involved."""

    __tablename__ = "person_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    relationship_to_person: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    is_carer: Mapped[bool] = mapped_column(default=False)
    is_next_of_kin: Mapped[bool] = mapped_column(default=False)

    person: Mapped[Person] = relationship(back_populates="contacts")


class Consent(Base):
    """A grant to share named sections of a person's record with one organisation.

    Grants and withdrawals are append-only events: a grant is never edited, it is withdrawn
    by a `ConsentWithdrawal` row, so the history of what was shared when is kept.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    sections: Mapped[list[str]] = mapped_column(sa.JSON)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    withdrawal: Mapped[ConsentWithdrawal | None] = relationship(uselist=False)

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    def is_active_on(self, day: dt.date) -> bool:
        in_dates = self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
        return in_dates and self.withdrawal is None


class ConsentWithdrawal(Base):
    """The person withdrew a consent; sharing under it stops from this moment."""

    __tablename__ = "consent_withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(sa.ForeignKey("consents.id"), unique=True)
    withdrawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class PortalAccount(Base):
    """Links one person's sign-in to their own record, for the portal."""

    __tablename__ = "portal_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)

    person: Mapped[Person] = relationship()
    user: Mapped[User] = relationship()


class BreakGlassAccess(Base):
    """Emergency access to a person's record outside the usual reasons: time-limited, with
    a reason, and the person's hub managers alerted to review it."""

    __tablename__ = "break_glass_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
