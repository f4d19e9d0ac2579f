"""Contacts and support logged by workers, and signposting to community offers."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, today, utcnow
from hubs.directory.models import Service
from hubs.people.models import Person
from hubs.referrals.models import NeedDomain
from hubs.staff.models import User

#: Longer than a working day is a typing mistake, not a contact.
MAX_CONTACT_MINUTES = 12 * 60


class ContactMode(enum.StrEnum):
    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"
    VIDEO = "video"
    TEXT = "text"
    ACCOMPANIED = "accompanied"

    @property
    def label(self) -> str:
        return {
            "face_to_face": "Face to face",
            "phone": "Phone",
            "video": "Video",
            "text": "Text or message",
            "accompanied": "Accompanied to an activity or appointment",
        }[self.value]


class Reached(enum.StrEnum):
    """Whether the contact reached the person, or only a carer or other contact."""

    YES = "yes"
    NO = "no"
    CARER_OR_OTHER = "carer_or_other"

    @property
    def label(self) -> str:
        return {
            "yes": "Yes, the person",
            "no": "No, not reached",
            "carer_or_other": "A carer or other contact",
        }[self.value]


class ActivityType(enum.StrEnum):
    """What the support was, in the words connectors use (the community support review)."""

    COMMUNITY_GROUP = "community_group"
    ACCOMPANYING = "accompanying"
    BENEFITS_MONEY = "benefits_money"
    HOUSING = "housing"
    EMPLOYMENT_IPS = "employment_ips"
    EDUCATION = "education"
    CARERS_SUPPORT = "carers_support"
    PEER_SUPPORT = "peer_support"
    PRACTICAL_HELP = "practical_help"
    WHAT_MATTERS = "what_matters"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    ActivityType.COMMUNITY_GROUP: "Link to a community group",
    ActivityType.ACCOMPANYING: "Accompanying to an appointment or physical health check",
    ActivityType.BENEFITS_MONEY: "Benefits or money advice",
    ActivityType.HOUSING: "Housing",
    ActivityType.EMPLOYMENT_IPS: "Employment or IPS",
    ActivityType.EDUCATION: "Education",
    ActivityType.CARERS_SUPPORT: "Carers support",
    ActivityType.PEER_SUPPORT: "Peer support",
    ActivityType.PRACTICAL_HELP: "Practical help",
    ActivityType.WHAT_MATTERS: "“What matters to me” conversation",
}


class Contact(Base):
    """One contact with a person (or an attempt), logged by the worker who had it."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    contact_on: Mapped[dt.date] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    mode: Mapped[ContactMode] = mapped_column(enum_column(ContactMode, "contact_mode", 20))
    reached: Mapped[Reached] = mapped_column(enum_column(Reached, "contact_reached", 20))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # Staff-only notes are never shown to the person (DESIGN §3 rule 5).
    is_staff_only: Mapped[bool] = mapped_column(default=False)
    next_step: Mapped[str] = mapped_column(sa.Text, default="")
    next_contact_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime | None]

    person: Mapped[Person] = relationship()
    worker: Mapped[User] = relationship()
    activities: Mapped[list[ContactActivity]] = relationship(
        order_by="ContactActivity.activity", cascade="all, delete-orphan"
    )
    needs: Mapped[list[ContactNeed]] = relationship(
        order_by="ContactNeed.domain", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            f"duration_minutes BETWEEN 0 AND {MAX_CONTACT_MINUTES}", name="duration_range"
        ),
        # Last contact and next planned contact of many people at once (caseloads, the hub
        # view) are answered from this index without reading the contacts themselves.
        sa.Index(
            "ix_contacts_person_id_contact_on",
            "person_id",
            "contact_on",
            "reached",
            "next_contact_on",
        ),
    )

    @property
    def is_attended(self) -> bool:
        """An attended contact, as the clocks count it: the person took part, live.

        A message is not a care contact, and reaching only a carer is not the person's own.
        """
        return self.reached == Reached.YES and self.mode != ContactMode.TEXT

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.contact_on}>"


class ContactActivity(Base):
    __tablename__ = "contact_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    activity: Mapped[ActivityType] = mapped_column(enum_column(ActivityType, "activity_type"))

    __table_args__ = (sa.UniqueConstraint("contact_id", "activity"),)


class ContactNeed(Base):
    """A need domain the contact addressed (the same domains as referrals and care plans)."""

    __tablename__ = "contact_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    domain: Mapped[NeedDomain] = mapped_column(enum_column(NeedDomain, "contact_need_domain"))

    __table_args__ = (sa.UniqueConstraint("contact_id", "domain"),)


class OfferNeed(Base):
    """A need domain a directory service helps with, for searching offers by need."""

    __tablename__ = "offer_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    domain: Mapped[NeedDomain] = mapped_column(enum_column(NeedDomain, "offer_need_domain"))

    __table_args__ = (sa.UniqueConstraint("service_id", "domain"),)


class SignpostingOutcome(enum.StrEnum):
    NOT_YET = "not_yet"
    ATTENDED = "attended"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"not_yet": "Not yet", "attended": "Attended", "declined": "Declined"}[self.value]


class Signposting(Base):
    """A person linked to a community offer, followed up later to see if it worked for them."""

    __tablename__ = "signpostings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    signposted_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up_on: Mapped[dt.date] = mapped_column(index=True)
    outcome: Mapped[SignpostingOutcome] = mapped_column(
        enum_column(SignpostingOutcome, "signposting_outcome", 20),
        default=SignpostingOutcome.NOT_YET,
    )
    # When the outcome was last followed up (a "not yet" moves the reminder on).
    outcome_on: Mapped[dt.date | None]
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    service: Mapped[Service] = relationship()
    worker: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("follow_up_on >= signposted_on", name="follow_up_after"),)

    @property
    def is_follow_up_due(self) -> bool:
        return self.outcome == SignpostingOutcome.NOT_YET and self.follow_up_on <= today()
