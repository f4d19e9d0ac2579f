"""What people tell their hub about it: the NHS Friends and Family Test, in the portal."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hubs.core.db import Base
from hubs.core.types import enum_column, utcnow


class FftAnswer(enum.StrEnum):
    """The six standard answers to the Friends and Family Test question."""

    VERY_GOOD = "very_good"
    GOOD = "good"
    NEITHER = "neither_good_nor_poor"
    POOR = "poor"
    VERY_POOR = "very_poor"
    DONT_KNOW = "dont_know"

    @property
    def label(self) -> str:
        return FFT_LABELS[self]

    @property
    def code(self) -> int:
        """The national response code: 1 very good … 5 very poor, 6 don't know."""
        return list(FftAnswer).index(self) + 1


FFT_LABELS = {
    FftAnswer.VERY_GOOD: "Very good",
    FftAnswer.GOOD: "Good",
    FftAnswer.NEITHER: "Neither good nor poor",
    FftAnswer.POOR: "Poor",
    FftAnswer.VERY_POOR: "Very poor",
    FftAnswer.DONT_KNOW: "Don't know",
}


class FeedbackResponse(Base):
    """One answer to "How was your experience of the hub?", with an optional I statement.

    The I statement is the person's own words: it stays here, for the hub's staff to read
    and learn from; the activity store only counts that one was given."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    # The hub the person was with when they answered (their latest episode or referral).
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    answer: Mapped[FftAnswer] = mapped_column(enum_column(FftAnswer, "fft_answer", 30))
    i_statement: Mapped[str] = mapped_column(sa.Text, default="")
    given_on: Mapped[dt.date]
    given_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
