"""Loading what community offers help with, where and when they run, from the shipped CSV.

Each area pack's `community_offers.csv` gives, per directory service code: its
neighbourhood (blank for area-wide), weekly sessions
(`tue 10:00-12:00; weekdays 09:00-17:00; daily 18:00-02:00`),
accessibility features and the need domains it helps with. Loading is idempotent and a bad
line is refused naming the file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.errors import ValidationError
from hubs.directory.models import AccessFeature, Service
from hubs.directory.packs import AREAS_DIR, SHIPPED_PACKS
from hubs.directory.services import SessionTimes, set_service_profile
from hubs.referrals.models import NeedDomain
from hubs.support.models import OfferNeed

OFFERS_FILE = "community_offers.csv"
DAYS = {name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
DAY_GROUPS = {"weekdays": range(5), "weekends": range(5, 7), "daily": range(7)}


def parse_sessions(spec: str) -> list[SessionTimes]:
    """`tue 10:00-12:00; weekdays 09:00-17:00` as weekly sessions."""
    sessions = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        day, _, times = part.partition(" ")
        opens, _, closes = times.partition("-")
        weekdays = DAY_GROUPS.get(day) or [DAYS[day]]
        start, end = dt.time.fromisoformat(opens.strip()), dt.time.fromisoformat(closes.strip())
        sessions += [SessionTimes(d, start, end) for d in weekdays]
    return sessions


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def _set_needs(session: Session, service: Service, needs: list[NeedDomain]) -> None:
    existing = {
        n.domain: n
        for n in session.scalars(sa.select(OfferNeed).where(OfferNeed.service_id == service.id))
    }
    for domain, row in existing.items():
        if domain not in needs:
            session.delete(row)
    for domain in needs:
        if domain not in existing:
            session.add(OfferNeed(service_id=service.id, domain=domain))


def _load_row(session: Session, row: dict[str, str], where: str) -> None:
    service = session.scalar(sa.select(Service).where(Service.code == row["code"]))
    if service is None:
        raise ValidationError(f"{where}: unknown service code {row['code']!r}", field="code")
    try:
        sessions = parse_sessions(row["sessions"])
        features = [AccessFeature(f) for f in _split(row["accessibility"])]
        needs = [NeedDomain(n) for n in _split(row["needs"])]
    except (KeyError, ValueError) as error:
        raise ValidationError(f"{where}: {error}", field="code") from error
    try:
        set_service_profile(
            session,
            service,
            neighbourhood_code=row["neighbourhood_code"] or None,
            sessions=sessions,
            features=features,
        )
    except ValidationError as error:
        raise ValidationError(f"{where}: {error.message}", field="code") from error
    _set_needs(session, service, needs)


def load_offer_details(session: Session, path: Path) -> int:
    """Set each listed service's neighbourhood, sessions, accessibility and needs; returns
    how many. A pack without the file has no offer details to set."""
    count = 0
    if not path.exists():
        return 0
    with path.open(newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            _load_row(session, row, f"{path.name} line {line_no}")
            count += 1
    session.flush()
    return count


def load_shipped_offers(session: Session) -> int:
    """The offer details of every pack that ships in the repo."""
    return sum(
        load_offer_details(session, AREAS_DIR / name / OFFERS_FILE) for name in SHIPPED_PACKS
    )
