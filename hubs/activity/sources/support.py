"""Support and trackers: physical health check elements, employment status asked, IPS
referrals and their outcome, what came of signposting to a community offer; and the
person's own voice (Friends and Family Test answers and I statements).

Tracker and signposting events belong to the person rather than to one referral, so they
are attributed to the hub of the person's registered GP practice (practice → LCP → hub,
DESIGN §2), the population the SMI register is counted against; NULL when not registered.
Feedback carries the hub the person was with when they answered.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.activity.rows import Fact, days_between
from hubs.activity.sources.registry import Scope, source
from hubs.directory.queries import patch_team_of
from hubs.people.models import Person
from hubs.portal.models import FeedbackResponse, FftAnswer
from hubs.reporting.models import ActivityType
from hubs.support.models import Signposting
from hubs.trackers.models import EmploymentCheck, HealthCheckRecord, IpsOutcome, IpsReferral


def with_registered_team(query: sa.Select, person_id: sa.ColumnElement[int]) -> sa.Select:  # type: ignore[type-arg]
    """Add the person's registered hub as the last column (outer joins: may be NULL)."""
    return query.add_columns(patch_team_of(Person.gp_practice_id)).join(
        Person, Person.id == person_id
    )


@source(ActivityType.HEALTH_CHECK_ELEMENT)
def health_check_element(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the element (bmi, blood_pressure, glucose, cholesterol, smoking, alcohol)."""
    query = sa.select(
        HealthCheckRecord.id,
        HealthCheckRecord.person_id,
        HealthCheckRecord.done_on,
        HealthCheckRecord.element,
    ).where(people(HealthCheckRecord.person_id))
    for record_id, person_id, done_on, element, team_id in session.execute(
        with_registered_team(query, HealthCheckRecord.person_id)
    ):
        yield Fact(
            ActivityType.HEALTH_CHECK_ELEMENT,
            f"health-check-element:{record_id}",
            person_id,
            team_id,
            done_on,
            detail=str(element),
        )


@source(ActivityType.EMPLOYMENT_STATUS_ASKED)
def employment_status_asked(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the answer (employed, seeking_work, …, declined_to_say: still asked)."""
    query = sa.select(
        EmploymentCheck.id,
        EmploymentCheck.person_id,
        EmploymentCheck.asked_on,
        EmploymentCheck.status,
    ).where(people(EmploymentCheck.person_id))
    for check_id, person_id, asked_on, status, team_id in session.execute(
        with_registered_team(query, EmploymentCheck.person_id)
    ):
        yield Fact(
            ActivityType.EMPLOYMENT_STATUS_ASKED,
            f"employment-status-asked:{check_id}",
            person_id,
            team_id,
            asked_on,
            detail=str(status),
        )


def _ips_rows(session: Session, people: Scope) -> sa.Result:  # type: ignore[type-arg]
    query = sa.select(
        IpsReferral.id,
        IpsReferral.person_id,
        IpsReferral.referred_on,
        IpsReferral.outcome,
        IpsReferral.outcome_on,
    ).where(people(IpsReferral.person_id))
    return session.execute(with_registered_team(query, IpsReferral.person_id))


@source(ActivityType.IPS_REFERRAL)
def ips_referral(session: Session, people: Scope) -> Iterator[Fact]:
    """A referral to Individual Placement and Support; its case links the outcome."""
    for ips_id, person_id, referred_on, _outcome, _on, team_id in _ips_rows(session, people):
        yield Fact(
            ActivityType.IPS_REFERRAL,
            f"ips-referral:{ips_id}",
            person_id,
            team_id,
            referred_on,
            case=f"ips-referral:{ips_id}",
        )


@source(ActivityType.IPS_OUTCOME)
def ips_outcome(session: Session, people: Scope) -> Iterator[Fact]:
    """The latest outcome of an IPS referral (the record keeps one): detail = accepted,
    not_accepted, declined, into_work or kept_work; value = days since the referral."""
    for ips_id, person_id, referred_on, outcome, outcome_on, team_id in _ips_rows(session, people):
        if outcome == IpsOutcome.AWAITING or outcome_on is None:
            continue
        yield Fact(
            ActivityType.IPS_OUTCOME,
            f"ips-outcome:{ips_id}",
            person_id,
            team_id,
            outcome_on,
            started_on=referred_on,
            case=f"ips-referral:{ips_id}",
            detail=str(outcome),
            value=days_between(referred_on, outcome_on),
        )


@source(ActivityType.SIGNPOSTING_OUTCOME)
def signposting_outcome(session: Session, people: Scope) -> Iterator[Fact]:
    """The latest follow-up of a signposting: detail = attended, declined or not_yet;
    started_on = the day the person was signposted."""
    query = sa.select(
        Signposting.id,
        Signposting.person_id,
        Signposting.signposted_on,
        Signposting.outcome,
        Signposting.outcome_on,
    ).where(people(Signposting.person_id), Signposting.outcome_on.is_not(None))
    for record_id, person_id, signposted_on, outcome, outcome_on, team_id in session.execute(
        with_registered_team(query, Signposting.person_id)
    ):
        yield Fact(
            ActivityType.SIGNPOSTING_OUTCOME,
            f"signposting-outcome:{record_id}",
            person_id,
            team_id,
            outcome_on,
            started_on=signposted_on,
            case=f"signposting:{record_id}",
            detail=str(outcome),
            value=days_between(signposted_on, outcome_on),
        )


def _feedback(session: Session, people: Scope) -> sa.Result:  # type: ignore[type-arg]
    return session.execute(
        sa.select(
            FeedbackResponse.id,
            FeedbackResponse.person_id,
            FeedbackResponse.team_id,
            FeedbackResponse.given_on,
            FeedbackResponse.answer,
            # Whether words were written, never the words (the service stores them trimmed).
            FeedbackResponse.i_statement != "",
        ).where(people(FeedbackResponse.person_id))
    )


@source(ActivityType.FRIENDS_AND_FAMILY)
def friends_and_family(session: Session, people: Scope) -> Iterator[Fact]:
    """detail = the answer; value = its national code (1 very good … 5 very poor, 6 don't
    know); the hub the person was with when they answered."""
    for response_id, person_id, team_id, given_on, answer, _wrote in _feedback(session, people):
        yield Fact(
            ActivityType.FRIENDS_AND_FAMILY,
            f"friends-and-family:{response_id}",
            person_id,
            team_id,
            given_on,
            detail=str(answer),
            value=float(FftAnswer(answer).code),
        )


@source(ActivityType.I_STATEMENT)
def i_statement(session: Session, people: Scope) -> Iterator[Fact]:
    """That the person wrote an I statement with their answer (detail = the answer); the
    words stay in the operational table."""
    for response_id, person_id, team_id, given_on, answer, wrote in _feedback(session, people):
        if wrote:
            yield Fact(
                ActivityType.I_STATEMENT,
                f"i-statement:{response_id}",
                person_id,
                team_id,
                given_on,
                detail=str(answer),
            )
