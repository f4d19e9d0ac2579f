"""The quarterly board pack: one print-friendly page per strategy priority, and the same
pages as one PDF, for the Leeds Mental Health Partnership Board's quarterly review.

City figures for the quarter against target, the trend over the last quarters, and every
hub beside the city. All from stored, suppressed values; a download is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.core.pdf import html_to_pdf
from hubs.core.stepup import requires_recent_second_factor
from hubs.core.web import actor, commit
from hubs.extensions import db
from hubs.reporting import periods, presenters, queries
from hubs.reporting.access import CITY_AREA, visible_areas
from hubs.reporting.indicator_models import CITY, IndicatorValue
from hubs.reporting.indicators import Granularity, Indicator, Priority, RateRatio, by_priority
from hubs.reporting.presenters import BreakdownRow, Chart, breakdown_table, trend_chart
from hubs.reporting.views import bp

QUARTER = Granularity.QUARTER
TREND_QUARTERS = 5


@dataclass
class PackIndicator:
    indicator: Indicator
    city: IndicatorValue | None
    trend: list[IndicatorValue]
    chart: Chart | None
    hubs: list[tuple[str, IndicatorValue]]
    groups: list[BreakdownRow] = field(default_factory=list)

    @property
    def rag(self) -> presenters.Rag:
        return presenters.rag(self.indicator, self.city.value if self.city else None)


@dataclass
class PackPage:
    priority: Priority
    quarter: dt.date
    indicators: list[PackIndicator]

    @property
    def quarter_label(self) -> str:
        return periods.label(self.quarter, QUARTER)


def _quarter(session: Session) -> tuple[dt.date | None, list[dt.date]]:
    """The quarter asked for, or the latest with values; and every quarter to choose from."""
    quarters = queries.periods_with_values(session, QUARTER)
    wanted = request.args.get("quarter")
    try:
        chosen = dt.date.fromisoformat(wanted) if wanted else None
    except ValueError:
        chosen = None
    if chosen in quarters:
        return chosen, quarters
    # By default the latest quarter that had ended when the values were computed: the
    # board reviews whole quarters.
    refreshed = queries.last_refreshed(session)
    ended = [q for q in quarters if refreshed and periods.end_of(q, QUARTER) <= refreshed.date()]
    return (ended or quarters or [None])[0], quarters


def _pack_indicator(
    session: Session, indicator: Indicator, quarter: dt.date, names: dict[str, str]
) -> PackIndicator:
    series = queries.series(session, indicator.id, QUARTER, [CITY]).get(CITY, [])
    trend = [r for r in series if r.period_start <= quarter][-TREND_QUARTERS:]
    city = trend[-1] if trend and trend[-1].period_start == quarter else None
    rows = queries.hub_rows(session, indicator.id, QUARTER, quarter)
    hubs = sorted(
        ((names.get(r.area, r.area), r) for r in rows if r.area != CITY), key=lambda h: h[0]
    )
    item = PackIndicator(indicator, city, trend, None, hubs)
    if isinstance(indicator.recipe, RateRatio):
        split = queries.breakdown_rows(
            session, indicator.id, QUARTER, quarter, [CITY], indicator.recipe.by
        )
        item.groups = breakdown_table(indicator, indicator.recipe.by, [split.get(CITY, [])])
    else:
        item.chart = trend_chart(indicator, [(CITY_AREA.name, trend)], f"pack-{indicator.id}")
    return item


def pack_pages(session: Session, quarter: dt.date, only: Priority | None = None) -> list[PackPage]:
    names = {a.code: a.name for a in visible_areas(session, current_user)}
    return [
        PackPage(priority, quarter, [_pack_indicator(session, i, quarter, names) for i in items])
        for priority, items in by_priority()
        if only is None or priority == only
    ]


def _context() -> dict[str, object]:
    return {
        "shown_value": presenters.shown_value,
        "count_text": presenters.count_text,
        "target_text": presenters.target_text,
        "quarter_label": lambda start: periods.label(start, QUARTER),
        "areas": [CITY_AREA],
    }


@bp.get("/board-pack")
def board_pack() -> str:
    """Choose a quarter; a page per strategy priority, and the whole pack as a PDF."""
    quarter, quarters = _quarter(db.session)
    return render_template(
        "reporting/board_pack.html",
        quarter=quarter,
        quarters=[(q, periods.label(q, QUARTER)) for q in quarters],
        priorities=[p for p, _ in by_priority()],
    )


@bp.get("/board-pack/<priority>")
def board_pack_priority(priority: str) -> str:
    """One priority's page of the pack, ready to print."""
    try:
        chosen = Priority(priority)
    except ValueError:
        raise NotFound("Page not found") from None
    quarter, _ = _quarter(db.session)
    pages = pack_pages(db.session, quarter, chosen) if quarter else []
    return render_template(
        "reporting/board_pack_print.html", pages=pages, quarter=quarter, back=True, **_context()
    )


@bp.get("/board-pack.pdf")
@requires_recent_second_factor
def board_pack_pdf() -> Response:
    """Every priority's page, one per sheet, as a PDF for the board papers."""
    quarter, _ = _quarter(db.session)
    document = _pack_pdf(quarter)
    _audit_export(quarter)
    return _pdf_response(commit(document), quarter)


def _pack_pdf(quarter: dt.date | None) -> bytes:
    pages = pack_pages(db.session, quarter) if quarter else []
    html = render_template(
        "reporting/board_pack_print.html", pages=pages, quarter=quarter, back=False, **_context()
    )
    return html_to_pdf(html)


def _audit_export(quarter: dt.date | None) -> None:
    audit.record(
        "indicators.export",
        actor=actor(),
        record_type="board_pack",
        record_id=quarter.isoformat() if quarter else None,
    )


def _pdf_response(document: bytes, quarter: dt.date | None) -> Response:
    response = current_app.response_class(document, mimetype="application/pdf")
    name = periods.code(quarter, QUARTER) if quarter else "empty"
    response.headers["Content-Disposition"] = f'attachment; filename="board-pack-{name}.pdf"'
    return response
