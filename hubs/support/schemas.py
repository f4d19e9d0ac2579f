"""Marshmallow schemas for the contacts API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.referrals.models import NeedDomain
from hubs.support.access import notes_for_current_user
from hubs.support.models import ActivityType, ContactMode, Reached


class ContactCreateSchema(ma.Schema):
    """A contact to log. Range rules (not in the future, not before the person's first
    referral, 0 to 720 minutes) are the service's and answer 422 naming the field."""

    person_id = fields.Integer(required=True)
    contact_on = fields.Date(required=True)
    duration_minutes = fields.Integer(required=True, metadata={"description": "0 to 720"})
    mode = fields.Enum(ContactMode, by_value=True, required=True)
    reached = fields.Enum(Reached, by_value=True, required=True)
    location = fields.String(load_default="", validate=validate.Length(max=200))
    activities = fields.List(fields.Enum(ActivityType, by_value=True), load_default=list)
    needs = fields.List(fields.Enum(NeedDomain, by_value=True), load_default=list)
    notes = fields.String(load_default="", validate=validate.Length(max=8000))
    is_staff_only = fields.Boolean(load_default=False)
    next_step = fields.String(load_default="", validate=validate.Length(max=2000))
    next_contact_on = fields.Date(load_default=None)


class ContactSchema(ma.Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    worker_id = fields.Integer()
    contact_on = fields.Date()
    duration_minutes = fields.Integer()
    mode = fields.Enum(ContactMode, by_value=True)
    reached = fields.Enum(Reached, by_value=True)
    is_attended = fields.Boolean()
    location = fields.String()
    activities = fields.Method("_activities")
    needs = fields.Method("_needs")
    # Withheld (null) when the note is staff only and the reader is not clinical staff.
    notes = fields.Function(notes_for_current_user, allow_none=True)
    is_staff_only = fields.Boolean()
    next_step = fields.String()
    next_contact_on = fields.Date(allow_none=True)

    def _activities(self, contact: object) -> list[str]:
        return [a.activity.value for a in contact.activities]  # type: ignore[attr-defined]

    def _needs(self, contact: object) -> list[str]:
        return [n.domain.value for n in contact.needs]  # type: ignore[attr-defined]


class ContactListArgs(ma.Schema):
    person_id = fields.Integer(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class ContactPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ContactSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
