"""Marshmallow schemas for the safety plans API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.careplans.models import AgreementMethod, PlanStatus
from hubs.safetyplans.content import MAX_SECTION

SECTION = {"load_default": "", "validate": validate.Length(max=MAX_SECTION)}


class CrisisServiceSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)
    opening_hours = fields.String(allow_none=True)


class SafetyPlanSchema(ma.Schema):
    """One version of a person's safety plan; `version` and `revision` go back with a save."""

    person_id = fields.Integer()
    version = fields.Integer(
        allow_none=True, metadata={"description": "Null when the person has no plan yet"}
    )
    revision = fields.Integer(allow_none=True)
    status = fields.Enum(PlanStatus, by_value=True, allow_none=True)
    warning_signs = fields.String()
    coping_alone = fields.String()
    distractions = fields.String()
    people_to_ask = fields.String()
    professionals_note = fields.String()
    services = fields.List(fields.Nested(CrisisServiceSchema))
    environment_safety = fields.String()
    reasons_for_living = fields.String()
    review_due_on = fields.Date(allow_none=True)
    agreed_at = fields.DateTime(allow_none=True)
    agreement_method = fields.Enum(AgreementMethod, by_value=True, allow_none=True)


class SafetyPlanSaveSchema(ma.Schema):
    """The whole draft, as the editor wants it, with the version and revision they started
    from: a save against anything older is refused with 409."""

    version = fields.Integer(
        required=True,
        allow_none=True,
        validate=validate.Range(min=0),
        metadata={"description": "The version you read; 0 or null when there was no plan"},
    )
    revision = fields.Integer(load_default=None, metadata={"description": "Its revision"})
    warning_signs = fields.String(**SECTION)
    coping_alone = fields.String(**SECTION)
    distractions = fields.String(**SECTION)
    people_to_ask = fields.String(**SECTION)
    professionals_note = fields.String(**SECTION)
    service_ids = fields.List(fields.Integer(), load_default=list)
    environment_safety = fields.String(**SECTION)
    reasons_for_living = fields.String(**SECTION)
    review_due_on = fields.Date(load_default=None)


class SafetyPlanAgreeSchema(ma.Schema):
    version = fields.Integer(required=True, metadata={"description": "The draft's version"})
    revision = fields.Integer(required=True)
    method = fields.Enum(AgreementMethod, by_value=True, required=True)
    review_due_on = fields.Date(
        load_default=None, metadata={"description": "Defaults to 3 months after agreement"}
    )
