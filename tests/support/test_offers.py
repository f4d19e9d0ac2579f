"""Community offers: searchable by need, LCP, opening times and accessibility; the shipped
offer details load completely and idempotently, and a bad line names its file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from hubs.core.errors import ValidationError
from hubs.directory.loading import load_shipped_areas
from hubs.directory.models import AccessFeature, Service, ServiceKind, ServiceSession
from hubs.directory.packs import AREAS_DIR
from hubs.directory.services import SessionTimes, set_service_profile
from hubs.extensions import db
from hubs.referrals.models import NeedDomain
from hubs.support.models import OfferNeed
from hubs.support.offers import OFFERS_FILE, load_offer_details, parse_sessions
from hubs.support.queries import DayPart, OfferFilters, search_offers
from tests import factories

OFFERS_CSV = AREAS_DIR / "leeds" / OFFERS_FILE

T = dt.time


def _offer(name, *, neighbourhood=None, sessions=(), features=(), needs=(), kind=None):  # type: ignore[no-untyped-def]
    service = factories.ServiceFactory(name=name, kind=kind or ServiceKind.COMMUNITY_OFFER)
    set_service_profile(
        db.session,
        service,
        neighbourhood_code=neighbourhood.code if neighbourhood else None,
        sessions=[SessionTimes(*s) for s in sessions],
        features=list(features),
    )
    for need in needs:
        db.session.add(OfferNeed(service_id=service.id, domain=need))
    db.session.flush()
    return service


@pytest.fixture
def offers(world):  # type: ignore[no-untyped-def]
    return {
        "walk": _offer(
            "Walking group",
            neighbourhood=world.hub_a.neighbourhood,
            sessions=[(1, T(10), T(11, 30))],
            features=[AccessFeature.QUIET_SPACE],
            needs=[NeedDomain.FRIENDSHIPS, NeedDomain.PHYSICAL_HEALTH],
        ),
        "money": _offer(
            "Money advice",
            neighbourhood=world.hub_b.neighbourhood,
            sessions=[(2, T(10), T(13))],
            features=[AccessFeature.STEP_FREE, AccessFeature.INTERPRETERS],
            needs=[NeedDomain.MONEY_DEBT],
        ),
        "carers": _offer(
            "Carers cafe",
            sessions=[(0, T(18), T(20))],
            features=[AccessFeature.STEP_FREE],
            needs=[NeedDomain.CARERS_FAMILY_SUPPORT],
        ),
        "night": _offer(
            "Night sanctuary",
            sessions=[(d, T(18), T(2)) for d in range(7)],
            needs=[NeedDomain.PERSONAL_SAFETY],
            kind=ServiceKind.CRISIS,
        ),
        "team": factories.ServiceFactory(
            name="Hub team", kind=ServiceKind.HUB_TEAM, team=world.hub_a
        ),
    }


def _names(filters: OfferFilters) -> set[str]:
    return {s.name for s in search_offers(db.session, filters).items}


def test_offers_are_found_by_need(offers):
    assert _names(OfferFilters(need=NeedDomain.FRIENDSHIPS)) == {"Walking group"}


def test_offers_for_an_lcp_include_its_own_and_city_wide_ones_but_not_another_lcps(world, offers):
    assert _names(OfferFilters(neighbourhood_id=world.hub_a.neighbourhood.id)) == {
        "Walking group",
        "Carers cafe",
        "Night sanctuary",
    }


def test_offers_are_found_by_day_and_time_of_day(offers):
    assert _names(OfferFilters(weekday=2, day_part=DayPart.MORNING)) == {"Money advice"}
    assert _names(OfferFilters(weekday=0, day_part=DayPart.EVENING)) == {
        "Carers cafe",
        "Night sanctuary",
    }
    assert _names(OfferFilters(weekday=1)) == {"Walking group", "Night sanctuary"}


def test_a_session_past_midnight_counts_as_open_in_the_evening_not_the_morning(offers):
    assert "Night sanctuary" in _names(OfferFilters(day_part=DayPart.EVENING))
    assert "Night sanctuary" not in _names(OfferFilters(day_part=DayPart.MORNING))


def test_offers_must_have_every_accessibility_feature_asked_for(offers):
    step_free = OfferFilters(features=(AccessFeature.STEP_FREE,))
    both = OfferFilters(features=(AccessFeature.STEP_FREE, AccessFeature.INTERPRETERS))
    assert _names(step_free) == {"Money advice", "Carers cafe"}
    assert _names(both) == {"Money advice"}


def test_hub_teams_are_never_offered_for_signposting(offers):
    assert "Hub team" not in _names(OfferFilters())


def test_search_returns_the_needs_each_offer_helps_with(offers):
    results = search_offers(db.session, OfferFilters(need=NeedDomain.PHYSICAL_HEALTH))
    walk = offers["walk"]
    assert set(results.needs[walk.id]) == {NeedDomain.FRIENDSHIPS, NeedDomain.PHYSICAL_HEALTH}


def test_session_specs_read_days_groups_and_times():
    sessions = parse_sessions("tue 10:00-12:00; weekdays 09:00-17:00")
    assert sessions[0] == SessionTimes(1, T(10), T(12))
    assert [s.weekday for s in sessions[1:]] == [0, 1, 2, 3, 4]


def test_shipped_offer_details_load_and_loading_twice_changes_nothing(db):
    load_shipped_areas(db.session)
    first = load_offer_details(db.session, OFFERS_CSV)

    def counts() -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (ServiceSession, OfferNeed, Service)
        )

    before = counts()
    assert load_offer_details(db.session, OFFERS_CSV) == first
    assert counts() == before
    money = db.session.scalar(sa.select(Service).where(Service.code == "DEMOMONEY"))
    assert money.neighbourhood.code == "HATCH"
    assert money.session_summary == ["Wednesday, 10am to 1pm"]


def test_an_offer_line_with_an_unknown_need_is_refused_naming_the_file_and_line(db, tmp_path):
    load_shipped_areas(db.session)
    lines = OFFERS_CSV.read_text(encoding="utf-8").splitlines()
    lines[2] = "DEMOART,HATCH,thu 13:00-15:00,step_free,not_a_need"
    bad = Path(tmp_path) / "community_offers.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        load_offer_details(db.session, bad)
    assert "community_offers.csv line 3" in refused.value.message
    assert "not_a_need" in refused.value.message
