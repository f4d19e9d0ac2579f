"""Who may read a contact's notes (DESIGN §3 rule 5, §6).

A worker marks a note "staff only" when it must not reach the person or VCSE colleagues (a
safeguarding concern, a clinical impression). Such a note is shown only to its author and
to clinical staff of the NHS and the council; everyone else sees that a note was withheld.
"""

from __future__ import annotations

from flask_login import current_user

from hubs.core.access import AccessRole
from hubs.support.models import Contact

STAFF_ONLY_READERS = frozenset({AccessRole.CLINICIAN, AccessRole.MANAGER})


def may_read_notes(actor: object, contact: Contact) -> bool:
    if not contact.is_staff_only:
        return True
    if contact.worker_id == getattr(actor, "id", None):
        return True
    return getattr(actor, "access_role", None) in STAFF_ONLY_READERS


def notes_for(actor: object, contact: Contact) -> str | None:
    """The contact's notes as this actor may read them; None when they are withheld."""
    return contact.notes if may_read_notes(actor, contact) else None


def notes_for_current_user(contact: Contact) -> str | None:
    """For templates and API schemas: the notes the signed-in user may read."""
    return notes_for(current_user._get_current_object(), contact)
