"""`/api/v1/outcomes` (filled in by the outcome measures work)."""

from flask_smorest import Blueprint

blp = Blueprint(
    "outcomes_api",
    __name__,
    url_prefix="/api/v1/outcomes",
    description="Outcome measures: DIALOG and ReQoL-10",
)
