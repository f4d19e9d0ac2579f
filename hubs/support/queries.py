"""Read side of support: a person's support log, and the community offers search.

Each read issues a fixed number of statements, however long the log or the result list.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from hubs.directory.models import (
    AccessFeature,
    Service,
    ServiceAccessFeature,
    ServiceKind,
    ServiceSession,
)
from hubs.referrals.models import NeedDomain
from hubs.support.models import Contact, OfferNeed, Signposting

LOG_PAGE_SIZE = 50
OFFER_PAGE_SIZE = 50


class DayPart(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def label(self) -> str:
        return {
            "morning": "Morning (before 12pm)",
            "afternoon": "Afternoon (12pm to 5pm)",
            "evening": "Evening (after 5pm)",
        }[self.value]

    @property
    def bounds(self) -> tuple[dt.time, dt.time]:
        return DAY_PART_BOUNDS[self]


END_OF_DAY = dt.time(23, 59, 59)
DAY_PART_BOUNDS = {
    DayPart.MORNING: (dt.time(6, 0), dt.time(12, 0)),
    DayPart.AFTERNOON: (dt.time(12, 0), dt.time(17, 0)),
    DayPart.EVENING: (dt.time(17, 0), END_OF_DAY),
}


@dataclass(frozen=True)
class OfferFilters:
    need: NeedDomain | None = None
    neighbourhood_id: int | None = None
    weekday: int | None = None
    day_part: DayPart | None = None
    features: tuple[AccessFeature, ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self == OfferFilters()


@dataclass(frozen=True)
class OfferResults:
    items: list[Service]
    needs: dict[int, list[NeedDomain]]
    total: int


def _open_when(filters: OfferFilters) -> sa.ColumnElement[bool]:
    """A weekly session on the day and overlapping the part of the day asked for."""
    conditions = [ServiceSession.service_id == Service.id]
    if filters.weekday is not None:
        conditions.append(ServiceSession.weekday == filters.weekday)
    if filters.day_part is not None:
        start, end = filters.day_part.bounds
        # A session closing at or before it opens runs past midnight: it is open till the end.
        closes = sa.case(
            (ServiceSession.closes_at <= ServiceSession.opens_at, sa.literal(END_OF_DAY, sa.Time)),
            else_=ServiceSession.closes_at,
        )
        conditions += [ServiceSession.opens_at < end, closes > start]
    return sa.exists(sa.select(ServiceSession.id).where(*conditions))


def _offer_query(filters: OfferFilters) -> sa.Select[tuple[Service]]:
    query = sa.select(Service).where(
        Service.is_active.is_(True), Service.kind != ServiceKind.HUB_TEAM
    )
    if filters.need is not None:
        tagged = sa.select(OfferNeed.service_id).where(OfferNeed.domain == filters.need)
        query = query.where(Service.id.in_(tagged))
    if filters.neighbourhood_id is not None:
        # Offers local to the LCP, and city-wide ones that serve everyone.
        query = query.where(
            sa.or_(
                Service.neighbourhood_id == filters.neighbourhood_id,
                Service.neighbourhood_id.is_(None),
            )
        )
    if filters.weekday is not None or filters.day_part is not None:
        query = query.where(_open_when(filters))
    for feature in filters.features:
        query = query.where(
            Service.id.in_(
                sa.select(ServiceAccessFeature.service_id).where(
                    ServiceAccessFeature.feature == feature
                )
            )
        )
    if filters.text.strip():
        pattern = f"%{filters.text.strip().lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Service.name).like(pattern),
                sa.func.lower(Service.description).like(pattern),
            )
        )
    return query


def search_offers(
    session: Session, filters: OfferFilters, limit: int = OFFER_PAGE_SIZE
) -> OfferResults:
    """Active services and community offers matching every filter given, by name."""
    query = _offer_query(filters)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(
            query.options(
                joinedload(Service.organisation),
                joinedload(Service.neighbourhood),
                selectinload(Service.sessions),
                selectinload(Service.access_features),
            )
            .order_by(Service.neighbourhood_id.is_(None), Service.name)
            .limit(limit)
        ).unique()
    )
    return OfferResults(items, offer_needs(session, [s.id for s in items]), total)


def offer_needs(session: Session, service_ids: list[int]) -> dict[int, list[NeedDomain]]:
    needs: dict[int, list[NeedDomain]] = defaultdict(list)
    if service_ids:
        rows = session.execute(
            sa.select(OfferNeed.service_id, OfferNeed.domain)
            .where(OfferNeed.service_id.in_(service_ids))
            .order_by(OfferNeed.id)
        )
        for service_id, domain in rows:
            needs[service_id].append(domain)
    return needs


@dataclass(frozen=True)
class SupportLog:
    contacts: list[Contact]
    total_contacts: int
    signpostings: list[Signposting]
    follow_ups_due: list[Signposting] = field(default_factory=list)


def support_log(session: Session, person_id: int) -> SupportLog:
    """The person's contacts (newest first) and signpostings, for a page."""
    contacts = list(
        session.scalars(
            sa.select(Contact)
            .where(Contact.person_id == person_id)
            .options(
                joinedload(Contact.worker),
                selectinload(Contact.activities),
                selectinload(Contact.needs),
            )
            .order_by(Contact.contact_on.desc(), Contact.id.desc())
            .limit(LOG_PAGE_SIZE)
        )
    )
    total = session.scalar(
        sa.select(sa.func.count(Contact.id)).where(Contact.person_id == person_id)
    )
    signpostings = list(
        session.scalars(
            sa.select(Signposting)
            .where(Signposting.person_id == person_id)
            .options(joinedload(Signposting.service), joinedload(Signposting.worker))
            .order_by(Signposting.signposted_on.desc(), Signposting.id.desc())
        )
    )
    due = [s for s in signpostings if s.is_follow_up_due]
    return SupportLog(contacts, total or 0, signpostings, due)


@dataclass(frozen=True)
class ContactPage:
    items: list[Contact]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def contacts_page(
    session: Session, scope: sa.ColumnElement[bool], person_id: int | None, page: int, per_page: int
) -> ContactPage:
    """Contacts the actor may see (`scope` is the support rule), newest first."""
    query = sa.select(Contact).where(scope)
    if person_id is not None:
        query = query.where(Contact.person_id == person_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(
            query.options(selectinload(Contact.activities), selectinload(Contact.needs))
            .order_by(Contact.contact_on.desc(), Contact.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return ContactPage(items, total, page, per_page)
