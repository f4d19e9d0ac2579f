"""`/api/v1/safetyplans` (filled in by the safety plan work)."""

from flask_smorest import Blueprint

blp = Blueprint(
    "safetyplans_api",
    __name__,
    url_prefix="/api/v1/safetyplans",
    description="Safety plans: versioned, with conflicts on stale edits",
)
