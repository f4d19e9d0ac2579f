"""Marshmallow schemas for the care plans API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.careplans.models import ActionCategory, AgreementMethod, GoalStatus, PlanStatus
from hubs.referrals.models import NeedDomain


class GoalSchema(ma.Schema):
    own_words = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    need_domain = fields.Enum(NeedDomain, by_value=True, load_default=None, allow_none=True)
    status = fields.Enum(GoalStatus, by_value=True, load_default=GoalStatus.NOT_STARTED)
    who_helps = fields.String(load_default="", validate=validate.Length(max=200))


class ActionSchema(ma.Schema):
    category = fields.Enum(ActionCategory, by_value=True, required=True)
    what = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    who = fields.String(load_default="", validate=validate.Length(max=160))
    by_when = fields.Date(load_default=None, allow_none=True)
    started_on = fields.Date(dump_only=True)


TEXT = {"load_default": "", "validate": validate.Length(max=8000)}


class CarePlanContentSchema(ma.Schema):
    about_me = fields.String(**TEXT)
    what_matters = fields.String(**TEXT)
    formulation = fields.String(**TEXT)
    if_things_get_worse = fields.String(**TEXT)
    carers_involvement = fields.String(**TEXT)
    staff_notes = fields.String(**TEXT)
    review_due_on = fields.Date(load_default=None, allow_none=True)
    goals = fields.List(fields.Nested(GoalSchema), load_default=list)
    actions = fields.List(fields.Nested(ActionSchema), load_default=list)


class CarePlanSchema(CarePlanContentSchema):
    """A version of a care plan. `staff_notes` is left out for readers who may not see it."""

    id = fields.Integer(dump_only=True)
    episode_id = fields.Integer(dump_only=True)
    person_id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    revision = fields.Integer(dump_only=True)
    status = fields.Enum(PlanStatus, by_value=True, dump_only=True)
    agreed_at = fields.DateTime(dump_only=True)
    agreement_method = fields.Enum(AgreementMethod, by_value=True, dump_only=True)


class CarePlanSaveSchema(CarePlanContentSchema):
    revision = fields.Integer(
        required=True, metadata={"description": "The revision you edited; 409 if stale"}
    )


class AgreeSchema(ma.Schema):
    revision = fields.Integer(required=True)
    method = fields.Enum(AgreementMethod, by_value=True, required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    review_due_on = fields.Date(load_default=None)


class EpisodePlansSchema(ma.Schema):
    current = fields.Nested(CarePlanSchema, allow_none=True)
    draft = fields.Nested(CarePlanSchema, allow_none=True)
    versions = fields.List(fields.Integer())
