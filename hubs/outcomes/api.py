"""`/api/v1/outcomes`: the same services and access rules as the outcome measure pages."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.core.errors import NotFound, ValidationError
from hubs.core.web import actor, commit
from hubs.extensions import db
from hubs.outcomes import scoring, services
from hubs.outcomes.models import OutcomeMeasure
from hubs.outcomes.schemas import (
    OutcomeCreateSchema,
    OutcomeListArgs,
    OutcomePageSchema,
    OutcomeSchema,
)

blp = Blueprint(
    "outcomes_api",
    __name__,
    url_prefix="/api/v1/outcomes",
    description="Outcome measures: DIALOG and ReQoL-10",
)

ITEM_KEYS = {*scoring.DIALOG_BY_KEY, *scoring.REQOL_LABELS}


def _record(data: dict[str, Any]) -> OutcomeMeasure:
    """Record through the one service; an item's refusal names it inside `answers`."""
    found = services.episode_outcomes(db.session, actor(), data["episode_id"])
    try:
        return services.record_measure(
            db.session,
            actor(),
            found.episode,
            data["kind"],
            data["recorded_on"],
            data["answers"],
            data["more_help"],
        )
    except ValidationError as error:
        if error.field in ITEM_KEYS or error.field in data["answers"]:
            raise ValidationError(error.message, field=f"answers.{error.field}") from error
        raise


def _episode_page(episode_id: int, page: int, per_page: int) -> dict[str, Any]:
    found = services.episode_outcomes(db.session, actor(), episode_id)
    if found.measures is None:
        raise NotFound("Page not found")  # may record here, but not read the scores
    items = found.measures[(page - 1) * per_page : page * per_page]
    total = len(found.measures)
    return {"items": items, "total": total, "page": page, "pages": max(1, -(-total // per_page))}


@blp.route("")
class Outcomes(MethodView):
    @blp.arguments(OutcomeListArgs, location="query")
    @blp.response(200, OutcomePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the measures you may read: one episode's (oldest first), or all (newest first)."""
        if args["episode_id"] is not None:
            body = _episode_page(args["episode_id"], args["page"], args["per_page"])
        else:
            found = services.list_measures(
                db.session, actor(), page=args["page"], per_page=args["per_page"]
            )
            body = {"items": found.items, "total": found.total, "page": found.page}
            body["pages"] = found.pages
        return commit(body)

    @blp.arguments(OutcomeCreateSchema)
    @blp.response(201, OutcomeSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Record a DIALOG or ReQoL-10 for an episode; the episode's first is its baseline."""
        return commit(_record(data))
