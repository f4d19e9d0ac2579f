"""Materialised indicator values: what dashboards, exports and the API read.

Rows are written only by the refresh (`hubs.reporting.refresh`) and are stored *already
suppressed*: a hidden count is NULL with its flag set, so no page, export or query can ever
reach a small number, however it is written. (This is a separate module from the activity
store's models because the live feed owns that file.)
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.reporting.indicators import Granularity

CITY = "city"


class IndicatorValue(Base):
    """One suppressed figure: an indicator for a period, an area and one breakdown value."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    indicator_id: Mapped[str] = mapped_column(sa.String(60))
    period_type: Mapped[Granularity] = mapped_column(enum_column(Granularity, "granularity", 10))
    period_start: Mapped[dt.date]
    # "city", or the LCP code of the hub (stable, and what the population CSV uses).
    area: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    breakdown: Mapped[str] = mapped_column(sa.String(30))
    breakdown_value: Mapped[str] = mapped_column(sa.String(60))
    numerator: Mapped[int | None]
    numerator_suppressed: Mapped[bool] = mapped_column(default=False)
    denominator: Mapped[int | None]
    denominator_suppressed: Mapped[bool] = mapped_column(default=False)
    value: Mapped[float | None] = mapped_column(sa.Float)
    value_suppressed: Mapped[bool] = mapped_column(default=False)
    ci_low: Mapped[float | None] = mapped_column(sa.Float)
    ci_high: Mapped[float | None] = mapped_column(sa.Float)
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "indicator_id",
            "period_type",
            "period_start",
            "area",
            "breakdown",
            "breakdown_value",
            name="uq_indicator_values_cell",
        ),
        sa.Index("ix_indicator_values_lookup", "indicator_id", "period_type", "area", "breakdown"),
        sa.CheckConstraint(
            "numerator_suppressed = false OR numerator IS NULL", name="hidden_numerator_is_null"
        ),
        sa.CheckConstraint(
            "denominator_suppressed = false OR denominator IS NULL",
            name="hidden_denominator_is_null",
        ),
        sa.CheckConstraint(
            "value_suppressed = false OR value IS NULL", name="hidden_value_is_null"
        ),
        # The database itself refuses an unsuppressed count: 0, or a multiple of 5 from 10.
        sa.CheckConstraint(
            "numerator IS NULL OR (numerator % 5 = 0 AND numerator <> 5)",
            name="numerator_is_rounded",
        ),
        sa.CheckConstraint(
            "denominator IS NULL OR (denominator % 5 = 0 AND denominator <> 5)",
            name="denominator_is_rounded",
        ),
    )

    def __repr__(self) -> str:
        return (
            f"<IndicatorValue {self.indicator_id} {self.period_type} {self.period_start} "
            f"{self.area} {self.breakdown}={self.breakdown_value}>"
        )
