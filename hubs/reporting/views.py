"""Strategy indicator pages for analysts and hub managers: the dashboard, one indicator,
and refreshing on demand. They read only stored, suppressed values: no person, ever.

Suppressed aggregates identify no one, so reading them writes no audit row; exports do
(`hubs.reporting.exports`), and so does an on-demand refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.core.types import utcnow
from hubs.core.web import actor, finish
from hubs.extensions import db
from hubs.reporting import dashboard, presenters, queries
from hubs.reporting.access import Area, choose_area, visible_areas
from hubs.reporting.indicators import BY_ID, Breakdown, Granularity, Indicator
from hubs.reporting.population import population_is_illustrative
from hubs.reporting.refresh import refresh

bp = Blueprint("reporting", __name__, url_prefix="/reporting")

DEFAULT_GRANULARITY = Granularity.MONTH


@dataclass(frozen=True)
class Filters:
    """What the reader chose (GET parameters, so every view works without JavaScript)."""

    areas: list[Area]
    area: Area
    granularity: Granularity
    breakdown: Breakdown
    at: dt.date | None

    def args(self, **changes: Any) -> dict[str, str]:
        values = {
            "area": self.area.code,
            "period": self.granularity.value,
            "breakdown": self.breakdown.value,
        }
        values.update({k: str(v) for k, v in changes.items()})
        return values


def _choice(enum_type: Any, value: str | None, default: Any) -> Any:
    try:
        return enum_type(value) if value else default
    except ValueError:
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filters(area_code: str | None = None) -> Filters:
    """The filters in the query string; an area the user may not see answers 404."""
    user = actor()
    areas = visible_areas(db.session, user)
    code = request.args.get("area") if area_code is None else area_code
    return Filters(
        areas=areas,
        area=choose_area(areas, code, user),
        granularity=_choice(Granularity, request.args.get("period"), DEFAULT_GRANULARITY),
        breakdown=_choice(Breakdown, request.args.get("breakdown"), Breakdown.TOTAL),
        at=_date(request.args.get("at")),
    )


def indicator_or_404(indicator_id: str) -> Indicator:
    indicator = BY_ID.get(indicator_id)
    if indicator is None:
        raise NotFound("Page not found")
    return indicator


def _common() -> dict[str, Any]:
    return {
        "period_text": presenters.period_text,
        "count_text": presenters.count_text,
        "shown_value": presenters.shown_value,
        "target_text": presenters.target_text,
        "last_refreshed": queries.last_refreshed(db.session),
        "illustrative_population": population_is_illustrative(),
        "granularities": list(Granularity),
        "breakdowns": list(Breakdown),
    }


@bp.get("/")
def dashboard_page() -> str:
    """Every strategy indicator for an area against the city, latest first."""
    filters = read_filters()
    cards = dashboard.dashboard_cards(
        db.session, filters.area, filters.granularity, filters.breakdown
    )
    return render_template(
        "reporting/dashboard.html",
        filters=filters,
        sections=dashboard.priorities(cards),
        has_values=any(card.latest for card in cards),
        **_common(),
    )


@bp.get("/indicators/<indicator_id>")
def indicator(indicator_id: str) -> str:
    """One indicator: its definition, trend, breakdowns and exports."""
    found = indicator_or_404(indicator_id)
    filters = read_filters()
    page = dashboard.indicator_page(
        db.session, found, filters.area, filters.granularity, filters.breakdown, filters.at
    )
    return render_template("reporting/indicator.html", filters=filters, page=page, **_common())


@bp.post("/refresh")
def refresh_now() -> Response:
    """Recompute every indicator now, rather than waiting for the nightly refresh."""
    stored = refresh(db.session, utcnow())
    audit.record("indicators.refresh", actor=actor(), record_type="indicator_values")
    back = url_for("reporting.dashboard_page", **_back_args())
    return finish(stored, done=back, message=_refreshed)


def _refreshed(stored: int) -> str:
    return f"Indicators refreshed from the activity store: {stored:,} values."


def _back_args() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if k in ("area", "period", "breakdown") and v}
