"""Transitions between services, their history and checklist, and onward support plans.

A transition moves a person from a *sending episode* (an Aspire, CAMHS or hub team episode)
to a *receiving hub* (which opens an episode with a named lead worker when it accepts) or,
for a step-down, to a *receiving service* from the directory (primary care or a VCSE offer)
with a named contact. Constraints back up the no-gap rule: an accepted transition always
names who took over, and a sending episode has at most one open transition.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.directory.models import Service, ServiceKind, Team
from hubs.pathways.states import TransitionState
from hubs.people.models import Person
from hubs.referrals.models import Episode
from hubs.staff.models import User


class TransitionKind(enum.StrEnum):
    ASPIRE_TO_HUB = "aspire_to_hub"
    CAMHS_TO_ADULT = "camhs_to_adult"
    HUB_STEP_DOWN = "hub_step_down"

    @property
    def label(self) -> str:
        return {
            "aspire_to_hub": "Aspire to hub",
            "camhs_to_adult": "CAMHS to adult hub",
            "hub_step_down": "Hub step-down",
        }[self.value]

    @property
    def sending_service_kind(self) -> ServiceKind:
        """The directory service an episode must be with to be the sending side."""
        return {
            "aspire_to_hub": ServiceKind.EARLY_INTERVENTION,
            "camhs_to_adult": ServiceKind.CAMHS,
            "hub_step_down": ServiceKind.HUB_TEAM,
        }[self.value]

    @property
    def receives_into_hub(self) -> bool:
        return self != TransitionKind.HUB_STEP_DOWN


class ChecklistItem(enum.StrEnum):
    """What both teams and the person check off before a handover (issue 6)."""

    CARE_PLAN_SHARED = "care_plan_shared"
    SAFETY_PLAN_SHARED = "safety_plan_shared"
    VIEWS_RECORDED = "views_recorded"
    CARERS_INVOLVED = "carers_involved"
    GP_INFORMED = "gp_informed"
    FIRST_APPOINTMENT_BOOKED = "first_appointment_booked"

    @property
    def label(self) -> str:
        return CHECKLIST_LABELS[self][0]

    @property
    def plain(self) -> str:
        """The item in the person's words, for the portal."""
        return CHECKLIST_LABELS[self][1]


CHECKLIST_LABELS = {
    ChecklistItem.CARE_PLAN_SHARED: (
        "Care plan shared with the receiving team",
        "Your care plan has been shared with your new team",
    ),
    ChecklistItem.SAFETY_PLAN_SHARED: (
        "Safety plan shared with the receiving team",
        "Your safety plan has been shared with your new team",
    ),
    ChecklistItem.VIEWS_RECORDED: (
        "The person's views recorded",
        "What you want from the move has been written down",
    ),
    ChecklistItem.CARERS_INVOLVED: (
        "Carers and family involved",
        "Your carers or family have been involved, if you wanted them to be",
    ),
    ChecklistItem.GP_INFORMED: ("GP informed", "Your GP has been told about the move"),
    ChecklistItem.FIRST_APPOINTMENT_BOOKED: (
        "First appointment with the receiving team booked",
        "Your first appointment with your new team is booked",
    ),
}


class EscalationReason(enum.StrEnum):
    DECLINED = "declined"
    STALLED = "stalled"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        return {
            "declined": "the receiving team declined",
            "stalled": "not accepted by the planned date",
            "manager": "raised by a manager",
        }[self.value]


