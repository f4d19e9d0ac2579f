"""The verbs of support: log a contact, expand it, signpost to an offer, record the outcome.

Services take the actor and values explicitly, check the actor's allocation to the person
themselves (the API and the pages share them), flush but never commit, and write the audit
row in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.signals import hub_signals
from hubs.core.types import today
from hubs.directory.models import Service, ServiceKind
from hubs.referrals import clocks
from hubs.referrals import services as referral_services
from hubs.referrals.access import SUPPORT_ROLES, get_supported_person
from hubs.referrals.models import ClockEvent, ClockEventKind, Episode, NeedDomain, Referral
from hubs.referrals.queries import referral_spans
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from hubs.staff.models import User
from hubs.support.models import (
    MAX_CONTACT_MINUTES,
    ActivityType,
    Contact,
    ContactActivity,
    ContactMode,
    ContactNeed,
    Reached,
    Signposting,
    SignpostingOutcome,
)

#: A signposting was followed up. Sender: the Signposting; kwargs: actor.
signposting_outcome_recorded = hub_signals.signal("signposting-outcome-recorded")


@dataclass
class ContactDetails:
    """What a quick-logged contact is expanded with."""

    location: str = ""
    activities: list[ActivityType] = field(default_factory=list)
    needs: list[NeedDomain] = field(default_factory=list)
    notes: str = ""
    is_staff_only: bool = False
    next_step: str = ""
    next_contact_on: dt.date | None = None


@dataclass
class ContactInput:
    """A contact as logged: the facts of it (quick log) and, optionally, its details."""

    contact_on: dt.date | None
    duration_minutes: int | None
    mode: ContactMode
    reached: Reached
    details: ContactDetails = field(default_factory=ContactDetails)


# --- Validation ---------------------------------------------------------------------------


def first_referral_on(session: Session, person_id: int) -> dt.date | None:
    """When the person was first referred (a referral entered in error does not count)."""
    return session.scalar(
        sa.select(sa.func.min(Referral.received_on)).where(
            Referral.person_id == person_id,
            Referral.status != ReferralStatus.ENTERED_IN_ERROR,
        )
    )


def _check_date(session: Session, person_id: int, contact_on: dt.date | None) -> dt.date:
    if contact_on is None:
        raise ValidationError("Enter the date of the contact", field="contact_on")
    if contact_on > today():
        raise ValidationError("The date of the contact cannot be in the future", field="contact_on")
    first = first_referral_on(session, person_id)
    if first is None:
        raise ValidationError(
            "The person has no referral yet: record the referral first", field="contact_on"
        )
    if contact_on < first:
        raise ValidationError(
            f"The date cannot be before the person was first referred ({first:%-d %B %Y})",
            field="contact_on",
        )
    return contact_on


def _check_duration(minutes: int | None) -> int:
    if minutes is None:
        raise ValidationError(
            "Enter how long the contact took, in minutes", field="duration_minutes"
        )
    if minutes < 0:
        raise ValidationError("The duration cannot be negative", field="duration_minutes")
    if minutes > MAX_CONTACT_MINUTES:
        raise ValidationError(
            "The duration is more than 12 hours: enter it in minutes, for example 45",
            field="duration_minutes",
        )
    return minutes


def _check_details(details: ContactDetails, contact_on: dt.date) -> None:
    if len(details.location) > 200:
        raise ValidationError("Where must be 200 characters or fewer", field="location")
    if details.next_contact_on is not None and details.next_contact_on < contact_on:
        raise ValidationError(
            "The next planned contact cannot be before this one", field="next_contact_on"
        )


def _require_support_role(actor: User) -> None:
    if actor.access_role not in SUPPORT_ROLES:
        raise PermissionDenied("Your role cannot log support")


# --- Contacts -----------------------------------------------------------------------------


def _apply_details(contact: Contact, details: ContactDetails) -> None:
    contact.location = details.location.strip()
    contact.notes = details.notes.strip()
    contact.is_staff_only = details.is_staff_only
    contact.next_step = details.next_step.strip()
    contact.next_contact_on = details.next_contact_on
    _replace_children(contact.activities, ContactActivity, "activity", details.activities)
    _replace_children(contact.needs, ContactNeed, "domain", details.needs)


def _replace_children(rows: list, model: type, attribute: str, wanted: Iterable[object]) -> None:  # type: ignore[type-arg]
    # Keep rows that stay: replacing them all would insert a duplicate before the delete.
    keep = list(dict.fromkeys(wanted))
    rows[:] = [r for r in rows if getattr(r, attribute) in keep]
    have = {getattr(r, attribute) for r in rows}
    rows.extend(model(**{attribute: value}) for value in keep if value not in have)


def log_contact(session: Session, actor: User, person_id: int, data: ContactInput) -> Contact:
    """A worker records a contact with a person allocated to them (or an attempt at one)."""
    _require_support_role(actor)
    person = get_supported_person(session, actor, person_id)
    contact_on = _check_date(session, person.id, data.contact_on)
    minutes = _check_duration(data.duration_minutes)
    _check_details(data.details, contact_on)
    contact = Contact(
        person_id=person.id,
        worker_id=actor.id,
        contact_on=contact_on,
        duration_minutes=minutes,
        mode=data.mode,
        reached=data.reached,
    )
    _apply_details(contact, data.details)
    session.add(contact)
    session.flush()
    audit.record(
        "contact.create",
        actor=actor,
        record_type="contact",
        record_id=contact.id,
        person_id=person.id,
    )
    if contact.is_attended:
        _count_attended_contact(session, actor, contact)
    return contact


def expand_contact(
    session: Session, actor: User, contact: Contact, details: ContactDetails
) -> Contact:
    """The worker who logged a contact adds its details (what was done, notes, next step).

    The date, length, mode and whether the person was reached stay as logged: the clocks
    were counted from them."""
    if contact.worker_id != actor.id:
        raise PermissionDenied("Only the worker who logged a contact can add to it")
    get_supported_person(session, actor, contact.person_id)
    _check_details(details, contact.contact_on)
    _apply_details(contact, details)
    contact.updated_at = dt.datetime.now(dt.UTC)
    audit.record(
        "contact.update",
        actor=actor,
        record_type="contact",
        record_id=contact.id,
        person_id=contact.person_id,
    )
    session.flush()
    return contact


def get_contact_for(session: Session, actor: User, contact_id: int) -> Contact:
    """One contact whose person's support log the actor may read; otherwise NotFound."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("Page not found")
    get_supported_person(session, actor, contact.person_id)
    return contact


