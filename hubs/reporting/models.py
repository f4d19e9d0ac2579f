"""The pseudonymised activity store: the only table reporting reads.

Each row is one thing that happened in someone's care, stripped to what indicators need.
It holds a keyed HMAC of the person (the key lives in configuration, never in the
database), an age band instead of a date of birth, an LCP and IMD quintile instead of a
postcode, and codes from fixed vocabularies instead of free text. Nothing here can be
joined back to a person without the key and the operational tables.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow


class ActivityType(enum.StrEnum):
    """Events the services feed into the store (DESIGN §7, issue 7)."""

    REFERRAL_RECEIVED = "referral_received"
    REFERRAL_TRIAGED = "referral_triaged"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_SIGNPOSTED = "referral_signposted"
    REFERRAL_WITHDRAWN = "referral_withdrawn"
    FIRST_CONTACT = "first_contact"
    SECOND_CONTACT = "second_contact"
    ASSESSMENT = "assessment"
    CARE_PLAN_AGREED = "care_plan_agreed"
    FIRST_INTERVENTION = "first_intervention"
    # The 4-week clock stopping; value = days from spell start to stop.
    FOUR_WEEK_CLOCK_STOPPED = "four_week_clock_stopped"
    # EIP: accepted with a care coordinator and a package started; value = days waited.
    EIP_TREATMENT_STARTED = "eip_treatment_started"
    OUTCOME_MEASURE = "outcome_measure"
    TRANSITION_STARTED = "transition_started"
    # value = days without a lead worker during the transition (target 0).
    TRANSITION_COMPLETED = "transition_completed"
    # detail = onward plan kind, or "none".
    DISCHARGED = "discharged"
    HEALTH_CHECK_ELEMENT = "health_check_element"
    EMPLOYMENT_STATUS_ASKED = "employment_status_asked"
    IPS_REFERRAL = "ips_referral"
    IPS_OUTCOME = "ips_outcome"
    SIGNPOSTING_OUTCOME = "signposting_outcome"
    # detail = the answer (very_good … dont_know); value = its national code 1-6.
    FRIENDS_AND_FAMILY = "friends_and_family"
    # The person added an "I statement" to their answer: counted, the words never copied.
    I_STATEMENT = "i_statement"


#: Age bands chosen so the strategy's groups are sums of bands: 14-25s, 65+.
AGE_BANDS = ("0-13", "14-17", "18-25", "26-34", "35-44", "45-54", "55-64", "65-74", "75+")

#: NHS top-level ethnic groups (the letter codes' first column).
ETHNIC_GROUPS = (
    "White",
    "Mixed",
    "Asian or Asian British",
    "Black or Black British",
    "Other ethnic groups",
    "Not stated",
    "Not known",
)


#: Event keys of demo-only synthetic activity (hubs.reporting.demo). HMAC keys are plain hex,
#: so they never start with this; the rebuild keeps these rows, as no operational row makes them.
SYNTHETIC_KEY_PREFIX = "synthetic-"


class ActivityEvent(Base):
    """One pseudonymised event; written in the same transaction as the change it records."""

    __tablename__ = "activity_events"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    # HMAC of the source row's identity, so the live path and a rebuild agree row for row
    # and replaying an event never counts it twice.
    event_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    event_type: Mapped[ActivityType] = mapped_column(
        enum_column(ActivityType, "activity_type", 40), index=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(index=True)
    # When the thing measured began (e.g. the referral's received date for a clock stop).
    started_on: Mapped[dt.date | None]
    pseudonym: Mapped[str] = mapped_column(sa.String(64), index=True)
    # HMAC of the case (referral, spell, transition) so events of one case can be linked.
    case_key: Mapped[str | None] = mapped_column(sa.String(64))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    neighbourhood_code: Mapped[str | None] = mapped_column(sa.String(20))
    age_band: Mapped[str] = mapped_column(sa.String(10))
    sex: Mapped[str] = mapped_column(sa.String(20))
    ethnic_group: Mapped[str] = mapped_column(sa.String(40))
    imd_quintile: Mapped[int | None]
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    # A code from a fixed vocabulary (measure name, check element, outcome), never free text.
    detail: Mapped[str | None] = mapped_column(sa.String(40))
    value: Mapped[float | None] = mapped_column(sa.Float)
    # The person's national data opt-out as of the row's last refresh (the feed refreshes a
    # person's rows when their details change; the rebuild all): excluded from extracts.
    opted_out: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "imd_quintile IS NULL OR imd_quintile BETWEEN 1 AND 5", name="imd_quintile_range"
        ),
        sa.Index("ix_activity_events_type_date", "event_type", "occurred_on"),
    )
