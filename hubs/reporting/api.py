"""`/api/v1/indicators`: the strategy indicators for other systems. Suppressed values only,
read from the same stored rows, with the same area rule, as the pages; every read of values
is an extract and is audited like a download."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from hubs.core.stepup import requires_recent_second_factor
from hubs.reporting.exports import records_for
from hubs.reporting.indicators import INDICATORS, Indicator
from hubs.reporting.schemas import IndicatorSchema, ValuesArgs, ValuesSchema

blp = Blueprint(
    "indicators_api",
    __name__,
    url_prefix="/api/v1/indicators",
    description="Strategy indicators: definitions and suppressed values (never a person)",
)


@blp.route("/")
class Indicators(MethodView):
    @blp.response(200, IndicatorSchema(many=True))
    def get(self) -> list[Indicator]:
        """Every indicator: its definition, priority, periods, breakdowns and target."""
        return list(INDICATORS)


@blp.route("/<indicator_id>/values")
@blp.arguments(ValuesArgs, location="query")
@blp.response(200, ValuesSchema)
@requires_recent_second_factor
def values(args: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    """Suppressed values of one indicator for an area and period type (or one period)."""
    indicator, records, _ = records_for(indicator_id, "api")
    return {"indicator": indicator, "values": records}
