"""`/api/v1/safetyplans`: the same services, access rules and version conflicts as the pages."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from hubs.core.errors import NotFound
from hubs.core.web import actor, commit
from hubs.extensions import db
from hubs.safetyplans import services as safety
from hubs.safetyplans.schemas import (
    SafetyPlanAgreeSchema,
    SafetyPlanSaveSchema,
    SafetyPlanSchema,
)

blp = Blueprint(
    "safetyplans_api",
    __name__,
    url_prefix="/api/v1/safetyplans",
    description="Safety plans: versioned, with conflicts on stale edits",
)

ITEM = "/<int:safety_person_id>"


def _editor(person_id: int) -> Any:
    person, access = safety.get_safety_person(db.session, actor(), person_id)
    if not access.edit:
        raise NotFound("Page not found")
    return person


def _blank(person_id: int) -> dict[str, Any]:
    """How a person with no safety plan yet reads: version null, every section empty."""
    return {"person_id": person_id, "version": None, "revision": None, "status": None}


@blp.route(ITEM, methods=["GET"])
@blp.response(200, SafetyPlanSchema)
def read(safety_person_id: int) -> Any:
    """The current safety plan: the draft if you may see drafts and one exists, else the
    agreed version. 404 if you have no reason to see it."""
    person, access = safety.get_safety_person(db.session, actor(), safety_person_id)
    plan = safety.current_safety_plan(db.session, person.id, drafts=access.drafts)
    safety.record_read(db.session, actor(), person.id, plan)
    return commit(plan) or _blank(person.id)


@blp.route(ITEM, methods=["PUT", "POST"])
@blp.arguments(SafetyPlanSaveSchema)
@blp.response(200, SafetyPlanSchema)
def save(data: dict[str, Any], safety_person_id: int) -> Any:
    """Save the draft (starting one from the agreed plan if needed); 409 if the version or
    revision you send is older than the stored one, 422 naming the field."""
    person = _editor(safety_person_id)
    version, revision = data.pop("version"), data.pop("revision")
    plan = safety.edit_safety_plan(
        db.session,
        actor(),
        person,
        version=version,
        revision=revision,
        content=safety.SafetyPlanContent(**data),
    )
    return commit(plan)


@blp.route(ITEM + "/agree", methods=["POST"])
@blp.arguments(SafetyPlanAgreeSchema)
@blp.response(200, SafetyPlanSchema)
def agree(data: dict[str, Any], safety_person_id: int) -> Any:
    """Record the person's agreement to the draft: it becomes their plan (review date
    defaults to 3 months); 409 if the draft changed since you read it."""
    person = _editor(safety_person_id)
    plan = safety.safety_version(db.session, person.id, data["version"], drafts=True)
    safety.agree_safety_plan(
        db.session,
        actor(),
        plan,
        revision=data["revision"],
        method=data["method"],
        review_due_on=data["review_due_on"],
    )
    return commit(plan)


@blp.route(ITEM + "/versions", methods=["GET"])
@blp.response(200, SafetyPlanSchema(many=True))
def versions(safety_person_id: int) -> Any:
    """Every version you may see, newest first (agreed and superseded; drafts for the team)."""
    person, access = safety.get_safety_person(db.session, actor(), safety_person_id)
    plans = safety.safety_versions(db.session, person.id, drafts=access.drafts)
    safety.record_read(db.session, actor(), person.id, None, "view_versions")
    return commit(plans)
