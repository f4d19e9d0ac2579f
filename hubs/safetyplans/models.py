"""Safety plans: one version per row, one current version per person (Stanley-Brown
sections), the crisis services each lists, and the changes the person proposes.

Versions are kept like care plans' (`hubs.careplans.versioning`): agreeing snapshots a
version, an edit after agreement starts a new draft version, and a save made against an old
version or revision (the `revision` the form carried) is refused as a conflict (DESIGN §3
rule 8). The tables, columns and constraints are those of migration 0003.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import Service
from hubs.people.models import Person
from hubs.staff.models import User


class SafetyPlan(Base):
    """One version of a person's safety plan (Stanley-Brown sections); one current per person."""

    __tablename__ = "safety_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(
        enum_column(PlanStatus, "safety_plan_status", 20), default=PlanStatus.DRAFT, index=True
    )
    warning_signs: Mapped[str] = mapped_column(sa.Text, default="")
    coping_alone: Mapped[str] = mapped_column(sa.Text, default="")
    distractions: Mapped[str] = mapped_column(sa.Text, default="")
    people_to_ask: Mapped[str] = mapped_column(sa.Text, default="")
    professionals_note: Mapped[str] = mapped_column(sa.Text, default="")
    environment_safety: Mapped[str] = mapped_column(sa.Text, default="")
    reasons_for_living: Mapped[str] = mapped_column(sa.Text, default="")
    review_due_on: Mapped[dt.date | None]
    agreed_at: Mapped[dt.datetime | None]
    agreement_method: Mapped[AgreementMethod | None] = mapped_column(
        enum_column(AgreementMethod, "safety_plan_agreement_method", 20)
    )
    agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    services: Mapped[list[Service]] = relationship(
        secondary="safety_plan_services", order_by="Service.name"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": revision}
    __table_args__ = (
        sa.UniqueConstraint("person_id", "version"),
        sa.Index(
            "ix_safety_plans_person_id_status",
            "person_id",
            "status",
            "agreed_at",
            "review_due_on",
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (agreed_at IS NOT NULL AND agreement_method IS NOT NULL)",
            name="agreed_has_agreement",
        ),
    )


safety_plan_services = sa.Table(
    "safety_plan_services",
    Base.metadata,
    sa.Column("safety_plan_id", sa.ForeignKey("safety_plans.id"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("services.id"), primary_key=True),
)


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SafetyPlanProposal(Base):
    """A change the person proposes to a section of their safety plan, for staff to accept."""

    __tablename__ = "safety_plan_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    based_on_id: Mapped[int] = mapped_column(sa.ForeignKey("safety_plans.id"))
    section: Mapped[str] = mapped_column(sa.String(40))
    proposed_text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status", 10), default=ProposalStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    based_on: Mapped[SafetyPlan] = relationship()
