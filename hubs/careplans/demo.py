"""Demo care plans: agreed plans for the demo people with accepted referrals.

Made through the real services, so versions, audit rows and clock events are as in use.
A person's plan is only added once, so loading twice adds none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans import services
from hubs.careplans.models import ActionCategory, AgreementMethod, CarePlan
from hubs.core.types import today
from hubs.referrals.models import Episode, NeedDomain
from hubs.staff.models import User

EpisodeDemo = Callable[[Session, User, Episode], None]

CONTENT = services.CarePlanContent(
    about_me="I live on my own with my cat. I used to work in a bakery and miss it.",
    what_matters="Keeping my flat, getting back to work, and seeing my sister more often.",
    formulation="Money worries and losing work have left you low and isolated; when you are "
    "alone at night the voices get louder. Routine and people around you help.",
    if_things_get_worse="Call Connect (6pm to 2am) or NHS 111 option 2. Your safety plan has "
    "the people and places that help.",
    carers_involvement="My sister Jo (fictional) would like to come to reviews.",
    staff_notes="Demo staff-only note: not shown to the person.",
    goals=[
        services.GoalInput(
            "Sort out my rent arrears", NeedDomain.MONEY_DEBT, who_helps="Connector"
        ),
        services.GoalInput(
            "Find some paid work, a few hours a week",
            NeedDomain.JOB_SITUATION,
            who_helps="IPS employment specialist",
        ),
    ],
    actions=[
        services.ActionInput(
            ActionCategory.SOCIAL, "Benefits and debt advice appointment", "Connector"
        ),
        services.ActionInput(
            ActionCategory.EMPLOYMENT_IPS, "Referral to IPS employment support", "Lead worker"
        ),
        services.ActionInput(
            ActionCategory.PHYSICAL_HEALTH, "Annual physical health check", "GP practice"
        ),
    ],
)


def _clinician_for(session: Session, episode: Episode) -> User:
    """The lead worker if they are a clinician, else a clinician of the episode's hub
    (a connector can lead an episode but the care plan is written by the clinical team)."""
    from hubs.careplans.access import CLINICAL
    from hubs.staff.models import TeamMembership

    lead = session.get(User, episode.lead_worker_id)
    if lead is not None and lead.access_role in CLINICAL:
        return lead
    return session.execute(
        sa.select(User)
        .join(TeamMembership)
        .where(TeamMembership.team_id == episode.team_id, User.role == "mental_health_nurse")
        .order_by(User.id)
        .limit(1)
    ).scalar_one()


def load_demo_care_plans(session: Session, also: Sequence[EpisodeDemo] = ()) -> int:
    """An agreed care plan for each accepted demo episode that has none; returns how many.
    `also` adds other features' demo records for the same episode, by the same clinician,
    right after its plan (the demo's order, so its ids and audit trail, stay as they were)."""
    created = 0
    for episode in session.scalars(sa.select(Episode).order_by(Episode.id)):
        if session.scalar(sa.select(CarePlan.id).where(CarePlan.episode_id == episode.id)):
            continue
        lead = _clinician_for(session, episode)
        services.record_assessment(session, lead, episode, today())
        draft = services.open_draft(session, lead, episode)
        services.save_draft(session, lead, draft, revision=draft.revision, content=CONTENT)
        plan = services.agree(
            session,
            lead,
            draft,
            revision=draft.revision,
            method=AgreementMethod.IN_PERSON,
            note="Agreed at the first meeting",
        )
        services.start_action(session, lead, plan, plan.actions[0].id, today())
        for add in also:
            add(session, lead, episode)
        created += 1
    return created
