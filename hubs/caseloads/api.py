"""`/api/v1/caseloads`: the same queries and access rules as the caseload pages."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, jsonify
from flask_smorest import Blueprint

from hubs.caseloads import overview, queries, services
from hubs.caseloads.schemas import (
    BulkReassignSchema,
    CaseloadSchema,
    HubOverviewSchema,
    TransferSchema,
)
from hubs.caseloads.views import weighting
from hubs.core import audit
from hubs.core.stepup import requires_recent_second_factor
from hubs.core.types import today
from hubs.core.web import actor
from hubs.extensions import db

blp = Blueprint(
    "caseloads_api",
    __name__,
    url_prefix="/api/v1/caseloads",
    description="Caseloads weighted by need, hub views and bulk reassignment",
)


def _dump_then_commit(schema: type[ma.Schema], result: Any) -> Response:
    """Serialise while the rows are loaded, then commit the audit row: a commit expires every
    row, and serialising afterwards would reload them one by one (a query per person)."""
    response = jsonify(schema().dump(result))
    db.session.commit()
    return response


@blp.route("/me")
@blp.response(200, CaseloadSchema)
def my_caseload() -> Any:
    """The people you support now, with flags, clocks and plan review states."""
    user = actor()
    caseload = queries.worker_caseload(db.session, user, weighting(), today())
    audit.record("caseload.view", actor=user, record_type="caseload", record_id=user.id)
    return _dump_then_commit(CaseloadSchema, caseload)


@blp.route("/workers/<int:worker_id>")
@blp.response(200, CaseloadSchema)
def worker_caseload(worker_id: int) -> Any:
    """A worker's caseload in the hubs you manage (404 for anyone else's staff)."""
    user = actor()
    member = queries.get_managed_worker(db.session, user, worker_id)
    team_ids = [h.id for h in queries.managed_teams(db.session, user)]
    caseload = queries.worker_caseload(db.session, member, weighting(), today(), team_ids=team_ids)
    audit.record("caseload.view", actor=user, record_type="caseload", record_id=member.id)
    return _dump_then_commit(CaseloadSchema, caseload)


@blp.route("/teams/<int:team_id>")
@blp.response(200, HubOverviewSchema)
def hub_overview(team_id: int) -> Any:
    """A hub you manage: caseload per worker (count and weighted), waiting list, gaps."""
    user = actor()
    team = queries.get_managed_team(db.session, user, team_id)
    view = overview.hub_overview(db.session, team, weighting(), today())
    audit.record("caseload.hub_view", actor=user, record_type="team", record_id=team.id)
    return _dump_then_commit(HubOverviewSchema, view)


@blp.route("/teams/<int:team_id>/reassign", methods=["POST"])
@blp.arguments(BulkReassignSchema)
@blp.response(200, TransferSchema)
@requires_recent_second_factor
def reassign(data: dict[str, Any], team_id: int) -> Any:
    """Move up to 100 people from one worker to another with a reason: all or nothing."""
    team = queries.get_managed_team(db.session, actor(), team_id)
    transfer = services.bulk_reassign(db.session, actor(), team, **data)
    db.session.commit()
    return transfer
