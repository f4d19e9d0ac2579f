"""Area packs: an area's map, organisations, teams, practices and services from a folder.

A pack is a folder of CSV files (`area.csv`, `places.csv`, `neighbourhoods.csv`,
`organisations.csv`, `teams.csv`, `gp_practices.csv`, `services.csv`; `community_offers.csv`
is read by `hubs.support.offers`). Every row of every file is checked before anything is
written, and every problem is reported at once, naming the file, line and field. Loading
only flushes: the caller's one transaction commits the whole pack or nothing. Rows are
matched on their code, so a pack can be re-run to update an area.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import ValidationError
from hubs.directory.models import (
    Area,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    Place,
    RoutingRule,
    ServiceKind,
    Team,
    TeamKind,
)

AREAS_DIR = Path(__file__).resolve().parent / "areas"
#: The packs `flask hubs demo` loads, in order.
SHIPPED_PACKS = ("leeds", "llr")
#: Teams that are themselves a service people are referred to, given one if the pack has none.
OWN_SERVICE_KINDS = {TeamKind.COMMUNITY_HUB, TeamKind.TREATMENT_RECOVERY, TeamKind.CENTRAL_ACCESS}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, was_new: bool) -> None:
        bucket = self.created if was_new else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return (self.values.get(name) or "").strip()


class PackErrors:
    """Every problem in a pack, so the person loading it can fix them in one go."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def add(self, row: Row, column: str, message: str) -> None:
        where = f"{row.file} line {row.line}" if row.line else row.file
        self.problems.append((f"{where}, {column}: {message}", column))

    def check(self, row: Row, column: str, parse: Callable[[str], Any]) -> Any:
        try:
            return parse(row[column])
        except (KeyError, ValueError) as error:
            self.add(row, column, str(error) or "not valid")
            return None

    def raise_any(self) -> None:
        if self.problems:
            text = "; ".join(message for message, _ in self.problems)
            raise ValidationError(text, field=self.problems[0][1])


def read_rows(folder: Path, name: str, required: bool = True) -> list[Row]:
    path = folder / name
    if not path.exists():
        if required:
            raise ValidationError(f"{name}: missing from the pack {folder.name}", field=name)
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [Row(name, n, dict(values)) for n, values in enumerate(reader, start=2)]


# --- Parsing one value ----------------------------------------------------------------------


def _required(value: str) -> str:
    if not value:
        raise ValueError("is required")
    return value


def _bool(value: str) -> bool:
    if value.lower() not in {"true", "false", "yes", "no", "1", "0", ""}:
        raise ValueError(f"{value!r} is not true or false")
    return value.lower() in {"true", "yes", "1"}


def _int(value: str) -> int | None:
    return int(value) if value else None


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _choice(kind: type[Any]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(k.value for k in kind)
            raise ValueError(f"{value!r} is not one of {allowed}") from None

    return parse


# --- The pack, checked ----------------------------------------------------------------------


@dataclass
class Pack:
    """What a pack says, parsed and cross-checked, ready to write."""

    area: dict[str, Any]
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    neighbourhoods: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    practices: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)


