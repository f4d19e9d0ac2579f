"""Read side of the trackers, for a person's page and for a whole caseload at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from hubs.core.types import today as utc_today
from hubs.trackers.models import EmploymentCheck, HealthCheckRecord, IpsReferral
from hubs.trackers.rules import HealthCheckStatus, health_check_status


def health_status_for_many(
    session: Session, person_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, HealthCheckStatus]:
    """Each person's physical health check status, from one query."""
    day = today or utc_today()
    ids = list(person_ids)
    records: dict[int, list[tuple[object, dt.date]]] = defaultdict(list)
    if ids:
        rows = session.execute(
            sa.select(
                HealthCheckRecord.person_id, HealthCheckRecord.element, HealthCheckRecord.done_on
            ).where(HealthCheckRecord.person_id.in_(ids))
        )
        for person_id, element, done_on in rows:
            records[person_id].append((element, done_on))
    return {pid: health_check_status(records[pid], day) for pid in ids}  # type: ignore[arg-type]


@dataclass(frozen=True)
class PersonTrackers:
    health: HealthCheckStatus
    health_records: list[HealthCheckRecord]
    employment: list[EmploymentCheck]
    ips_referrals: list[IpsReferral]

    @property
    def latest_smoking(self) -> HealthCheckRecord | None:
        return next((r for r in self.health_records if r.smoking_status is not None), None)


def person_trackers(
    session: Session, person_id: int, today: dt.date | None = None
) -> PersonTrackers:
    """A person's health check records (newest first), employment answers and IPS referrals."""
    day = today or utc_today()
    records = list(
        session.scalars(
            sa.select(HealthCheckRecord)
            .where(HealthCheckRecord.person_id == person_id)
            .options(joinedload(HealthCheckRecord.recorded_by))
            .order_by(HealthCheckRecord.done_on.desc(), HealthCheckRecord.id.desc())
        )
    )
    employment = list(
        session.scalars(
            sa.select(EmploymentCheck)
            .where(EmploymentCheck.person_id == person_id)
            .order_by(EmploymentCheck.asked_on.desc(), EmploymentCheck.id.desc())
        )
    )
    ips = list(
        session.scalars(
            sa.select(IpsReferral)
            .where(IpsReferral.person_id == person_id)
            .options(joinedload(IpsReferral.service))
            .order_by(IpsReferral.referred_on.desc(), IpsReferral.id.desc())
        )
    )
    status = health_check_status(((r.element, r.done_on) for r in records), day)
    return PersonTrackers(status, records, employment, ips)
