"""`/api/v1/careplans`: the same services, access rules and version conflicts as the pages."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from hubs.careplans import queries, services
from hubs.careplans.access import get_care_plan_episode_for, get_care_plan_for
from hubs.careplans.models import CarePlan
from hubs.careplans.schemas import (
    AgreeSchema,
    CarePlanSaveSchema,
    CarePlanSchema,
    EpisodePlansSchema,
)
from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.core.web import actor, commit
from hubs.extensions import db

blp = Blueprint(
    "careplans_api",
    __name__,
    url_prefix="/api/v1/careplans",
    description="Care plans: versioned, agreed with the person, 409 on stale edits",
)


def _editable(plan_id: int) -> CarePlan:
    plan, access = get_care_plan_for(db.session, actor(), plan_id)
    if not access.edit:
        raise NotFound("Page not found")
    return plan


def _audit_read(record_id: int, person_id: int) -> None:
    audit.record(
        "care_plan.view",
        actor=actor(),
        record_type="care_plan",
        record_id=record_id,
        person_id=person_id,
    )


def _dump(plan: Any, staff_notes: bool) -> dict[str, Any] | None:
    if plan is None:
        return None
    data = CarePlanSchema().dump(plan)
    if not staff_notes:
        data.pop("staff_notes", None)  # never to the person or VCSE staff
    return data


@blp.route("/episodes/<int:episode_id>", methods=["GET"])
@blp.response(200)
@blp.doc(
    responses={
        "200": {
            "description": "current, draft and versions",
            "content": {"application/json": {"schema": EpisodePlansSchema}},
        }
    }
)
def episode_plans(episode_id: int) -> dict[str, Any]:
    """The current agreed plan of an episode, its draft (clinical team only) and versions."""
    episode, access = get_care_plan_episode_for(db.session, actor(), episode_id)
    plans = queries.episode_plans(db.session, episode.id, drafts=access.drafts)
    _audit_read(episode.id, episode.person_id)
    return _episode_body(commit(plans), access.staff_notes)


def _episode_body(plans: queries.EpisodePlans, staff_notes: bool) -> dict[str, Any]:
    return {
        "current": _dump(plans.agreed, staff_notes),
        "draft": _dump(plans.draft, staff_notes),
        "versions": [p.version for p in plans.versions],
    }


@blp.route("/<int:plan_id>", methods=["GET"])
@blp.response(200)
def read(plan_id: int) -> dict[str, Any] | None:
    """One version (drafts only for the clinical team)."""
    plan, access = get_care_plan_for(db.session, actor(), plan_id)
    _audit_read(plan.id, plan.person_id)
    return _dump(commit(plan), access.staff_notes)


@blp.route("/<int:plan_id>", methods=["PUT"])
@blp.arguments(CarePlanSaveSchema)
@blp.response(200)
def save(data: dict[str, Any], plan_id: int) -> dict[str, Any] | None:
    """Save a draft; 409 when `revision` is older than the stored one."""
    plan = _editable(plan_id)
    revision = data.pop("revision")
    content = services.CarePlanContent(
        goals=[services.GoalInput(**g) for g in data.pop("goals")],
        actions=[services.ActionInput(**a) for a in data.pop("actions")],
        **data,
    )
    services.save_draft(db.session, actor(), plan, revision=revision, content=content)
    return _dump(commit(plan), True)


@blp.route("/<int:plan_id>/agree", methods=["POST"])
@blp.arguments(AgreeSchema)
@blp.response(200)
def agree(data: dict[str, Any], plan_id: int) -> dict[str, Any] | None:
    """Record the person's agreement to a draft; 409 when stale or not a draft."""
    plan = _editable(plan_id)
    services.agree(
        db.session,
        actor(),
        plan,
        revision=data["revision"],
        method=data["method"],
        note=data["note"],
        review_due_on=data["review_due_on"],
    )
    return _dump(commit(plan), True)
