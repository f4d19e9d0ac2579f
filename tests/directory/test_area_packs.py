"""Area packs: the shipped Leeds and LLR packs load completely and idempotently, and a bad
pack is refused, every problem named by file, line and column, with nothing half-loaded."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from hubs.core.errors import ValidationError
from hubs.directory.loading import load_area, load_shipped_areas
from hubs.directory.models import (
    Area,
    GpPractice,
    Neighbourhood,
    Organisation,
    Place,
    RoutingRule,
    Service,
    ServiceKind,
    Team,
    TeamKind,
)
from hubs.directory.packs import AREAS_DIR
from tests.helpers.db import count_rows

LEEDS_PACK = AREAS_DIR / "leeds"
LLR_PACK = AREAS_DIR / "llr"

EARLY_IMPLEMENTERS = {
    "HATCH (Harehills and Chapeltown)",
    "Leeds Student Medical Practice and the Light",
    "West Leeds",
}
LLR_PLACES = {"Leicester City", "Leicestershire", "Rutland"}


@pytest.fixture
def loaded(db):
    return load_shipped_areas(db.session)


def _counts() -> dict[str, int]:
    return {
        m.__tablename__: count_rows(m)
        for m in (Area, Place, Neighbourhood, Organisation, Team, GpPractice, Service)
    }


def _area(db, code: str) -> Area:
    return db.session.scalars(sa.select(Area).where(Area.code == code)).one()


def _teams(db, area_code: str, kind: TeamKind | None = None) -> list[Team]:
    query = sa.select(Team).join(Area, Area.id == Team.area_id).where(Area.code == area_code)
    if kind is not None:
        query = query.where(Team.kind == kind)
    return list(db.session.scalars(query.order_by(Team.code)))


def _neighbourhoods(db, area_code: str) -> list[Neighbourhood]:
    return list(
        db.session.scalars(
            sa.select(Neighbourhood)
            .join(Place, Place.id == Neighbourhood.place_id)
            .join(Area, Area.id == Place.area_id)
            .where(Area.code == area_code)
            .order_by(Neighbourhood.code)
        )
    )


def _team(db, code: str) -> Team:
    return db.session.scalars(sa.select(Team).where(Team.code == code)).one()


def _service(db, code: str) -> Service:
    return db.session.scalars(sa.select(Service).where(Service.code == code)).one()


# --- Leeds ----------------------------------------------------------------------------------


def test_leeds_is_one_place_of_nineteen_neighbourhoods_routed_by_practice_to_28_days(db, loaded):
    leeds = _area(db, "LEEDS")

    assert leeds.routing == RoutingRule.PRACTICE
    assert leeds.wait_target_days == 28
    assert [p.code for p in leeds.places] == ["LEEDS"]
    neighbourhoods = _neighbourhoods(db, "LEEDS")
    assert len(neighbourhoods) == 19
    assert {n.place.code for n in neighbourhoods} == {"LEEDS"}


def test_leeds_has_nineteen_hubs_each_covering_exactly_one_neighbourhood_of_its_own(db, loaded):
    hubs = _teams(db, "LEEDS", TeamKind.COMMUNITY_HUB)
    neighbourhoods = _neighbourhoods(db, "LEEDS")

    assert len(hubs) == 19
    assert all(len(hub.neighbourhoods) == 1 and hub.neighbourhood for hub in hubs)
    assert sorted(hub.neighbourhood.code for hub in hubs) == [n.code for n in neighbourhoods]
    assert all(hub.name for hub in hubs)


def test_every_leeds_hub_has_its_own_hub_team_service(db, loaded):
    for hub in _teams(db, "LEEDS", TeamKind.COMMUNITY_HUB):
        service = _service(db, f"HUB-{hub.code}")
        assert service.kind == ServiceKind.HUB_TEAM
        assert service.team_id == hub.id
        assert service.is_active


def test_only_the_three_early_implementers_are_real_and_the_rest_are_marked_demo(db, loaded):
    neighbourhoods = _neighbourhoods(db, "LEEDS")
    hub_of = {h.neighbourhood.code: h for h in _teams(db, "LEEDS", TeamKind.COMMUNITY_HUB)}

    assert {n.name for n in neighbourhoods if not n.is_demo} == EARLY_IMPLEMENTERS
    assert {n.name for n in neighbourhoods if n.is_early_implementer} == EARLY_IMPLEMENTERS
    for n in neighbourhoods:
        if n.is_demo:
            hub = hub_of[n.code]
            assert "(fictional)" in n.name or "Demo" in n.name, n.name
            assert "(fictional)" in hub.name or "Demo" in hub.name, hub.name


@pytest.mark.parametrize(
    ("code", "fragment", "team_kind", "service_kind"),
    [
        ("ASPIRE", "Aspire", TeamKind.EARLY_INTERVENTION, ServiceKind.EARLY_INTERVENTION),
        ("CAMHS", "CAMHS", TeamKind.CAMHS, ServiceKind.CAMHS),
        ("EMERGE", "Emerge", TeamKind.PERSONALITY_DISORDER, ServiceKind.SPECIALIST),
        ("LINKEDED", "Linked-ED", TeamKind.EATING_DISORDERS, ServiceKind.SPECIALIST),
    ],
)
def test_leeds_specialist_services_belong_to_their_own_team(
    db, loaded, code, fragment, team_kind, service_kind
):
    team = _team(db, code)
    service = _service(db, code)

    assert team.kind == team_kind
    assert team.area.code == "LEEDS"
    assert fragment in service.name
    assert service.kind == service_kind
    assert service.is_active
    assert service.team_id == team.id


def test_aspire_takes_people_aged_14_to_65(db, loaded):
    team, service = _team(db, "ASPIRE"), _service(db, "ASPIRE")

    assert (team.min_age, team.max_age) == (14, 65)
    assert (service.min_age, service.max_age) == (14, 65)
    assert not team.takes_age(13) and team.takes_age(14)
    assert team.takes_age(65) and not team.takes_age(66)


@pytest.mark.parametrize(
    ("code", "fragment", "kind"),
    [
        ("IPS", "IPS", ServiceKind.EMPLOYMENT),
        ("PCT", "Primary Care Therapies", ServiceKind.TALKING_THERAPIES),
        ("TALKING", "NHS Talking Therapies", ServiceKind.TALKING_THERAPIES),
        ("DIALHOUSE", "Dial House", ServiceKind.CRISIS),
        ("CONNECT", "Connect", ServiceKind.HELPLINE),
        ("WELLBEAN", "crisis cafe", ServiceKind.CRISIS),
        ("SAMARITANS", "Samaritans", ServiceKind.HELPLINE),
        ("NHS111", "NHS 111", ServiceKind.HELPLINE),
    ],
)
def test_leeds_city_wide_services_are_in_the_directory_without_a_team(
    db, loaded, code, fragment, kind
):
    service = _service(db, code)

    assert fragment.lower() in service.name.lower()
    assert service.kind == kind
    assert service.is_active
    assert service.team_id is None


def test_dial_house_and_connect_open_6pm_to_2am(db, loaded):
    for code in ("DIALHOUSE", "CONNECT"):
        assert "6pm to 2am" in _service(db, code).opening_hours


def test_helpline_numbers_are_right(db, loaded):
    assert _service(db, "SAMARITANS").phone == "116 123"
    assert _service(db, "NHS111").phone == "111"


# --- Leicester, Leicestershire and Rutland --------------------------------------------------


def test_llr_routes_to_central_access_with_a_42_day_target_across_three_places(db, loaded):
    llr = _area(db, "LLR")

    assert llr.routing == RoutingRule.CENTRAL_ACCESS
    assert llr.wait_target_days == 42
    assert {p.name for p in llr.places} == LLR_PLACES
    assert len(llr.places) == 3


def test_llr_has_exactly_one_central_access_team_covering_the_whole_area(db, loaded):
    central = _teams(db, "LLR", TeamKind.CENTRAL_ACCESS)

    assert len(central) == 1
    assert central[0].neighbourhoods == _neighbourhoods(db, "LLR")


def test_llr_has_exactly_eight_treatment_and_recovery_teams(db, loaded):
    assert len(_teams(db, "LLR", TeamKind.TREATMENT_RECOVERY)) == 8


def test_every_llr_neighbourhood_is_covered_by_exactly_one_treatment_and_recovery_team(db, loaded):
    covered = [
        n.code for t in _teams(db, "LLR", TeamKind.TREATMENT_RECOVERY) for n in t.neighbourhoods
    ]
    neighbourhoods = _neighbourhoods(db, "LLR")

    assert neighbourhoods
    assert sorted(covered) == [n.code for n in neighbourhoods]


# --- Both packs -----------------------------------------------------------------------------


def test_every_gp_practice_maps_to_a_loaded_neighbourhood_and_every_neighbourhood_has_one(
    db, loaded
):
    practices = db.session.scalars(sa.select(GpPractice)).all()
    neighbourhood_ids = set(db.session.scalars(sa.select(Neighbourhood.id)))

    assert practices
    assert all(p.neighbourhood_id in neighbourhood_ids for p in practices)
    # ...and every neighbourhood has a practice, so every team has people registered in it.
    assert {p.neighbourhood_id for p in practices} == neighbourhood_ids


def test_loading_the_shipped_packs_twice_creates_nothing_new(db, loaded):
    first = _counts()
    assert loaded.created["areas"] == 2
    assert loaded.created["neighbourhoods"] == 19 + len(_neighbourhoods(db, "LLR"))
    assert loaded.created["teams"] == first["teams"]

    again = load_shipped_areas(db.session)

    assert _counts() == first
    assert again.created == {}
    assert again.updated["areas"] == 2
    assert again.updated["teams"] == first["teams"]
    assert again.updated["neighbourhoods"] == first["neighbourhoods"]


# --- Bad packs ------------------------------------------------------------------------------


def _copy_pack(tmp_path: Path, source: Path = LLR_PACK) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def _set_cell(path: Path, line_no: int, column: str, value: str) -> None:
    """Change one value of a pack file; line 1 is the header, as in the error messages."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    rows[line_no - 2][column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _refusal(db, pack: Path) -> ValidationError:
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        load_area(db.session, pack)
    assert _counts() == before, "a refused pack must write nothing"
    return refused.value