# --- Clock events from attended contacts --------------------------------------------------


def _spell_of(session: Session, person_id: int, on: dt.date) -> clocks.Spell | None:
    spans = referral_spans(session, [person_id])[person_id]
    for spell in clocks.group_spells(spans):
        if spell.started_on <= on and (spell.ended_on is None or on <= spell.ended_on):
            return spell
    return None


def _attended_dates(session: Session, person_id: int, spell: clocks.Spell) -> list[dt.date]:
    query = (
        sa.select(Contact.contact_on)
        .where(
            Contact.person_id == person_id,
            Contact.reached == Reached.YES,
            Contact.mode != ContactMode.TEXT,
            Contact.contact_on >= spell.started_on,
        )
        .order_by(Contact.contact_on)
        .limit(2)
    )
    if spell.ended_on is not None:
        query = query.where(Contact.contact_on <= spell.ended_on)
    return list(session.scalars(query))


def _earliest_event(
    session: Session, person_id: int, kind: ClockEventKind, spell: clocks.Spell
) -> dt.date | None:
    query = sa.select(sa.func.min(ClockEvent.occurred_on)).where(
        ClockEvent.person_id == person_id,
        ClockEvent.kind == kind,
        ClockEvent.occurred_on >= spell.started_on,
    )
    if spell.ended_on is not None:
        query = query.where(ClockEvent.occurred_on <= spell.ended_on)
    return session.scalar(query)