class Transition(Base):
    """A person's planned move from one service to another, with the no-gap rule."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TransitionKind] = mapped_column(enum_column(TransitionKind, "transition_kind"))
    state: Mapped[TransitionState] = mapped_column(
        enum_column(TransitionState, "transition_state"),
        default=TransitionState.IDENTIFIED,
        index=True,
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    sending_episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    receiving_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    receiving_service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id"))
    # The handover date: 18th birthday (CAMHS), end of the 3 years (Aspire), or as planned.
    planned_on: Mapped[dt.date] = mapped_column(index=True)
    sending_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    receiving_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A receiving service has no staff accounts here: its people are named in words.
    receiving_worker_name: Mapped[str | None] = mapped_column(sa.String(160))
    joint_meeting_on: Mapped[dt.date | None]
    joint_meeting_held_on: Mapped[dt.date | None]
    receiving_lead_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    receiving_lead_name: Mapped[str | None] = mapped_column(sa.String(160))
    receiving_episode_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("episodes.id"), unique=True
    )
    accepted_at: Mapped[dt.datetime | None]
    overlap_ends_on: Mapped[dt.date | None]
    completed_at: Mapped[dt.datetime | None]
    escalated_at: Mapped[dt.datetime | None]
    escalation_reason: Mapped[EscalationReason | None] = mapped_column(
        enum_column(EscalationReason, "escalation_reason", 10)
    )
    escalation_count: Mapped[int] = mapped_column(default=0)
    # Staff-only: never shown to the person.
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    sending_episode: Mapped[Episode] = relationship(foreign_keys=[sending_episode_id])
    receiving_episode: Mapped[Episode | None] = relationship(foreign_keys=[receiving_episode_id])
    receiving_team: Mapped[Team | None] = relationship()
    receiving_service: Mapped[Service | None] = relationship()
    sending_worker: Mapped[User | None] = relationship(foreign_keys=[sending_worker_id])
    receiving_worker: Mapped[User | None] = relationship(foreign_keys=[receiving_worker_id])
    receiving_lead_worker: Mapped[User | None] = relationship(
        foreign_keys=[receiving_lead_worker_id]
    )
    events: Mapped[list[TransitionEvent]] = relationship(
        back_populates="transition", order_by="TransitionEvent.id"
    )
    checklist: Mapped[list[ChecklistTick]] = relationship(
        back_populates="transition", order_by="ChecklistTick.id"
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": lock_version}
    __table_args__ = (
        # Exactly one receiver: a hub for Aspire and CAMHS, a directory service for step-down.
        sa.CheckConstraint(
            "(kind = 'hub_step_down' AND receiving_service_id IS NOT NULL"
            " AND receiving_team_id IS NULL) OR (kind != 'hub_step_down'"
            " AND receiving_team_id IS NOT NULL AND receiving_service_id IS NULL)",
            name="one_receiver",
        ),
        # No gap: once accepted, who took over is always recorded.
        sa.CheckConstraint(
            "state NOT IN ('accepted', 'parallel_support', 'completed') OR (accepted_at IS NOT"
            " NULL AND ((kind != 'hub_step_down' AND receiving_episode_id IS NOT NULL"
            " AND receiving_lead_worker_id IS NOT NULL) OR (kind = 'hub_step_down'"
            " AND receiving_lead_name IS NOT NULL)))",
            name="accepted_names_lead",
        ),
        sa.CheckConstraint(
            "state != 'parallel_support' OR overlap_ends_on IS NOT NULL",
            name="overlap_has_end",
        ),
        sa.CheckConstraint(
            "state != 'escalated' OR escalated_at IS NOT NULL", name="escalated_has_time"
        ),
        # One open transition per sending episode, so a job run twice cannot add a second.
        sa.Index(
            "uq_transitions_open_sending_episode",
            "sending_episode_id",
            unique=True,
            sqlite_where=sa.text("state != 'completed'"),
            postgresql_where=sa.text("state != 'completed'"),
        ),
    )

    @property
    def receiver_name(self) -> str:
        if self.receiving_team is not None:
            return self.receiving_team.name
        return self.receiving_service.name if self.receiving_service else "Not chosen"

    @property
    def ticked(self) -> dict[ChecklistItem, ChecklistTick]:
        return {tick.item: tick for tick in self.checklist}

    def __repr__(self) -> str:
        return f"<Transition {self.id} {self.kind} {self.state}>"


class TransitionEvent(Base):
    """The history of a transition: every change of state, who made it and when."""

    __tablename__ = "transition_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(sa.ForeignKey("transitions.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[str | None] = mapped_column(sa.String(40))
    to_state: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    transition: Mapped[Transition] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ChecklistTick(Base):
    """One checklist item done: who recorded it and when (never edited, never deleted)."""

    __tablename__ = "transition_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(sa.ForeignKey("transitions.id"), index=True)
    item: Mapped[ChecklistItem] = mapped_column(enum_column(ChecklistItem, "checklist_item"))
    done_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    transition: Mapped[Transition] = relationship(back_populates="checklist")
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("transition_id", "item"),)


class OnwardSupport(enum.StrEnum):
    """Who supports the person after discharge (DESIGN §3 rule 4)."""

    GP = "gp"
    SERVICE = "service"
    SELF_MANAGEMENT = "self_management"

    @property
    def label(self) -> str:
        return {
            "gp": "Their GP",
            "service": "A primary care or VCSE offer from the directory",
            "self_management": "Self-management with a crisis plan",
        }[self.value]


class OnwardPlan(Base):
    """The onward support plan for a discharge: who, what, and how to come back.

    Saved while discharge is being planned, then fixed at discharge, when the person sees it
    in the portal and a re-referral within 6 months is fast-tracked."""

    __tablename__ = "onward_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    support: Mapped[OnwardSupport] = mapped_column(enum_column(OnwardSupport, "onward_support"))
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id"))
    named_contact: Mapped[str] = mapped_column(sa.String(160), default="")
    what: Mapped[str] = mapped_column(sa.Text, default="")
    how_to_come_back: Mapped[str] = mapped_column(sa.Text, default="")
    # Discharge planning starts when the plan is first saved; the safety plan in force at
    # discharge must have been agreed on or after this day.
    planning_started_on: Mapped[dt.date]
    discharged_on: Mapped[dt.date | None] = mapped_column(index=True)
    fast_track_until: Mapped[dt.date | None]
    # The safety plan version checked at discharge.
    safety_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("safety_plans.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    episode: Mapped[Episode] = relationship()
    service: Mapped[Service | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "support != 'service' OR service_id IS NOT NULL", name="service_support_names_it"
        ),
        sa.CheckConstraint(
            "discharged_on IS NULL OR (fast_track_until IS NOT NULL"
            " AND safety_plan_id IS NOT NULL)",
            name="discharge_is_complete",
        ),
    )

    @property
    def is_discharged(self) -> bool:
        return self.discharged_on is not None
