"""Who may record and read outcome measures (DESIGN §3 rule 6, §6).

Who may record: the clinicians involved in the person's care, and VCSE workers in the
episode's care team (wellbeing connectors often complete DIALOG with the person). Who may
read: whoever `plan_access(...).outcomes` allows, which for VCSE staff means an active
consent sharing outcome measures with their organisation, even inside the care team (only
the sections consent covers). `outcome_scope` is the same rule as a WHERE condition.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubs.careplans.access import CLINICAL, is_clinically_involved
from hubs.core.access import AccessRole
from hubs.core.types import today
from hubs.outcomes.models import OutcomeMeasure
from hubs.people.access import live_break_glass, person_scope, team_ids_of
from hubs.people.models import Consent, ConsentSection, ConsentWithdrawal, Person, PortalAccount
from hubs.referrals.models import CareTeamMember, Episode
from hubs.staff.models import User


def in_care_team(session: Session, user: User, episode_id: int) -> bool:
    found = session.scalar(
        sa.select(CareTeamMember.id).where(
            CareTeamMember.episode_id == episode_id,
            CareTeamMember.user_id == user.id,
            CareTeamMember.left_on.is_(None),
        )
    )
    return found is not None


def can_record(session: Session, actor: User, episode: Episode) -> bool:
    """Clinicians involved in the person's care, or a VCSE worker in this episode's team."""
    if actor.access_role == AccessRole.VCSE_WORKER:
        return in_care_team(session, actor, episode.id)
    return is_clinically_involved(session, actor, episode.person_id)


def _shares_outcomes(organisation_id: int | None) -> ColumnElement[bool]:
    day = today()
    return sa.exists(
        sa.select(Consent.id).where(
            Consent.person_id == OutcomeMeasure.person_id,
            Consent.organisation_id == organisation_id,
            Consent.starts_on <= day,
            sa.or_(Consent.ends_on.is_(None), Consent.ends_on >= day),
            ~sa.exists(
                sa.select(ConsentWithdrawal.id).where(ConsentWithdrawal.consent_id == Consent.id)
            ),
            # Sections are a JSON list of fixed names; quoted, no name matches inside another.
            sa.cast(Consent.sections, sa.Text).like(f'%"{ConsentSection.OUTCOME_MEASURES}"%'),
        )
    )


def outcome_scope(user: User) -> ColumnElement[bool]:
    """The measures a user may read, as a WHERE condition: the rule of `plan_access(...)
    .outcomes` on a visible person, so a list never shows what a single read refuses."""
    role = user.access_role
    if role == AccessRole.PERSON:
        own = sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        return OutcomeMeasure.person_id.in_(own)
    if role not in CLINICAL | {AccessRole.VCSE_WORKER}:
        return sa.false()
    visible = OutcomeMeasure.person_id.in_(sa.select(Person.id).where(person_scope(user)))
    shared = _shares_outcomes(user.organisation_id)
    if role == AccessRole.VCSE_WORKER:
        return sa.and_(visible, shared)
    care_team = sa.select(CareTeamMember.episode_id).where(
        CareTeamMember.user_id == user.id, CareTeamMember.left_on.is_(None)
    )
    involved = sa.select(Episode.person_id).where(
        sa.or_(Episode.team_id.in_(team_ids_of(user)), Episode.id.in_(care_team))
    )
    glass = live_break_glass(user)
    return sa.and_(
        visible,
        sa.or_(OutcomeMeasure.person_id.in_(involved), OutcomeMeasure.person_id.in_(glass), shared),
    )
