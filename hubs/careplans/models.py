"""Care plans: versioned, co-produced, held by the person; the plan states and agreement
methods safety plans share (`hubs.safetyplans.models`).

Every version of a plan is its own row and is never overwritten: agreeing snapshots a
version, an edit after agreement starts a new draft version, and a save made against an
old version (the `revision` the form carried) is refused as a conflict (DESIGN §3 rule 8).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.people.models import Person
from hubs.referrals.models import Episode, NeedDomain
from hubs.staff.models import User


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    UNDER_REVIEW = "under_review"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AgreementMethod(enum.StrEnum):
    """How the person's agreement was recorded."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    PORTAL = "portal"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return {
            "in_person": "In person",
            "phone": "By phone",
            "video": "By video call",
            "portal": "In the portal",
            "letter": "By letter",
        }[self.value]


class GoalStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    NO_LONGER_NEEDED = "no_longer_needed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ActionCategory(enum.StrEnum):
    PHYSICAL_HEALTH = "physical_health"
    MEDICATION = "medication"
    PSYCHOLOGICAL = "psychological"
    SOCIAL = "social"
    EMPLOYMENT_IPS = "employment_ips"
    FAMILY_CARER = "family_carer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "employment_ips": "Employment and IPS",
            "family_carer": "Family and carer support",
        }.get(self.value, self.value.replace("_", " ").capitalize())


class CarePlan(Base):
    """One version of a person's care plan for an episode of care."""

    __tablename__ = "care_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(
        enum_column(PlanStatus, "care_plan_status", 20), default=PlanStatus.DRAFT, index=True
    )
    about_me: Mapped[str] = mapped_column(sa.Text, default="")
    what_matters: Mapped[str] = mapped_column(sa.Text, default="")
    formulation: Mapped[str] = mapped_column(sa.Text, default="")
    if_things_get_worse: Mapped[str] = mapped_column(sa.Text, default="")
    carers_involvement: Mapped[str] = mapped_column(sa.Text, default="")
    # Never shown to the person or to VCSE staff (DESIGN §3 rule 5).
    staff_notes: Mapped[str] = mapped_column(sa.Text, default="")
    review_due_on: Mapped[dt.date | None]
    agreed_at: Mapped[dt.datetime | None]
    agreement_method: Mapped[AgreementMethod | None] = mapped_column(
        enum_column(AgreementMethod, "care_plan_agreement_method", 20)
    )
    agreement_note: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Bumped on every save; a form that carries an older revision gets a conflict.
    revision: Mapped[int] = mapped_column(default=1)

    episode: Mapped[Episode] = relationship()
    person: Mapped[Person] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    goals: Mapped[list[CarePlanGoal]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanGoal.position"
    )
    actions: Mapped[list[CarePlanAction]] = relationship(
        cascade="all, delete-orphan", order_by="CarePlanAction.position"
    )
    comments: Mapped[list[CarePlanComment]] = relationship(order_by="CarePlanComment.id")

    __mapper_args__: dict[str, Any] = {"version_id_col": revision}
    __table_args__ = (
        sa.UniqueConstraint("episode_id", "version"),
        # Review dates of many people's current plans (caseloads), from the index alone.
        sa.Index(
            "ix_care_plans_person_id_status", "person_id", "status", "agreed_at", "review_due_on"
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (agreed_at IS NOT NULL AND agreement_method IS NOT NULL)",
            name="agreed_has_agreement",
        ),
    )


class CarePlanGoal(Base):
    """A goal in the person's own words, linked to a need, with who helps."""

    __tablename__ = "care_plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("care_plans.id"), index=True)
    position: Mapped[int]
    own_words: Mapped[str] = mapped_column(sa.Text)
    need_domain: Mapped[NeedDomain | None] = mapped_column(
        enum_column(NeedDomain, "goal_need_domain")
    )
    status: Mapped[GoalStatus] = mapped_column(
        enum_column(GoalStatus, "goal_status", 20), default=GoalStatus.NOT_STARTED
    )
    who_helps: Mapped[str] = mapped_column(sa.Text, default="")


class CarePlanAction(Base):
    """An agreed action or intervention: who does what, by when."""

    __tablename__ = "care_plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("care_plans.id"), index=True)
    position: Mapped[int]
    category: Mapped[ActionCategory] = mapped_column(
        enum_column(ActionCategory, "action_category", 20)
    )
    what: Mapped[str] = mapped_column(sa.Text)
    who: Mapped[str] = mapped_column(sa.String(160), default="")
    by_when: Mapped[dt.date | None]
    started_on: Mapped[dt.date | None]


class CarePlanComment(Base):
    """A comment on a care plan, from the person or their care team."""

    __tablename__ = "care_plan_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    care_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("care_plans.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