def test_team_with_an_unknown_kind_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 4, "kind", "not_a_kind")

    error = _refusal(db, pack)

    assert "teams.csv line 4, kind:" in error.message
    assert "not_a_kind" in error.message
    assert error.field == "kind"


def test_practice_in_an_unknown_neighbourhood_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "gp_practices.csv", 5, "neighbourhood_code", "NOWHERE")

    error = _refusal(db, pack)

    assert "gp_practices.csv line 5, neighbourhood_code:" in error.message
    assert "NOWHERE" in error.message
    assert error.field == "neighbourhood_code"


def test_team_covering_an_unknown_neighbourhood_is_refused_naming_file_line_and_column(
    db, tmp_path
):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 3, "covers", "LLRN01 NOWHERE")

    error = _refusal(db, pack)

    assert "teams.csv line 3, covers:" in error.message
    assert "NOWHERE" in error.message
    assert "LLRN01" not in error.message


def test_team_with_max_age_below_min_age_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 3, "max_age", "17")  # min_age is 18

    error = _refusal(db, pack)

    assert "teams.csv line 3, max_age:" in error.message
    assert error.field == "max_age"


def test_service_of_an_unknown_organisation_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "services.csv", 3, "organisation_code", "NOORG")

    error = _refusal(db, pack)

    assert "services.csv line 3, organisation_code:" in error.message
    assert "NOORG" in error.message