def _known(session: Session, model: type[Any], codes: set[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.scalars(sa.select(model.code).where(model.code.in_(codes))))


def _unique(errors: PackErrors, seen: dict[str, Any], row: Row, code: str | None) -> bool:
    if code is None:
        return False
    if code in seen:
        errors.add(row, "code", f"{code!r} appears twice")
        return False
    return True


def _read_area(folder: Path, errors: PackErrors) -> dict[str, Any]:
    rows = read_rows(folder, "area.csv")
    if len(rows) != 1:
        raise ValidationError("area.csv: must hold exactly one area", field="area.csv")
    row = rows[0]
    days = errors.check(row, "wait_target_days", _int) or 28
    if not 1 <= days <= 365:
        errors.add(row, "wait_target_days", "must be between 1 and 365 days")
    return {
        "code": errors.check(row, "code", _required),
        "name": errors.check(row, "name", _required),
        "strategy_name": errors.check(row, "strategy_name", _required),
        "routing": errors.check(row, "routing", _choice(RoutingRule)),
        "wait_target_days": days,
        "neighbourhood_label": row["neighbourhood_label"] or "Neighbourhood",
    }


def _read_places(folder: Path, pack: Pack, errors: PackErrors) -> None:
    for row in read_rows(folder, "places.csv"):
        code = errors.check(row, "code", _required)
        if _unique(errors, pack.places, row, code):
            pack.places[code] = {"name": errors.check(row, "name", _required)}


def _read_neighbourhoods(folder: Path, pack: Pack, errors: PackErrors) -> None:
    for row in read_rows(folder, "neighbourhoods.csv"):
        code = errors.check(row, "code", _required)
        if row["place_code"] not in pack.places:
            errors.add(row, "place_code", f"{row['place_code']!r} is not a place in places.csv")
        if _unique(errors, pack.neighbourhoods, row, code):
            pack.neighbourhoods[code] = {
                "name": errors.check(row, "name", _required),
                "place": row["place_code"],
                "is_early_implementer": errors.check(row, "is_early_implementer", _bool),
                "is_demo": errors.check(row, "is_demo", _bool),
            }


def _read_organisations(folder: Path, pack: Pack, errors: PackErrors) -> None:
    for row in read_rows(folder, "organisations.csv"):
        code = errors.check(row, "code", _required)
        if _unique(errors, pack.organisations, row, code):
            pack.organisations[code] = {
                "name": errors.check(row, "name", _required),
                "kind": errors.check(row, "kind", _choice(OrganisationKind)),
            }


def _covers(row: Row, pack: Pack, errors: PackErrors) -> list[str]:
    """`area`, `place:CODE` or neighbourhood codes separated by spaces."""
    spec = row["covers"]
    if spec == "area":
        return sorted(pack.neighbourhoods)
    if spec.startswith("place:"):
        place = spec.removeprefix("place:")
        if place not in pack.places:
            errors.add(row, "covers", f"{place!r} is not a place in places.csv")
        return sorted(c for c, n in pack.neighbourhoods.items() if n["place"] == place)
    codes = spec.split()
    for code in codes:
        if code not in pack.neighbourhoods:
            errors.add(row, "covers", f"{code!r} is not a neighbourhood in neighbourhoods.csv")
    return codes


def _age_range(row: Row, errors: PackErrors) -> tuple[int | None, int | None]:
    low, high = errors.check(row, "min_age", _int), errors.check(row, "max_age", _int)
    if low is not None and high is not None and low > high:
        errors.add(row, "max_age", "must not be below min_age")
    return low, high


def _organisation(row: Row, pack: Pack, known: set[str], errors: PackErrors) -> str | None:
    code = row["organisation_code"] or None
    if code is not None and code not in pack.organisations and code not in known:
        errors.add(row, "organisation_code", f"{code!r} is not a known organisation")
    return code


def _read_teams(folder: Path, pack: Pack, known_orgs: set[str], errors: PackErrors) -> None:
    for row in read_rows(folder, "teams.csv"):
        code = errors.check(row, "code", _required)
        low, high = _age_range(row, errors)
        values = {
            "name": errors.check(row, "name", _required),
            "kind": errors.check(row, "kind", _choice(TeamKind)),
            "organisation": _organisation(row, pack, known_orgs, errors),
            "covers": _covers(row, pack, errors),
            "min_age": low,
            "max_age": high,
            "go_live_on": errors.check(row, "go_live_on", _date),
        }
        if _unique(errors, pack.teams, row, code):
            pack.teams[code] = values
    if pack.area.get("routing") == RoutingRule.CENTRAL_ACCESS and not any(
        t["kind"] == TeamKind.CENTRAL_ACCESS for t in pack.teams.values()
    ):
        errors.add(Row("teams.csv", 0, {}), "kind", "routing is central_access: add its team")


def _read_practices(folder: Path, pack: Pack, errors: PackErrors) -> None:
    for row in read_rows(folder, "gp_practices.csv"):
        code = errors.check(row, "code", _required)
        where = row["neighbourhood_code"]
        if where not in pack.neighbourhoods:
            errors.add(row, "neighbourhood_code", f"{where!r} is not in neighbourhoods.csv")
        if _unique(errors, pack.practices, row, code):
            pack.practices[code] = {
                "name": errors.check(row, "name", _required),
                "neighbourhood": where,
                "postcode": row["postcode"] or None,
            }


def _read_services(folder: Path, pack: Pack, known_orgs: set[str], errors: PackErrors) -> None:
    for row in read_rows(folder, "services.csv"):
        code = errors.check(row, "code", _required)
        team = row["team_code"] or None
        if team is not None and team not in pack.teams:
            errors.add(row, "team_code", f"{team!r} is not a team in teams.csv")
        low, high = _age_range(row, errors)
        if _unique(errors, pack.services, row, code):
            pack.services[code] = {
                "name": errors.check(row, "name", _required),
                "kind": errors.check(row, "kind", _choice(ServiceKind)),
                "organisation": _organisation(row, pack, known_orgs, errors),
                "team": team,
                "phone": row["phone"] or None,
                "opening_hours": row["opening_hours"] or None,
                "min_age": low,
                "max_age": high,
                "description": row["description"],
            }


def read_pack(session: Session, folder: Path) -> Pack:
    """Parse and check every row of a pack, raising one error that lists every problem."""
    if not folder.is_dir():
        raise ValidationError(f"{folder}: no such pack folder", field="path")
    errors = PackErrors()
    pack = Pack(area=_read_area(folder, errors))
    _read_places(folder, pack, errors)
    _read_neighbourhoods(folder, pack, errors)
    _read_organisations(folder, pack, errors)
    orgs = (
        {
            r["organisation_code"].strip()
            for n in ("teams.csv", "services.csv")
            for r in _raw(folder, n)
        }
        - set(pack.organisations)
        - {""}
    )
    known_orgs = _known(session, Organisation, orgs)
    _read_teams(folder, pack, known_orgs, errors)
    _read_practices(folder, pack, errors)
    _read_services(folder, pack, known_orgs, errors)
    _check_not_elsewhere(session, pack, errors)
    errors.raise_any()
    return pack


def _raw(folder: Path, name: str) -> Iterator[dict[str, str]]:
    for row in read_rows(folder, name, required=False):
        yield {k: v or "" for k, v in row.values.items() if k}


def _check_not_elsewhere(session: Session, pack: Pack, errors: PackErrors) -> None:
    """A code another area already holds is refused: one pack must not take over another's
    places, neighbourhoods or teams by reusing a code."""
    code = pack.area.get("code")
    for model, codes, name in (
        (Place, pack.places, "places.csv"),
        (Neighbourhood, pack.neighbourhoods, "neighbourhoods.csv"),
        (Team, pack.teams, "teams.csv"),
    ):
        area_of = _area_code_of(model)
        taken = session.execute(
            sa.select(model.code, area_of).where(model.code.in_(list(codes)))
        ).tuples()
        for taken_code, owner in taken:
            if owner != code:
                row = Row(name, 0, {})
                errors.add(row, "code", f"{taken_code!r} belongs to the area {owner}")


def _area_code_of(model: type[Any]) -> sa.ScalarSelect[str]:
    if model is Place:
        return sa.select(Area.code).where(Area.id == Place.area_id).scalar_subquery()
    if model is Team:
        return sa.select(Area.code).where(Area.id == Team.area_id).scalar_subquery()
    return (
        sa.select(Area.code)
        .join(Place, Place.area_id == Area.id)
        .where(Place.id == Neighbourhood.place_id)
        .scalar_subquery()
    )
