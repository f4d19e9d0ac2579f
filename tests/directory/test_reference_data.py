"""The directory's reference data: the shipped CSVs load completely, idempotently, and a bad
file is refused with the file and line that is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from hubs.core.errors import ValidationError
from hubs.directory.models import GpPractice, Hub, Lcp, Organisation, Service, ServiceKind
from hubs.directory.services import DATA_DIR, load_reference_data
from tests.helpers.db import count_rows

EARLY_IMPLEMENTERS = {
    "HATCH (Harehills and Chapeltown)",
    "Leeds Student Medical Practice and the Light",
    "West Leeds",
}


@pytest.fixture
def loaded(db):
    return load_reference_data(db.session)


def _counts(db) -> dict[str, int]:
    return {m.__tablename__: count_rows(m) for m in (Lcp, Hub, Organisation, GpPractice, Service)}


def _services(db) -> list[Service]:
    return list(db.session.scalars(sa.select(Service)))


def _service_named(db, fragment: str) -> Service:
    matches = [s for s in _services(db) if fragment.lower() in s.name.lower()]
    assert len(matches) == 1, f"expected one service named like {fragment!r}, got {matches}"
    return matches[0]


def test_nineteen_lcps_load_each_with_exactly_one_hub(db, loaded):
    lcps = db.session.scalars(sa.select(Lcp)).all()

    assert len(lcps) == 19
    assert count_rows(Hub) == 19
    hubs_per_lcp = dict(
        db.session.execute(sa.select(Hub.lcp_id, sa.func.count(Hub.id)).group_by(Hub.lcp_id)).all()
    )
    assert hubs_per_lcp == {lcp.id: 1 for lcp in lcps}
    assert all(lcp.hub is not None and lcp.hub.name for lcp in lcps)


def test_only_the_three_early_implementers_are_real_and_the_rest_are_marked_demo(db, loaded):
    lcps = db.session.scalars(sa.select(Lcp)).all()

    real = {lcp.name for lcp in lcps if not lcp.is_demo}
    assert real == EARLY_IMPLEMENTERS
    assert {lcp.name for lcp in lcps if lcp.is_early_implementer} == EARLY_IMPLEMENTERS
    for lcp in lcps:
        if lcp.is_demo:
            assert "(fictional)" in lcp.name or "Demo" in lcp.name, lcp.name
            assert "(fictional)" in lcp.hub.name or "Demo" in lcp.hub.name, lcp.hub.name


def test_every_gp_practice_maps_to_a_loaded_lcp(db, loaded):
    practices = db.session.scalars(sa.select(GpPractice)).all()
    lcp_ids = set(db.session.scalars(sa.select(Lcp.id)))

    assert practices
    assert all(p.lcp_id in lcp_ids for p in practices)
    # ...and every LCP has a practice, so every hub can have people registered in it.
    assert {p.lcp_id for p in practices} == lcp_ids


@pytest.mark.parametrize(
    ("fragment", "kind"),
    [
        ("Aspire", ServiceKind.EARLY_INTERVENTION),
        ("CAMHS", ServiceKind.CAMHS),
        ("Emerge", ServiceKind.SPECIALIST),
        ("Linked-ED", ServiceKind.SPECIALIST),
        ("IPS", ServiceKind.EMPLOYMENT),
        ("Primary Care Therapies", ServiceKind.TALKING_THERAPIES),
        ("NHS Talking Therapies", ServiceKind.TALKING_THERAPIES),
        ("Dial House", ServiceKind.CRISIS),
        ("Connect", ServiceKind.HELPLINE),
        ("crisis cafe", ServiceKind.CRISIS),
        ("Samaritans", ServiceKind.HELPLINE),
        ("NHS 111", ServiceKind.HELPLINE),
    ],
)
def test_city_wide_services_are_in_the_directory(db, loaded, fragment, kind):
    service = _service_named(db, fragment)

    assert service.kind == kind
    assert service.is_active
    assert service.hub_id is None


def test_dial_house_and_connect_open_6pm_to_2am(db, loaded):
    for fragment in ("Dial House", "Connect"):
        assert "6pm to 2am" in _service_named(db, fragment).opening_hours


def test_helpline_numbers_are_right(db, loaded):
    assert _service_named(db, "Samaritans").phone == "116 123"
    assert _service_named(db, "NHS 111").phone == "111"


def test_every_hub_has_a_hub_team_service(db, loaded):
    hub_ids = set(db.session.scalars(sa.select(Hub.id)))
    team_services = [s for s in _services(db) if s.kind == ServiceKind.HUB_TEAM]

    assert sorted(s.hub_id for s in team_services) == sorted(hub_ids)


def test_loading_reference_data_twice_creates_nothing_new(db, loaded):
    first = _counts(db)
    assert loaded.created["lcps"] == 19 and loaded.created["hubs"] == 19

    again = load_reference_data(db.session)

    assert _counts(db) == first
    assert again.created == {}
    assert again.updated["lcps"] == 19 and again.updated["hubs"] == 19


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _replace_line(path: Path, line_no: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_practice_referencing_an_unknown_lcp_is_refused_naming_the_file_and_line(db, tmp_path):
    data = _copy_data(tmp_path)
    _replace_line(data / "gp_practices.csv", 4, "BAD-P01,Bad practice (fictional),NOLCP,LS1 1AA")

    with pytest.raises(ValidationError) as refused:
        load_reference_data(db.session, data)

    message = refused.value.message
    assert "gp_practices.csv line 4" in message
    assert "NOLCP" in message


def test_service_referencing_an_unknown_organisation_is_refused_naming_the_file_and_line(
    db, tmp_path
):
    data = _copy_data(tmp_path)
    _replace_line(
        data / "services.csv", 3, "BADSVC,Bad service,specialist,NOORG,,Mondays,,,Nothing here."
    )

    with pytest.raises(ValidationError) as refused:
        load_reference_data(db.session, data)

    assert "services.csv line 3" in refused.value.message
    assert "NOORG" in refused.value.message


def test_service_with_an_unknown_kind_is_refused_naming_the_file_and_line(db, tmp_path):
    data = _copy_data(tmp_path)
    _replace_line(data / "services.csv", 2, "BADSVC,Bad service,nonsense,LYPFT,,Mondays,,,Nothing.")

    with pytest.raises(ValidationError) as refused:
        load_reference_data(db.session, data)

    assert "services.csv line 2" in refused.value.message
    assert "nonsense" in refused.value.message


def test_lcp_with_a_malformed_go_live_date_is_refused_naming_the_file_and_line(db, tmp_path):
    data = _copy_data(tmp_path)
    _replace_line(data / "lcps.csv", 3, "BADLCP,Bad LCP (fictional),false,true,Bad hub,not-a-date")

    with pytest.raises(ValidationError) as refused:
        load_reference_data(db.session, data)

    assert "lcps.csv line 3" in refused.value.message
