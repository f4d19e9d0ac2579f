"""`/api/v1/careplans`: the same services, access rules and version conflicts as the pages."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from hubs.careplans import queries, services
from hubs.careplans.models import PlanStatus
from hubs.careplans.schemas import (
    AgreeSchema,
    CarePlanSaveSchema,
    CarePlanSchema,
    EpisodePlansSchema,
)
from hubs.careplans.views import _episode, _plan
from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.extensions import db

blp = Blueprint(
    "careplans_api",
    __name__,
    url_prefix="/api/v1/careplans",
    description="Care plans: versioned, agreed with the person, 409 on stale edits",
)


def _actor() -> Any:
    return current_user._get_current_object()


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
    episode, access = _episode(episode_id)
    plans = queries.versions_of(db.session, episode.id)
    current = next(
        (p for p in plans if p.status in (PlanStatus.AGREED, PlanStatus.UNDER_REVIEW)), None
    )
    draft = (
        next((p for p in plans if p.status == PlanStatus.DRAFT), None) if access.drafts else None
    )
    audit.record(
        "care_plan.view",
        actor=_actor(),
        record_type="care_plan",
        record_id=episode.id,
        person_id=episode.person_id,
    )
    db.session.commit()
    return {
        "current": _dump(current, access.staff_notes),
        "draft": _dump(draft, access.staff_notes),
        "versions": [p.version for p in plans if access.drafts or p.status != PlanStatus.DRAFT],
    }


@blp.route("/<int:plan_id>", methods=["GET"])
@blp.response(200)
def read(plan_id: int) -> dict[str, Any] | None:
    """One version (drafts only for the clinical team)."""
    plan, access = _plan(plan_id)
    audit.record(
        "care_plan.view",
        actor=_actor(),
        record_type="care_plan",
        record_id=plan.id,
        person_id=plan.person_id,
    )
    db.session.commit()
    return _dump(plan, access.staff_notes)


@blp.route("/<int:plan_id>", methods=["PUT"])
@blp.arguments(CarePlanSaveSchema)
@blp.response(200)
def save(data: dict[str, Any], plan_id: int) -> dict[str, Any] | None:
    """Save a draft; 409 when `revision` is older than the stored one."""
    plan, access = _plan(plan_id)
    if not access.edit:
        raise NotFound("Page not found")
    revision = data.pop("revision")
    content = services.CarePlanContent(
        goals=[services.GoalInput(**g) for g in data.pop("goals")],
        actions=[services.ActionInput(**a) for a in data.pop("actions")],
        **data,
    )
    services.save_draft(db.session, _actor(), plan, revision=revision, content=content)
    db.session.commit()
    return _dump(plan, True)


@blp.route("/<int:plan_id>/agree", methods=["POST"])
@blp.arguments(AgreeSchema)
@blp.response(200)
def agree(data: dict[str, Any], plan_id: int) -> dict[str, Any] | None:
    """Record the person's agreement to a draft; 409 when stale or not a draft."""
    plan, access = _plan(plan_id)
    if not access.edit:
        raise NotFound("Page not found")
    services.agree(
        db.session,
        _actor(),
        plan,
        revision=data["revision"],
        method=data["method"],
        note=data["note"],
        review_due_on=data["review_due_on"],
    )
    db.session.commit()
    return _dump(plan, True)