def _count_attended_contact(session: Session, actor: User, contact: Contact) -> None:
    """Record the first and second attended contacts of the spell for its clocks.

    Contacts may be logged late and out of order, so the events follow the contacts' dates:
    a back-dated contact that becomes the first adds an earlier first-contact event (the
    clocks read the earliest of each kind)."""
    spell = _spell_of(session, contact.person_id, contact.contact_on)
    if spell is None:
        return
    dates = _attended_dates(session, contact.person_id, spell)
    kinds = (ClockEventKind.FIRST_CONTACT, ClockEventKind.SECOND_CONTACT)
    for kind, on in zip(kinds, dates, strict=False):
        recorded = _earliest_event(session, contact.person_id, kind, spell)
        if recorded is None or recorded > on:
            referral_services.record_clock_event(
                session,
                contact.person_id,
                kind,
                on,
                referral_id=spell.referral_ids[0],
                source=("contact", contact.id),
            )
    _start_planned_episodes(session, actor, contact, spell)


def _start_planned_episodes(
    session: Session, actor: User, contact: Contact, spell: clocks.Spell
) -> None:
    """The first attended contact is when a planned episode of care becomes active."""
    planned = session.scalars(
        sa.select(Episode).where(
            Episode.person_id == contact.person_id,
            Episode.status == EpisodeStatus.PLANNED,
            Episode.referral_id.in_(spell.referral_ids),
        )
    )
    for episode in planned:
        referral_services.start_episode(session, actor, episode, contact.contact_on)


# --- Community offers and signposting -----------------------------------------------------


def _offer(session: Session, service_id: int | None) -> Service:
    service = session.get(Service, service_id) if service_id else None
    if service is None or not service.is_active or service.kind == ServiceKind.HUB_TEAM:
        raise ValidationError(
            "Choose a community offer or service from the list", field="service_id"
        )
    return service


def signpost(
    session: Session,
    actor: User,
    person_id: int,
    *,
    service_id: int | None,
    signposted_on: dt.date | None,
    follow_up_on: dt.date | None,
    note: str = "",
) -> Signposting:
    """Link a person to a community offer, with a date to follow up whether they went."""
    _require_support_role(actor)
    person = get_supported_person(session, actor, person_id)
    service = _offer(session, service_id)
    on = signposted_on or today()
    if on > today():
        raise ValidationError("The date cannot be in the future", field="signposted_on")
    if follow_up_on is None:
        raise ValidationError("Enter a date to follow up", field="follow_up_on")
    if follow_up_on < on:
        raise ValidationError("Follow up on or after the day you signposted", field="follow_up_on")
    record = Signposting(
        person_id=person.id,
        service_id=service.id,
        worker_id=actor.id,
        signposted_on=on,
        follow_up_on=follow_up_on,
        note=note.strip(),
    )
    session.add(record)
    session.flush()
    audit.record(
        "signposting.create",
        actor=actor,
        record_type="signposting",
        record_id=record.id,
        person_id=person.id,
    )
    return record


def get_signposting_for(session: Session, actor: User, signposting_id: int) -> Signposting:
    record = session.get(Signposting, signposting_id)
    if record is None:
        raise NotFound("Page not found")
    get_supported_person(session, actor, record.person_id)
    return record


def record_signposting_outcome(
    session: Session,
    actor: User,
    record: Signposting,
    *,
    outcome: SignpostingOutcome,
    note: str = "",
    follow_up_on: dt.date | None = None,
) -> Signposting:
    """Follow up a signposting: attended, declined, or not yet (with a new reminder)."""
    _require_support_role(actor)
    get_supported_person(session, actor, record.person_id)
    if outcome == SignpostingOutcome.NOT_YET:
        if follow_up_on is None or follow_up_on <= today():
            raise ValidationError(
                "Not yet: choose a later date to follow up again", field="follow_up_on"
            )
        record.follow_up_on = follow_up_on
    record.outcome = outcome
    record.outcome_on = today()
    record.outcome_note = note.strip()
    audit.record(
        "signposting.outcome",
        actor=actor,
        record_type="signposting",
        record_id=record.id,
        person_id=record.person_id,
    )
    session.flush()
    signposting_outcome_recorded.send(record, actor=actor)
    return record
