"""Writing a checked area pack (`hubs.directory.packs`): created or updated by code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.directory.models import (
    Area,
    GpPractice,
    Neighbourhood,
    Organisation,
    Place,
    Service,
    ServiceKind,
    Team,
    TeamKind,
)
from hubs.directory.packs import (
    AREAS_DIR,
    OWN_SERVICE_KINDS,
    SHIPPED_PACKS,
    LoadReport,
    Pack,
    read_pack,
)


def _upsert(
    session: Session, report: LoadReport, model: type[Any], code: str, values: dict[str, Any]
) -> Any:
    obj = session.scalar(sa.select(model).where(model.code == code))
    report.count(model.__tablename__, obj is None)
    if obj is None:
        obj = model(code=code)
        session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    return obj


def _ids(session: Session, model: type[Any], codes: set[str]) -> dict[str, int]:
    rows = session.execute(sa.select(model.code, model.id).where(model.code.in_(codes)))
    return dict(rows.tuples().all())


def _write_map(session: Session, pack: Pack, report: LoadReport) -> Area:
    area = _upsert(
        session,
        report,
        Area,
        pack.area["code"],
        {k: v for k, v in pack.area.items() if k != "code"},
    )
    session.flush()
    for code, values in pack.places.items():
        _upsert(session, report, Place, code, {**values, "area_id": area.id})
    session.flush()
    places = _ids(session, Place, set(pack.places))
    for code, values in pack.neighbourhoods.items():
        place_id = places[values["place"]]
        fields = {k: v for k, v in values.items() if k != "place"}
        _upsert(session, report, Neighbourhood, code, {**fields, "place_id": place_id})
    for code, values in pack.organisations.items():
        _upsert(session, report, Organisation, code, values)
    session.flush()
    return area


def _write_teams(session: Session, pack: Pack, area: Area, report: LoadReport) -> None:
    orgs = _ids(session, Organisation, {t["organisation"] for t in pack.teams.values()} - {None})
    covered = {c for t in pack.teams.values() for c in t["covers"]}
    neighbourhoods = {
        n.code: n
        for n in session.scalars(sa.select(Neighbourhood).where(Neighbourhood.code.in_(covered)))
    }
    for code, values in pack.teams.items():
        fields = {k: v for k, v in values.items() if k not in {"organisation", "covers"}}
        team = _upsert(
            session,
            report,
            Team,
            code,
            {
                **fields,
                "area_id": area.id,
                "organisation_id": orgs.get(values["organisation"]),
            },
        )
        team.neighbourhoods = [neighbourhoods[c] for c in values["covers"]]
    session.flush()


def _write_places_of_care(session: Session, pack: Pack, report: LoadReport) -> None:
    neighbourhoods = _ids(
        session, Neighbourhood, {p["neighbourhood"] for p in pack.practices.values()}
    )
    for code, values in pack.practices.items():
        _upsert(
            session,
            report,
            GpPractice,
            code,
            {
                "name": values["name"],
                "neighbourhood_id": neighbourhoods[values["neighbourhood"]],
                "postcode": values["postcode"],
            },
        )
    orgs = _ids(session, Organisation, {s["organisation"] for s in pack.services.values()} - {None})
    teams = _ids(session, Team, {s["team"] for s in pack.services.values()} - {None})
    for code, values in pack.services.items():
        fields = {k: v for k, v in values.items() if k not in {"organisation", "team"}}
        _upsert(
            session,
            report,
            Service,
            code,
            {
                **fields,
                "organisation_id": orgs.get(values["organisation"]),
                "team_id": teams.get(values["team"]),
            },
        )
    session.flush()


def _ensure_team_services(session: Session, pack: Pack, report: LoadReport) -> None:
    """A hub, a treatment and recovery team or a central access point is itself a service
    people are referred to; the pack may name it, else it gets one (`HUB-` + its code for a
    Leeds hub, as before packs existed, `TEAM-` + its code for the others)."""
    named = {s["team"] for s in pack.services.values() if s["team"]}
    for code, values in pack.teams.items():
        if code in named or values["kind"] not in OWN_SERVICE_KINDS:
            continue
        team = session.scalar(sa.select(Team).where(Team.code == code))
        prefix = "HUB" if values["kind"] == TeamKind.COMMUNITY_HUB else "TEAM"
        _upsert(
            session,
            report,
            Service,
            f"{prefix}-{code}",
            {
                "name": f"{values['name']} team",
                "kind": ServiceKind.HUB_TEAM,
                "team_id": team.id,
                "organisation_id": team.organisation_id,
                "opening_hours": "Monday to Friday 9am to 5pm",
                "min_age": values["min_age"],
                "max_age": values["max_age"],
                "description": "Integrated community mental health support around your needs.",
            },
        )
    session.flush()


def load_area(session: Session, folder: Path) -> LoadReport:
    """Create or update one area from its pack; every row is checked first (flush only)."""
    pack = read_pack(session, folder)
    report = LoadReport()
    area = _write_map(session, pack, report)
    _write_teams(session, pack, area, report)
    _write_places_of_care(session, pack, report)
    _ensure_team_services(session, pack, report)
    return report


def load_shipped_areas(session: Session, root: Path = AREAS_DIR) -> LoadReport:
    """The packs that ship in the repo (Leeds, then Leicester, Leicestershire and Rutland)."""
    total = LoadReport()
    for name in SHIPPED_PACKS:
        report = load_area(session, root / name)
        for kind, n in report.created.items():
            total.created[kind] = total.created.get(kind, 0) + n
        for kind, n in report.updated.items():
            total.updated[kind] = total.updated.get(kind, 0) + n
    return total
