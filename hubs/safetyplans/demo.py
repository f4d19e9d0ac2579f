"""Demo safety plans: an agreed plan for the people with demo care plans.

Made through the real services, so versions and audit rows are as in use. A person's plan
is only added once, so loading twice adds none.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.careplans.models import AgreementMethod
from hubs.directory.models import Service
from hubs.referrals.models import Episode
from hubs.safetyplans import services
from hubs.safetyplans.models import SafetyPlan
from hubs.staff.models import User

SAFETY = dict(
    warning_signs="Not sleeping, staying in bed, the voices getting louder at night.",
    coping_alone="A hot bath, my playlist, walking round the park with headphones on.",
    distractions="My sister's house; the library; the walking group on Tuesdays.",
    people_to_ask="Jo (sister, fictional); my neighbour Sam (fictional).",
    professionals_note="My lead worker in office hours; Connect in the evening.",
    environment_safety="Jo keeps my spare tablets; I take only a week's supply at a time.",
    reasons_for_living="My cat, my sister, and getting back to baking.",
)
CRISIS_SERVICES = ("CONNECT", "DIALHOUSE", "NHS111", "SAMARITANS")


def safety_plan(session: Session, lead: User, episode: Episode) -> None:
    """An agreed safety plan for the episode's person, unless they have one already."""
    if session.scalar(sa.select(SafetyPlan.id).where(SafetyPlan.person_id == episode.person_id)):
        return
    services_ = session.scalars(
        sa.select(Service.id).where(Service.code.in_(CRISIS_SERVICES))
    ).all()
    draft = services.open_safety_draft(session, lead, episode.person)
    services.save_safety_draft(
        session,
        lead,
        draft,
        revision=draft.revision,
        content=services.SafetyPlanContent(**SAFETY, service_ids=list(services_)),
    )
    services.agree_safety_plan(
        session, lead, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )
