"""The verbs of the people feature: register people, carers and consent, audited reads, and
break-glass (emergency access to a record, reviewed by the person's hub managers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from nhs_number import is_valid as nhs_number_is_valid
from sqlalchemy.orm import Session, joinedload

from hubs.core import audit
from hubs.core.alerts import alert_staff
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today, utcnow
from hubs.directory.models import GpPractice, Organisation
from hubs.people.access import (
    BREAK_GLASS_ROLES,
    get_person_for,
    person_scope,
    teams_answering_for,
)
from hubs.people.models import (
    ETHNIC_CATEGORIES,
    BreakGlassAccess,
    Consent,
    ConsentSection,
    ConsentWithdrawal,
    ContactPreference,
    Person,
    PersonContact,
    PortalAccount,
    Sex,
)
from hubs.staff.models import AccountKind, MembershipKind, TeamMembership, User
from hubs.staff.services import create_user

#: A person's identifiable record was read. Sender: the actor; kwargs: person_id, what.
person_record_read = hub_signals.signal("person-record-read")
#: A person's demographics or opt-out changed (the activity store refreshes their rows).
#: Sender: the Person. No service sends it yet: the first one that changes these will.
person_details_changed = hub_signals.signal("person-details-changed")


def clean_nhs_number(value: str | None) -> str | None:
    """Digits only, checked with the Modulus 11 check digit; None when not given."""
    if value is None or not value.strip():
        return None
    digits = "".join(ch for ch in value if not ch.isspace())
    if len(digits) != 10 or not digits.isdigit() or not nhs_number_is_valid(digits):
        raise ValidationError("Enter a valid 10-digit NHS number", field="nhs_number")
    return digits


def register_person(session: Session, actor: User | None, **values: Any) -> Person:
    """Add a person to the system, checking their NHS number and demographics."""
    values["nhs_number"] = clean_nhs_number(values.get("nhs_number"))
    if values["nhs_number"] and session.scalar(
        sa.select(Person.id).where(Person.nhs_number == values["nhs_number"])
    ):
        raise ValidationError(
            "A person with this NHS number is already registered", field="nhs_number"
        )
    if values.get("date_of_birth") and values["date_of_birth"] > today():
        raise ValidationError("Date of birth must be in the past", field="date_of_birth")
    try:
        values["sex"] = Sex(values.get("sex"))
    except ValueError:
        raise ValidationError("Choose the person's sex from the list", field="sex") from None
    if values.get("ethnic_category", "99") not in ETHNIC_CATEGORIES:
        raise ValidationError("Choose an ethnic category from the list", field="ethnic_category")
    practice_id = values.get("gp_practice_id")
    if practice_id is not None and session.get(GpPractice, practice_id) is None:
        # An unknown id would otherwise fail at the foreign key, as a 500.
        raise ValidationError("Choose a GP practice from the list", field="gp_practice_id")
    person = Person(**values)
    session.add(person)
    session.flush()
    audit.record(
        "person.create", actor=actor, record_type="person", record_id=person.id, person_id=person.id
    )
    return person


def add_contact(
    session: Session, actor: User | None, person: Person, **values: Any
) -> PersonContact:
    """Record a carer or family contact the person wants involved."""
    contact = PersonContact(person_id=person.id, **values)
    session.add(contact)
    session.flush()
    audit.record(
        "person.add_contact",
        actor=actor,
        record_type="person_contact",
        record_id=contact.id,
        person_id=person.id,
    )
    return contact


def grant_consent(
    session: Session,
    actor: User | None,
    person: Person,
    *,
    organisation_id: int,
    sections: Iterable[ConsentSection],
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Consent:
    """The person agrees to share these sections of their record with an organisation."""
    try:
        chosen = sorted({ConsentSection(s).value for s in sections})
    except ValueError:
        raise ValidationError("Choose sections from the list", field="sections") from None
    if not chosen:
        raise ValidationError("Choose at least one section to share", field="sections")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError("The end date must be on or after the start date", field="ends_on")
    if session.get(Organisation, organisation_id) is None:
        raise ValidationError("Choose an organisation from the directory", field="organisation_id")
    consent = Consent(
        person_id=person.id,
        organisation_id=organisation_id,
        sections=chosen,
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by_id=actor.id if actor else None,
    )
    session.add(consent)
    session.flush()
    audit.record(
        "consent.grant",
        actor=actor,
        record_type="consent",
        record_id=consent.id,
        person_id=person.id,
    )
    return consent


def withdraw_consent(
    session: Session, actor: User | None, consent_id: int, reason: str = ""
) -> ConsentWithdrawal:
    """The person withdraws a consent; sharing under it stops now."""
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("No such consent")
    if consent.withdrawal is not None:
        raise ValidationError("This consent has already been withdrawn", field="consent_id")
    withdrawal = ConsentWithdrawal(
        consent_id=consent.id,
        reason=reason,
        recorded_by_id=actor.id if actor else None,
        withdrawn_at=utcnow(),
    )
    session.add(withdrawal)
    session.flush()
    session.refresh(consent)
    audit.record(
        "consent.withdraw",
        actor=actor,
        record_type="consent",
        record_id=consent.id,
        person_id=consent.person_id,
    )
    return withdrawal


def shared_sections(
    session: Session, person_id: int, organisation_id: int | None, on: dt.date | None = None
) -> set[str]:
    """Which sections active consents share with an organisation today."""
    day = on or today()
    consents = session.scalars(
        sa.select(Consent).where(
            Consent.person_id == person_id, Consent.organisation_id == organisation_id
        )
    )
    return {s for c in consents if c.is_active_on(day) for s in c.sections}


def create_portal_account(
    session: Session, person: Person, *, email: str, password: str, is_demo: bool = False
) -> PortalAccount:
    """Give a person a sign-in to see their own plan."""
    user = create_user(
        session,
        email=email,
        display_name=person.full_name,
        password=password,
        kind=AccountKind.PERSON,
        is_demo=is_demo,
    )
    account = PortalAccount(person_id=person.id, user_id=user.id)
    session.add(account)
    session.flush()
    return account


# --- Reads (audited) --------------------------------------------------------------------


def view_person(session: Session, actor: User, person_id: int) -> Person:
    """Read one person's record, if the actor may, writing the audit row for the read."""
    person = get_person_for(session, actor, person_id)
    audit.record(
        "person.view", actor=actor, record_type="person", record_id=person.id, person_id=person.id
    )
    person_record_read.send(actor, person_id=person.id, what="person")
    return person


