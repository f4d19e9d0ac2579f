"""Marshmallow schemas for the referrals API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.people.models import Sex
from hubs.referrals.models import NeedDomain, Priority, ReferralSource, Severity
from hubs.referrals.states import ReferralStatus


class NeedSchema(ma.Schema):
    domain = fields.Enum(NeedDomain, by_value=True, required=True)
    severity = fields.Enum(Severity, by_value=True, required=True)
    own_words = fields.String(load_default="", validate=validate.Length(max=2000))


class NewPersonSchema(ma.Schema):
    """Someone not yet known to the system, registered with their referral."""

    nhs_number = fields.String(load_default=None, validate=validate.Length(max=12))
    given_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    family_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    date_of_birth = fields.Date(required=True)
    sex = fields.Enum(Sex, by_value=True, required=True)
    gp_practice_id = fields.Integer(load_default=None)


class ReferralCreateSchema(ma.Schema):
    person_id = fields.Integer(load_default=None, metadata={"description": "An existing person"})
    person = fields.Nested(
        NewPersonSchema,
        load_default=None,
        metadata={"description": "Or someone new (give one of the two)"},
    )
    source = fields.Enum(ReferralSource, by_value=True, required=True)
    referrer_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    referrer_organisation = fields.String(load_default=None, validate=validate.Length(max=160))
    received_on = fields.Date(required=True)
    priority = fields.Enum(Priority, by_value=True, required=True)
    needs = fields.List(
        fields.Nested(NeedSchema),
        required=True,
        validate=validate.Length(min=1, error="Add at least one need"),
    )
    what_matters = fields.String(load_default="", validate=validate.Length(max=4000))
    risk_summary = fields.String(load_default="", validate=validate.Length(max=4000))
    communication_needs = fields.String(load_default="", validate=validate.Length(max=2000))
    diagnosis = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "Optional; never used for routing"},
    )
    service_id = fields.Integer(load_default=None)
    team_id = fields.Integer(load_default=None)
    team_override_reason = fields.String(load_default=None)
    submission_key = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "Repeat a create safely"},
    )
    confirm_duplicate = fields.Boolean(load_default=False)

    @ma.validates_schema
    def _one_person(self, data: dict[str, object], **kwargs: object) -> None:
        if (data.get("person_id") is None) == (data.get("person") is None):
            raise ma.ValidationError("Give either person_id or person", field_name="person_id")


class ReferralSchema(ma.Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    team_id = fields.Integer()
    service_id = fields.Integer()
    source = fields.Enum(ReferralSource, by_value=True)
    referrer_name = fields.String()
    received_on = fields.Date()
    priority = fields.Enum(Priority, by_value=True)
    status = fields.Enum(ReferralStatus, by_value=True)
    is_crisis_routed = fields.Boolean()
    # Back within 6 months of a discharge: seen first within the priority.
    is_fast_tracked = fields.Boolean()
    needs = fields.List(fields.Nested(NeedSchema))
    what_matters = fields.String()
    triage_rationale = fields.String(allow_none=True)
    signposted_service_id = fields.Integer(allow_none=True)
    destination_confirmed_on = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    clock = fields.Method("_clock")

    def _clock(self, referral: object) -> dict[str, object] | None:
        # Views attach the clocks they computed for the page in one batch (no query per row).
        reading = getattr(referral, "clocks", None)
        if reading is None:
            return None
        head = reading.headline
        return {
            "name": head.name,
            "days_elapsed": head.days_elapsed,
            "days_left": head.days_left,
            "breached": head.is_breached,
            "state": head.state.value,
            "due_on": head.due_on.isoformat(),
        }


class ReferralListArgs(ma.Schema):
    status = fields.Enum(ReferralStatus, by_value=True, load_default=None)
    priority = fields.Enum(Priority, by_value=True, load_default=None)
    need = fields.Enum(NeedDomain, by_value=True, load_default=None)
    team_id = fields.Integer(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class ReferralPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ReferralSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class TransitionSchema(ma.Schema):
    """Fields for every action; each action's service says which it needs."""

    rationale = fields.String(load_default="")
    priority = fields.Enum(Priority, by_value=True, load_default=None)
    lead_worker_id = fields.Integer(load_default=None)
    package_started_on = fields.Date(load_default=None)
    service_id = fields.Integer(load_default=None)
    handover_note = fields.String(load_default="")
    confirmed_on = fields.Date(load_default=None)
    reason = fields.String(load_default="")
