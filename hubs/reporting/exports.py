"""CSV and JSON downloads of one indicator, in a tidy shape (one row per period, area,
breakdown and breakdown value), with the same suppression as every page.

Each download is an extract leaving the system, so it is recorded in the audit log (an
action with no person: the rows describe groups, never anyone in particular).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask_login import current_user

from hubs.core import audit
from hubs.core.stepup import requires_recent_second_factor
from hubs.extensions import db
from hubs.reporting import periods, queries
from hubs.reporting.access import Area
from hubs.reporting.indicator_models import IndicatorValue
from hubs.reporting.indicators import Breakdown, Granularity, Indicator
from hubs.reporting.suppression import SUPPRESSED_MARK
from hubs.reporting.views import bp, indicator_or_404, read_filters

COLUMNS = (
    "indicator",
    "indicator_title",
    "unit",
    "period_type",
    "period",
    "period_start",
    "area",
    "area_name",
    "breakdown",
    "breakdown_value",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "suppressed",
)
# A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tidy_row(
    indicator: Indicator, row: IndicatorValue, area_names: dict[str, str]
) -> dict[str, Any]:
    """One stored value in the export shape; hidden figures are None with suppressed=True."""
    granularity = Granularity(row.period_type)
    return {
        "indicator": indicator.id,
        "indicator_title": indicator.title,
        "unit": indicator.unit.value,
        "period_type": granularity.value,
        "period": periods.code(row.period_start, granularity),
        "period_start": row.period_start.isoformat(),
        "area": row.area,
        "area_name": area_names.get(row.area, row.area),
        "breakdown": row.breakdown,
        "breakdown_value": row.breakdown_value,
        "value": row.value,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "suppressed": bool(
            row.value_suppressed or row.numerator_suppressed or row.denominator_suppressed
        ),
        "numerator_suppressed": row.numerator_suppressed,
        "denominator_suppressed": row.denominator_suppressed,
        "value_suppressed": row.value_suppressed,
    }


def _csv_cell(record: dict[str, Any], column: str) -> str:
    hidden = {
        "value": record["value_suppressed"],
        "numerator": record["numerator_suppressed"],
        "denominator": record["denominator_suppressed"],
    }
    if hidden.get(column):
        return SUPPRESSED_MARK
    value = record[column]
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_cell(value)


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV, a line at a time (streamed: no file is built in memory or on disk)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_csv_cell(record, column) for column in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


ALL_AREAS = "all"


def _areas() -> tuple[list[Area], Granularity, dt.date | None, Breakdown | None]:
    """The areas asked for ("all": every area the user may see), period and breakdown."""
    every = request.args.get("area") == ALL_AREAS
    filters = read_filters(area_code="" if every else None)
    breakdown = filters.breakdown if request.args.get("breakdown") else None
    areas = filters.areas if every else [filters.area]
    return areas, filters.granularity, filters.at, breakdown


def records_for(indicator_id: str, fmt: str) -> tuple[Indicator, list[dict[str, Any]], str]:
    """The tidy rows asked for in the query string, with the export recorded and committed."""
    indicator = indicator_or_404(indicator_id)
    areas, granularity, at, breakdown = _areas()
    if granularity not in indicator.periods:
        granularity = indicator.default_period
    rows = queries.export_rows(
        db.session, indicator.id, granularity, [a.code for a in areas], at, breakdown
    )
    names = {a.code: a.name for a in areas}
    records = [tidy_row(indicator, row, names) for row in rows]
    audit.record(
        "indicators.export",
        actor=current_user._get_current_object(),
        record_type="indicator",
        record_id=f"{indicator.id}.{fmt}",
    )
    db.session.commit()
    where = areas[0].code if len(areas) == 1 else ALL_AREAS
    when = periods.code(at, granularity) if at else f"every-{granularity.value}"
    return indicator, records, f"{indicator.id}-{where}-{when}.{fmt}"


@bp.get("/indicators/<indicator_id>/export.csv")
@requires_recent_second_factor
def export_csv(indicator_id: str) -> Response:
    """One indicator as a tidy CSV for the chosen area and period type (or one period)."""
    _, records, filename = records_for(indicator_id, "csv")
    response = Response(stream_with_context(csv_lines(records)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/indicators/<indicator_id>/export.json")
@requires_recent_second_factor
def export_json(indicator_id: str) -> Response:
    """The same rows as the CSV, as JSON (hidden figures are null with their flags set)."""
    indicator, records, filename = records_for(indicator_id, "json")
    response = jsonify(
        {
            "indicator": indicator.id,
            "title": indicator.title,
            "definition": indicator.definition,
            "suppression": "0 stays 0; 1 to 7 hidden (null, flagged); others rounded to 5",
            "values": records,
        }
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
