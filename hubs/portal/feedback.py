"""The person's feedback on their hub: the NHS Friends and Family Test, and an I statement.

The answer feeds the activity store (people's voice indicators, DESIGN §5); the I statement
is the person's own words, kept here for the hub's staff, never copied into reporting.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Team
from hubs.directory.queries import patch_teams_of
from hubs.people.models import Person, PortalAccount
from hubs.portal.models import FeedbackResponse, FftAnswer
from hubs.referrals.models import Episode, Referral
from hubs.referrals.states import ReferralStatus
from hubs.staff.models import User

I_STATEMENT_MAX = 2000

#: The person answered the Friends and Family Test. Sender: the response; kwargs: actor.
feedback_given = hub_signals.signal("feedback-given")


def team_of(session: Session, person_id: int) -> int | None:
    """The hub the person is with: their latest episode's, else their latest referral's,
    else their registered GP practice's."""
    episode_team = sa.select(Episode.team_id).where(Episode.person_id == person_id)
    referral_team = sa.select(Referral.team_id).where(
        Referral.person_id == person_id, Referral.status != ReferralStatus.ENTERED_IN_ERROR
    )
    registered_team = patch_teams_of(
        sa.select(Person.gp_practice_id).where(Person.id == person_id).scalar_subquery()
    ).order_by(Team.id)
    return (
        session.scalar(episode_team.order_by(Episode.opened_at.desc(), Episode.id.desc()).limit(1))
        or session.scalar(
            referral_team.order_by(Referral.received_on.desc(), Referral.id.desc()).limit(1)
        )
        or session.scalar(registered_team)
    )


def give_feedback(
    session: Session, actor: User, person_id: int, *, answer: FftAnswer | None, i_statement: str
) -> FeedbackResponse:
    """The person tells their hub how their experience was, in their own words if they wish."""
    if actor.access_role != AccessRole.PERSON:
        raise PermissionDenied("Only the person can give their own feedback")
    own = session.scalar(
        sa.select(PortalAccount.person_id).where(PortalAccount.user_id == actor.id)
    )
    if own is None or own != person_id:
        raise NotFound("Page not found")
    if answer is None:
        raise ValidationError("Choose how your experience of the hub was", field="answer")
    words = (i_statement or "").strip()
    if len(words) > I_STATEMENT_MAX:
        raise ValidationError(
            f"Keep what you write under {I_STATEMENT_MAX:,} characters", field="i_statement"
        )
    response = FeedbackResponse(
        person_id=person_id,
        team_id=team_of(session, person_id),
        answer=answer,
        i_statement=words,
        given_on=today(),
        given_by_id=actor.id,
    )
    session.add(response)
    session.flush()
    audit.record(
        "feedback.create",
        actor=actor,
        record_type="feedback",
        record_id=response.id,
        person_id=person_id,
    )
    feedback_given.send(response, actor=actor)
    return response


@dataclass(frozen=True)
class HubFeedback:
    """What people said about one hub: how many gave each answer, and the newest responses."""

    counts: dict[FftAnswer, int]
    recent: list[FeedbackResponse]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def hub_feedback(session: Session, team_id: int, limit: int = 100) -> HubFeedback:
    """The hub's Friends and Family answers and I statements, newest first, for its staff."""
    counts = dict(
        session.execute(
            sa.select(FeedbackResponse.answer, sa.func.count(FeedbackResponse.id))
            .where(FeedbackResponse.team_id == team_id)
            .group_by(FeedbackResponse.answer)
        )
        .tuples()
        .all()
    )
    recent = session.scalars(
        sa.select(FeedbackResponse)
        .where(FeedbackResponse.team_id == team_id)
        .order_by(FeedbackResponse.given_on.desc(), FeedbackResponse.id.desc())
        .limit(limit)
    )
    return HubFeedback({a: counts.get(a, 0) for a in FftAnswer}, list(recent))