@dataclass(frozen=True)
class Page:
    items: list[Person]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_people(
    session: Session, actor: User, *, search: str = "", page: int = 1, per_page: int = 25
) -> Page:
    """People the actor may see, filtered in the query by the same rule as single reads."""
    query = sa.select(Person).where(person_scope(actor))
    term = search.strip()
    if term:
        digits = term.replace(" ", "")
        full_name = sa.func.lower(Person.given_name + " " + Person.family_name)
        query = query.where(
            # autoescape: a % or _ typed in the search box matches itself, not anything.
            sa.or_(full_name.contains(term.lower(), autoescape=True), Person.nhs_number == digits)
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(
            # The list shows each person's practice: read with them, not one query per practice.
            query.options(joinedload(Person.gp_practice))
            .order_by(Person.family_name, Person.given_name, Person.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    # One row per page of results: what was listed is attributable without a row per person.
    audit.record("person.list", actor=actor, record_type="person_list", record_id=f"page-{page}")
    return Page(items=items, total=total, page=page, per_page=per_page)


def access_history(session: Session, person_id: int, limit: int = 50) -> list[audit.AuditEvent]:
    """Who has looked at or changed a person's record, newest first (shown to the person)."""
    return list(
        session.scalars(
            sa.select(audit.AuditEvent)
            .where(audit.AuditEvent.person_id == person_id)
            .order_by(audit.AuditEvent.at.desc(), audit.AuditEvent.id.desc())
            .limit(limit)
        )
    )


# --- How the person wants to hear from us ---------------------------------------------------


def set_contact_preference(
    session: Session,
    actor: User | None,
    person: Person,
    *,
    preference: ContactPreference,
    mobile_phone: str | None = None,
    email: str | None = None,
) -> Person:
    """Record how the person wants to hear about their referral (or that they want no messages)."""
    phone = _clean_mobile(mobile_phone)
    address = (email or "").strip() or None
    if preference == ContactPreference.SMS and phone is None:
        raise ValidationError("Enter a UK mobile number for text messages", field="mobile_phone")
    if preference == ContactPreference.EMAIL and (address is None or "@" not in address):
        raise ValidationError("Enter an email address, like name@example.com", field="email")
    person.contact_preference = preference
    person.mobile_phone = phone
    person.email = address
    audit.record(
        "contact_preference.update",
        actor=actor,
        record_type="person",
        record_id=person.id,
        person_id=person.id,
    )
    session.flush()
    return person


def _clean_mobile(value: str | None) -> str | None:
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    if not digits:
        return None
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not (len(digits) == 11 and digits.startswith("07") and digits.isdigit()):
        raise ValidationError("Enter a UK mobile number, like 07700 900 982", field="mobile_phone")
    return digits


# --- Break-glass (DESIGN §3 rule 6) -------------------------------------------------------

# Emergency access needs a reason, lasts a few hours at most, is audited, and raises a task
# for each manager of the person's hubs (on their "My tasks") so they can review it.
MAX_BREAK_GLASS_HOURS = 8


def _managers_for(session: Session, person: Person) -> list[User]:
    hubs = teams_answering_for(person)
    return list(
        session.scalars(
            sa.select(User)
            .join(TeamMembership)
            .where(
                TeamMembership.kind == MembershipKind.MANAGER,
                sa.or_(*(TeamMembership.team_id.in_(ids) for ids in hubs)),
            )
            .distinct()
        )
    )


def break_glass(
    session: Session, actor: User, *, nhs_number: str, reason: str, hours: int | None
) -> Person:
    """Open a person's record and plans to a clinician for a few hours, with a reason."""
    if actor.access_role not in BREAK_GLASS_ROLES:
        raise PermissionDenied("Only clinicians can use emergency access")
    why = reason.strip()
    if len(why) < 10:
        raise ValidationError("Explain why you need emergency access", field="reason")
    span = hours or 4
    if not 1 <= span <= MAX_BREAK_GLASS_HOURS:
        raise ValidationError(f"Choose between 1 and {MAX_BREAK_GLASS_HOURS} hours", field="hours")
    number = clean_nhs_number(nhs_number)
    person = (
        session.scalar(sa.select(Person).where(Person.nhs_number == number)) if number else None
    )
    if person is None:
        raise ValidationError(
            "No one with this NHS number is known to the hubs", field="nhs_number"
        )
    grant = BreakGlassAccess(
        user_id=actor.id,
        person_id=person.id,
        reason=why,
        expires_at=utcnow() + dt.timedelta(hours=span),
    )
    session.add(grant)
    session.flush()
    alert_staff(
        [manager.id for manager in _managers_for(session, person)],
        kind="break_glass_review",
        title="Emergency access to review",
        detail=f"{actor.display_name} used emergency access for {span} hours: {why}",
        person_id=person.id,
        link=f"/people/{person.id}",
        dedupe_key=f"break-glass:{grant.id}",
        session=session,
        sender=grant,
    )
    audit.record(
        "person.break_glass",
        actor=actor,
        record_type="break_glass",
        record_id=grant.id,
        person_id=person.id,
    )
    session.flush()
    return person
