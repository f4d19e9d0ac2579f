"""Read side of pathways: the manager's board, a transition's figures, the person's view.

Lists load their related rows in a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from hubs.pathways import rules
from hubs.pathways.access import managed_scope, transition_scope
from hubs.pathways.models import Transition
from hubs.pathways.rules import lead_worker_gap_days
from hubs.pathways.states import BOARD_ORDER, TransitionState
from hubs.referrals.models import Episode
from hubs.staff.models import User

# Completed transitions stay on the board this long, so a manager sees recent handovers.
COMPLETED_SHOWN_DAYS = 90


def days_without_lead_worker(transition: Transition, on: dt.date) -> int:
    """Days the person had no open episode with a lead worker during this transition."""
    accepted_at = transition.accepted_at
    return lead_worker_gap_days(
        transition.sending_episode.finished_on, accepted_at.date() if accepted_at else None, on
    )


@dataclass(frozen=True)
class BoardRow:
    transition: Transition
    days_to_planned: int
    days_without_lead_worker: int

    @property
    def is_escalated(self) -> bool:
        return self.transition.state == TransitionState.ESCALATED

    @property
    def is_overdue(self) -> bool:
        return self.days_to_planned < 0 and not self.transition.state.is_accepted


@dataclass
class Board:
    by_state: dict[TransitionState, list[BoardRow]] = field(default_factory=dict)

    @property
    def escalated(self) -> list[BoardRow]:
        return self.by_state.get(TransitionState.ESCALATED, [])

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.by_state.values())

    @property
    def days_without_lead_worker(self) -> int:
        return sum(r.days_without_lead_worker for rows in self.by_state.values() for r in rows)


LOAD = (
    selectinload(Transition.person),
    selectinload(Transition.sending_episode).selectinload(Episode.team),
    selectinload(Transition.sending_episode).selectinload(Episode.lead_worker),
    selectinload(Transition.receiving_team),
    selectinload(Transition.receiving_service),
    selectinload(Transition.receiving_lead_worker),
    selectinload(Transition.checklist),
)


def board(session: Session, manager: User, on: dt.date) -> Board:
    """Transitions sending from or into the manager's hubs, by state (escalated first),
    soonest planned date first; completed ones for 90 days."""
    recent = dt.datetime.combine(
        on - dt.timedelta(days=COMPLETED_SHOWN_DAYS), dt.time(), tzinfo=dt.UTC
    )
    found = session.scalars(
        sa.select(Transition)
        .where(
            managed_scope(manager),
            transition_scope(manager),
            sa.or_(
                Transition.state != TransitionState.COMPLETED,
                Transition.completed_at >= recent,
            ),
        )
        .options(*LOAD)
        .order_by(Transition.planned_on, Transition.id)
    ).all()
    result = Board()
    for state in BOARD_ORDER:
        rows = [_row(t, on) for t in found if t.state == state]
        if rows:
            result.by_state[state] = rows
    return result


def _row(transition: Transition, on: dt.date) -> BoardRow:
    return BoardRow(
        transition,
        rules.days_to(transition.planned_on, on),
        days_without_lead_worker(transition, on),
    )


def row_for(transition: Transition, on: dt.date) -> BoardRow:
    return _row(transition, on)


def transitions_of_episode(session: Session, user: User, episode_id: int) -> list[Transition]:
    """Transitions from or into an episode that the user may see, newest first."""
    return list(
        session.scalars(
            sa.select(Transition)
            .where(
                sa.or_(
                    Transition.sending_episode_id == episode_id,
                    Transition.receiving_episode_id == episode_id,
                ),
                transition_scope(user),
            )
            .options(*LOAD)
            .order_by(Transition.id.desc())
        )
    )


def transitions_of_person(session: Session, person_id: int) -> list[Transition]:
    """A person's own transitions, newest first (the portal; caller checks it is theirs)."""
    return list(
        session.scalars(
            sa.select(Transition)
            .where(Transition.person_id == person_id)
            .options(*LOAD, selectinload(Transition.sending_worker))
            .order_by(Transition.id.desc())
        )
    )
