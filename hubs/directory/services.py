"""Loading the directory's reference data from the CSV files that ship with the repo."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import ValidationError
from hubs.directory.models import (
    AccessFeature,
    GpPractice,
    Hub,
    Lcp,
    Organisation,
    OrganisationKind,
    Service,
    ServiceAccessFeature,
    ServiceKind,
    ServiceSession,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, was_new: bool) -> None:
        bucket = self.created if was_new else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            row["_where"] = f"{path.name} line {line_no}"
            yield row


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Report a malformed value (bad kind, date or number) with the file and line it is on."""
    try:
        yield
    except (KeyError, ValueError) as error:
        raise ValidationError(f"{where}: {error}", field="code") from error


def _bool(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "1"}


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value.strip() else None


def _upsert(
    session: Session, model: type[Any], code: str, values: dict[str, Any]
) -> tuple[Any, bool]:
    obj = session.scalar(sa.select(model).where(model.code == code))
    is_new = obj is None
    if is_new:
        obj = model(code=code)
        session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    return obj, is_new


def _by_code(session: Session, model: type[Any], code: str, where: str) -> Any:
    obj = session.scalar(sa.select(model).where(model.code == code))
    if obj is None:
        raise ValidationError(f"{where}: unknown {model.__tablename__} code {code!r}", field="code")
    return obj


def _load_lcps(session: Session, report: LoadReport, data_dir: Path) -> None:
    for row in _rows(data_dir / "lcps.csv"):
        with _at(row["_where"]):
            values = {
                "name": row["name"],
                "is_early_implementer": _bool(row["is_early_implementer"]),
                "is_demo": _bool(row["is_demo"]),
            }
            go_live_on = _date(row["go_live_on"])
        lcp, is_new = _upsert(session, Lcp, row["code"], values)
        report.count("lcps", is_new)
        session.flush()
        hub = session.scalar(sa.select(Hub).where(Hub.lcp_id == lcp.id))
        if hub is None:
            hub = Hub(lcp_id=lcp.id)
            session.add(hub)
        report.count("hubs", hub.id is None)
        hub.name = row["hub_name"]
        hub.go_live_on = go_live_on


def _load_organisations(session: Session, report: LoadReport, data_dir: Path) -> None:
    for row in _rows(data_dir / "organisations.csv"):
        with _at(row["_where"]):
            values = {"name": row["name"], "kind": OrganisationKind(row["kind"])}
        report.count("organisations", _upsert(session, Organisation, row["code"], values)[1])


def _load_practices(session: Session, report: LoadReport, data_dir: Path) -> None:
    for row in _rows(data_dir / "gp_practices.csv"):
        lcp = _by_code(session, Lcp, row["lcp_code"], row["_where"])
        values = {"name": row["name"], "lcp_id": lcp.id, "postcode": row["postcode"] or None}
        report.count("gp_practices", _upsert(session, GpPractice, row["code"], values)[1])


def _load_services(session: Session, report: LoadReport, data_dir: Path) -> None:
    for row in _rows(data_dir / "services.csv"):
        org_code = row["organisation_code"].strip()
        org = _by_code(session, Organisation, org_code, row["_where"]) if org_code else None
        with _at(row["_where"]):
            values = _service_values(row)
        values["organisation_id"] = org.id if org else None
        report.count("services", _upsert(session, Service, row["code"], values)[1])


def _service_values(row: dict[str, str]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "kind": ServiceKind(row["kind"]),
        "phone": row["phone"] or None,
        "opening_hours": row["opening_hours"] or None,
        "min_age": _int(row["min_age"]),
        "max_age": _int(row["max_age"]),
        "description": row["description"],
    }


def _ensure_hub_team_services(session: Session, report: LoadReport) -> None:
    """Every hub is itself a service people are referred to."""
    trust = session.scalar(sa.select(Organisation).where(Organisation.code == "LYPFT"))
    for hub in session.scalars(sa.select(Hub).join(Hub.lcp).order_by(Lcp.code)):
        values = {
            "name": f"{hub.name} team",
            "kind": ServiceKind.HUB_TEAM,
            "hub_id": hub.id,
            "organisation_id": trust.id if trust else None,
            "opening_hours": "Monday to Friday 9am to 5pm",
            "min_age": 16,
            "description": "Integrated community mental health support around your needs.",
        }
        report.count("services", _upsert(session, Service, f"HUB-{hub.lcp.code}", values)[1])


def load_reference_data(session: Session, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update LCPs, hubs, organisations, practices and services from CSV (idempotent)."""
    report = LoadReport()
    _load_lcps(session, report, data_dir)
    _load_organisations(session, report, data_dir)
    session.flush()
    _load_practices(session, report, data_dir)
    _load_services(session, report, data_dir)
    session.flush()
    _ensure_hub_team_services(session, report)
    session.flush()
    return report


@dataclass(frozen=True)
class SessionTimes:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time


def set_service_profile(
    session: Session,
    service: Service,
    *,
    lcp_code: str | None,
    sessions: list[SessionTimes],
    features: list[AccessFeature],
) -> Service:
    """Replace where, when and how accessibly a service runs (what offer searches read)."""
    lcp = None
    if lcp_code:
        lcp = session.scalar(sa.select(Lcp).where(Lcp.code == lcp_code))
        if lcp is None:
            raise ValidationError(f"Unknown LCP code {lcp_code!r}", field="lcp_code")
    for times in sessions:
        if not 0 <= times.weekday <= 6:
            raise ValidationError("A weekday is 0 (Monday) to 6 (Sunday)", field="sessions")
    service.lcp_id = lcp.id if lcp else None
    service.sessions = [
        ServiceSession(weekday=t.weekday, opens_at=t.opens_at, closes_at=t.closes_at)
        for t in sessions
    ]
    # Keep rows that stay: replacing them all would insert a duplicate before the delete.
    wanted = set(features)
    kept = [row for row in service.access_features if row.feature in wanted]
    have = {row.feature for row in kept}
    service.access_features = kept + [
        ServiceAccessFeature(feature=f) for f in sorted(wanted - have)
    ]
    session.flush()
    return service
