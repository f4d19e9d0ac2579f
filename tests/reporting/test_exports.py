"""Downloads, the API and the board pack: tidy, escaped, suppressed, audited."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from hubs.core.audit import AuditEvent
from hubs.reporting.exports import COLUMNS, escape_cell
from tests.reporting.test_views import _activity


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_as_a_formula_are_escaped(start):
    assert escape_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_ordinary_cells_are_left_alone():
    assert escape_cell("Leeds") == "Leeds"
    assert escape_cell(12.5) == "12.5"
    assert escape_cell(None) == ""


def _csv(browser, path: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = browser.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_is_tidy_and_shows_hidden_figures_as_stars(db, login_as, world):
    _activity(world, db)
    rows = _csv(
        login_as(world.users["analyst"]),
        f"/reporting/indicators/eip_two_weeks/export.csv?area={world.hub_a.code}",
    )
    assert list(rows[0]) == list(COLUMNS)
    female = next(r for r in rows if r["breakdown"] == "sex" and r["breakdown_value"] == "female")
    assert female["denominator"] == "*" and female["value"] == "*"
    assert female["suppressed"] == "true"
    total = next(r for r in rows if r["breakdown"] == "total")
    assert (total["numerator"], total["denominator"], total["value"]) == ("15", "20", "75.0")
    assert total["suppressed"] == "false" and total["area"] == world.hub_a.neighbourhood.code
    for row in rows:
        for column in ("numerator", "denominator"):
            assert row[column] in ("", "*", "0") or int(row[column]) % 5 == 0


def test_csv_escapes_a_hub_name_that_looks_like_a_formula(db, login_as, world):
    world.hub_a.name = '=HYPERLINK("http://example.invalid")'
    db.session.flush()
    _activity(world, db)
    rows = _csv(
        login_as(world.users["analyst"]),
        f"/reporting/indicators/eip_two_weeks/export.csv?area={world.hub_a.code}",
    )
    assert rows and all(r["area_name"].startswith("'=HYPERLINK") for r in rows)


def test_json_export_has_the_same_rows_with_nulls_and_flags(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    path = "/reporting/indicators/eip_two_weeks/export"
    query = f"?area={world.hub_a.code}&period=quarter"
    body = browser.get(f"{path}.json{query}").get_json()
    rows = _csv(browser, f"{path}.csv{query}")
    assert len(body["values"]) == len(rows)
    female = next(v for v in body["values"] if v["breakdown_value"] == "female")
    assert female["denominator"] is None and female["denominator_suppressed"] is True
    assert {v["period_type"] for v in body["values"]} == {"quarter"}


def test_every_download_is_audited_without_a_person(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    browser.get("/reporting/indicators/eip_two_weeks/export.csv")
    browser.get("/reporting/indicators/eip_two_weeks/export.json")
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "indicators.export")
    ).all()
    assert [r.record_id for r in rows] == ["eip_two_weeks.csv", "eip_two_weeks.json"]
    assert all(r.person_id is None for r in rows)


def test_a_manager_exports_only_their_hubs_and_the_city(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["manager"])
    rows = _csv(browser, "/reporting/indicators/eip_two_weeks/export.csv?area=all")
    assert {r["area"] for r in rows} == {"city", world.hub_a.neighbourhood.code}
    other = f"/reporting/indicators/eip_two_weeks/export.csv?area={world.hub_b.code}"
    assert browser.get(other).status_code == 404


def test_one_period_can_be_exported_alone(db, login_as, world):
    _activity(world, db)
    from tests.reporting.test_views import THIS_MONTH

    rows = _csv(
        login_as(world.users["analyst"]),
        f"/reporting/indicators/eip_two_weeks/export.csv?at={THIS_MONTH.isoformat()}",
    )
    assert {r["period_start"] for r in rows} == {THIS_MONTH.isoformat()}


# --- API ---------------------------------------------------------------------------------


def test_api_lists_the_indicator_definitions(login_as, world):
    body = login_as(world.users["manager"]).get("/api/v1/indicators/").get_json()
    eip = next(i for i in body if i["id"] == "eip_two_weeks")
    assert eip["target"] == 60 and eip["priority"] == "timely_access"
    assert "total" in eip["breakdowns"]


def test_api_returns_suppressed_values_only_and_is_audited(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    response = browser.get(
        f"/api/v1/indicators/eip_two_weeks/values?area={world.hub_a.code}&breakdown=sex"
    )
    assert response.status_code == 200
    values = response.get_json()["values"]
    assert {v["breakdown"] for v in values} == {"sex"}
    female = next(v for v in values if v["breakdown_value"] == "female")
    assert female["denominator"] is None and female["suppressed"] is True
    for v in values:
        for count in (v["numerator"], v["denominator"]):
            assert count is None or count == 0 or (count >= 10 and count % 5 == 0)
    assert db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.record_id == "eip_two_weeks.api")
    )


def test_api_refuses_a_bad_period_and_hides_other_hubs(login_as, world):
    browser = login_as(world.users["manager"])
    assert browser.get("/api/v1/indicators/eip_two_weeks/values?period=week").status_code == 422
    other = f"/api/v1/indicators/eip_two_weeks/values?area={world.hub_b.code}"
    assert browser.get(other).status_code == 404
    assert browser.get("/api/v1/indicators/nope/values").status_code == 404


def test_openapi_document_describes_the_indicators_api(login_as, world):
    spec = login_as(world.users["analyst"]).get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert "/api/v1/indicators/" in spec["paths"]
    assert "/api/v1/indicators/{indicator_id}/values" in spec["paths"]


# --- Board pack --------------------------------------------------------------------------


def test_board_pack_has_a_print_page_per_priority_and_a_pdf(db, login_as, world):
    _activity(world, db)
    browser = login_as(world.users["analyst"])
    index = browser.get("/reporting/board-pack").get_data(as_text=True)
    assert "/reporting/board-pack/timely_access" in index
    assert "/reporting/board-pack/peoples_voice" in index
    page = browser.get("/reporting/board-pack/timely_access").get_data(as_text=True)
    assert "Early intervention in psychosis" in page and "87.5%" in page
    assert world.hub_a.name in page  # every hub beside the city
    assert "People's voice" not in page.split("<main")[1].split("Small numbers")[0]
    pdf = browser.get("/reporting/board-pack.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.record_type == "board_pack")
    )


def test_board_pack_is_for_analysts_and_an_unknown_priority_is_404(login_as, world):
    assert login_as(world.users["manager"]).get("/reporting/board-pack").status_code == 403
    analyst = login_as(world.users["analyst"])
    assert analyst.get("/reporting/board-pack/nope").status_code == 404
    assert "No quarterly values yet" in analyst.get("/reporting/board-pack").get_data(as_text=True)
