"""A manager's bulk move of people between workers, kept with its reason."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubs.core.db import Base
from hubs.core.types import utcnow
from hubs.staff.models import User


class CaseloadTransfer(Base):
    """People moved from one worker to another in one go, by a manager, for one reason."""

    __tablename__ = "caseload_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    from_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])
    episodes: Mapped[list[CaseloadTransferEpisode]] = relationship(
        order_by="CaseloadTransferEpisode.id"
    )


class CaseloadTransferEpisode(Base):
    __tablename__ = "caseload_transfer_episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("caseload_transfers.id"), index=True)
    episode_id: Mapped[int] = mapped_column(sa.ForeignKey("episodes.id"), index=True)
    # Whether the worker moved was the lead worker, or a care-team member alongside them.
    was_lead: Mapped[bool]

    __table_args__ = (sa.UniqueConstraint("transfer_id", "episode_id"),)
