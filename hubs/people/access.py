"""Why an actor may see a person's record (DESIGN §6), as a SQL condition.

Single reads and lists use the same `person_scope` condition, so a list can never show
someone a single read would refuse. Later features (referrals, care teams) add their
relationships here. Break-glass is a reason of this feature's own: a clinician's live,
time-limited emergency access to one person (DESIGN §3 rule 6).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hubs.core.access import AccessRole
from hubs.core.errors import NotFound
from hubs.core.types import today, utcnow
from hubs.directory.queries import patch_teams_of, practices_in_patch_of
from hubs.people.models import BreakGlassAccess, Consent, ConsentWithdrawal, Person, PortalAccount
from hubs.staff.models import TeamMembership, User

HUB_ROLES = {AccessRole.CLINICIAN, AccessRole.HUB_ADMIN, AccessRole.MANAGER}
# Who may use break-glass, and whom it lets in.
BREAK_GLASS_ROLES = {AccessRole.CLINICIAN, AccessRole.MANAGER}


def team_ids_of(user: User) -> sa.Select[tuple[int]]:
    return sa.select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)


def _registered_in_my_teams(user: User) -> ColumnElement[bool]:
    return Person.gp_practice_id.in_(practices_in_patch_of(team_ids_of(user)))


def active_consent_condition(organisation_id: int | None) -> ColumnElement[bool]:
    day = today()
    return sa.exists(
        sa.select(Consent.id).where(
            Consent.person_id == Person.id,
            Consent.organisation_id == organisation_id,
            Consent.starts_on <= day,
            sa.or_(Consent.ends_on.is_(None), Consent.ends_on >= day),
            ~sa.exists(
                sa.select(ConsentWithdrawal.id).where(ConsentWithdrawal.consent_id == Consent.id)
            ),
        )
    )


Relationship = Callable[[User], "ColumnElement[bool] | None"]
_RELATIONSHIPS: list[Relationship] = []


def register_person_relationship(rule: Relationship) -> Relationship:
    """Let a higher feature add a reason to see a person (a referral to my hub, a care team
    I am in) without this module importing it. The rule returns None when it gives the
    user's role no reason. Features register their rules in their `wiring.init_app`;
    registering a rule again (another app built in the same process) changes nothing."""
    if rule not in _RELATIONSHIPS:
        _RELATIONSHIPS.append(rule)
    return rule


def _own_reasons(user: User) -> ColumnElement[bool]:
    role = user.access_role
    if role in HUB_ROLES:
        return _registered_in_my_teams(user)
    if role == AccessRole.VCSE_WORKER:
        return active_consent_condition(user.organisation_id)
    if role == AccessRole.PERSON:
        own = sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        return Person.id.in_(own)
    return sa.false()


def person_scope(user: User) -> ColumnElement[bool]:
    """The people this user may see, as a WHERE condition on `Person`.

    Several reasons are joined as one set of ids (a UNION, each part using its own index),
    not OR-ed: an OR of subqueries makes the database test every person in the city, which
    made the people list grow with the population rather than with the page."""
    reasons = [_own_reasons(user)]
    reasons += [c for c in (rule(user) for rule in _RELATIONSHIPS) if c is not None]
    if len(reasons) == 1:
        return reasons[0]
    # correlate(None): each part reads `people` on its own, not the row of the outer query.
    ids = sa.union(*(sa.select(Person.id).where(r).correlate(None) for r in reasons))
    return Person.id.in_(ids)


def get_person_for(session: Session, user: User, person_id: int) -> Person:
    """Load one person if the user may see them; otherwise NotFound (never reveal existence)."""
    person = session.scalar(sa.select(Person).where(Person.id == person_id, person_scope(user)))
    if person is None:
        raise NotFound("Page not found")
    return person


# --- Break-glass ------------------------------------------------------------------------


def live_break_glass(user: User) -> sa.Select[tuple[int]]:
    """The people this user holds live break-glass access to."""
    return sa.select(BreakGlassAccess.person_id).where(
        BreakGlassAccess.user_id == user.id, BreakGlassAccess.expires_at > utcnow()
    )


def has_break_glass(session: Session, user: User, person_id: int) -> bool:
    found = session.scalar(
        sa.select(BreakGlassAccess.id)
        .where(
            BreakGlassAccess.user_id == user.id,
            BreakGlassAccess.person_id == person_id,
            BreakGlassAccess.expires_at > utcnow(),
        )
        .limit(1)
    )
    return found is not None


def person_via_break_glass(user: User) -> ColumnElement[bool] | None:
    """People I hold live break-glass access to (a reason to see them, registered by
    `hubs.people.wiring` like the other features' reasons)."""
    if user.access_role not in BREAK_GLASS_ROLES:
        return None
    return Person.id.in_(live_break_glass(user))


# --- The hubs answering for a person ---------------------------------------------------


PersonTeams = Callable[[int], "sa.Select[tuple[int]]"]
_PERSON_TEAMS: list[PersonTeams] = []


def register_person_hubs(rule: PersonTeams) -> PersonTeams:
    """Let a higher feature name more hubs answering for a person (the hubs of their
    episodes of care) without this module importing it; registered in its
    `wiring.init_app`, once however many apps are built."""
    if rule not in _PERSON_TEAMS:
        _PERSON_TEAMS.append(rule)
    return rule


def teams_answering_for(person: Person) -> list[sa.Select[tuple[int]]]:
    """The hubs whose managers answer for a person (they review emergency access to the
    record): those of the person's GP practice's area, and those registered features name."""
    registered = patch_teams_of(person.gp_practice_id)
    return [registered, *(rule(person.id) for rule in _PERSON_TEAMS)]