def test_service_with_an_unknown_kind_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "services.csv", 2, "kind", "nonsense")

    error = _refusal(db, pack)

    assert "services.csv line 2, kind:" in error.message
    assert "nonsense" in error.message


def test_team_with_a_malformed_go_live_date_is_refused_naming_file_line_and_column(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 3, "go_live_on", "not-a-date")

    error = _refusal(db, pack)

    assert "teams.csv line 3, go_live_on:" in error.message


def test_two_bad_rows_in_different_files_are_both_reported_in_one_error(db, tmp_path):
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 4, "kind", "not_a_kind")
    _set_cell(pack / "gp_practices.csv", 5, "neighbourhood_code", "NOWHERE")

    error = _refusal(db, pack)

    problems = error.message.split("; ")
    assert len(problems) == 2, problems
    assert any(p.startswith("teams.csv line 4, kind:") for p in problems)
    assert any(p.startswith("gp_practices.csv line 5, neighbourhood_code:") for p in problems)
    assert error.field == "kind"  # the first problem's column


def test_a_pack_reusing_a_team_code_held_by_another_area_is_refused_naming_the_code(db, tmp_path):
    load_area(db.session, LLR_PACK)
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "area.csv", 2, "code", "OTHER")
    lpt_teams_before = {t.code: t.area.code for t in _teams(db, "LLR")}

    error = _refusal(db, pack)

    assert "'LLRCAP' belongs to the area LLR" in error.message
    assert {t.code: t.area.code for t in _teams(db, "LLR")} == lpt_teams_before
    assert db.session.scalar(sa.select(Area).where(Area.code == "OTHER")) is None


# --- Through the command line ---------------------------------------------------------------


def _load_by_cli(app: Flask, pack: Path):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["hubs", "area", "load", str(pack)])


def _map_counts() -> dict[str, int]:
    return {m.__tablename__: count_rows(m) for m in (Area, Team, Neighbourhood, GpPractice)}


def test_cli_refuses_a_pack_with_a_bad_row_and_loads_none_of_it(db, app, tmp_path):
    load_area(db.session, LEEDS_PACK)
    db.session.commit()
    before = _map_counts()
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "teams.csv", 4, "kind", "not_a_kind")

    result = _load_by_cli(app, pack)

    assert result.exit_code != 0
    assert "teams.csv line 4, kind" in result.output
    assert _map_counts() == before


def test_cli_rolls_back_the_area_when_its_community_offers_are_bad(db, app, tmp_path):
    load_area(db.session, LEEDS_PACK)
    db.session.commit()
    before = _map_counts()
    pack = _copy_pack(tmp_path)
    _set_cell(pack / "community_offers.csv", 2, "code", "NOSUCHSERVICE")

    result = _load_by_cli(app, pack)

    assert result.exit_code != 0
    assert "community_offers.csv line 2" in result.output
    assert _map_counts() == before


def test_cli_loads_a_good_pack_and_a_re_run_updates_a_changed_team_name(db, app, tmp_path):
    pack = _copy_pack(tmp_path)

    first = _load_by_cli(app, pack)
    assert first.exit_code == 0, first.output
    after_first = _map_counts()
    assert after_first["areas"] == 1 and after_first["teams"] == 12
    _set_cell(pack / "teams.csv", 3, "name", "Renamed treatment and recovery team")

    again = _load_by_cli(app, pack)

    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _team(db, "LLRTRT1").name == "Renamed treatment and recovery team"
    assert _map_counts() == after_first
