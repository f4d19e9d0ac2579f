"""Outcome measures: a completed DIALOG or ReQoL-10 with its answers and scores."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow
from hubs.referrals.models import Episode


class MeasureKind(enum.StrEnum):
    DIALOG = "dialog"
    REQOL10 = "reqol10"

    @property
    def label(self) -> str:
        return "DIALOG" if self == MeasureKind.DIALOG else "ReQoL-10"


class OutcomeMeasure(Base):
    """A completed outcome measure; the first in an episode is its baseline."""

    __tablename__ = "outcome_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind, "measure_kind", 10))
    recorded_on: Mapped[dt.date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    more_help: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # DIALOG: mean of the 8 life domains; ReQoL-10: total 0-40.
    score: Mapped[float]
    # DIALOG: mean of the 3 treatment items; ReQoL-10: the physical health item.
    secondary_score: Mapped[float | None]
    is_baseline: Mapped[bool] = mapped_column(default=False)

    episode: Mapped[Episode] = relationship()
