"""Recording health checks, smoking cessation, employment status and IPS referrals."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.core.errors import NotFound, ValidationError
from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.trackers import services
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    HealthCheckRecord,
    IpsOutcome,
    SmokingStatus,
)
from hubs.trackers.queries import health_status_for_many, person_trackers
from tests import factories

TODAY = dt.date.today()


def _check(world, element=HealthCheckElement.BMI, **values):  # type: ignore[no-untyped-def]
    values.setdefault("done_on", TODAY)
    values.setdefault("where_done", "GP practice")
    return services.record_health_check(
        db.session, world.users["vcse_worker"], world.person_a.id, element=element, **values
    )


def test_each_element_is_recorded_with_its_date_and_where_it_was_done(world, allocated):
    record = _check(world, HealthCheckElement.BLOOD_PRESSURE, result="128/82")
    assert (record.done_on, record.where_done, record.result) == (TODAY, "GP practice", "128/82")


def test_a_health_check_element_needs_where_it_was_done(world, allocated):
    with pytest.raises(ValidationError) as refused:
        _check(world, where_done="  ")
    assert refused.value.field == "where_done"


def test_a_health_check_element_cannot_be_dated_in_the_future(world, allocated):
    with pytest.raises(ValidationError) as refused:
        _check(world, done_on=TODAY + dt.timedelta(days=1))
    assert refused.value.field == "done_on"


def test_someone_who_smokes_must_be_offered_support_to_stop(world, allocated):
    with pytest.raises(ValidationError) as refused:
        _check(world, HealthCheckElement.SMOKING, smoking_status=SmokingStatus.CURRENT)
    assert refused.value.field == "cessation_offer"
    record = _check(
        world,
        HealthCheckElement.SMOKING,
        smoking_status=SmokingStatus.CURRENT,
        cessation_offer=CessationOffer.ACCEPTED,
    )
    assert record.cessation_offer == CessationOffer.ACCEPTED


def test_smoking_fields_are_kept_only_on_the_smoking_element(world, allocated):
    record = _check(world, smoking_status=SmokingStatus.CURRENT)
    assert record.smoking_status is None and record.cessation_offer is None


def test_recording_all_six_makes_the_check_complete(world, allocated):
    for element in HealthCheckElement:
        extra = {"smoking_status": SmokingStatus.NEVER} if element == "smoking" else {}
        _check(world, element, **extra)
    status = health_status_for_many(db.session, [world.person_a.id, world.person_b.id])
    assert status[world.person_a.id].is_complete
    assert not status[world.person_b.id].is_complete
    assert person_trackers(db.session, world.person_a.id).latest_smoking is not None


def test_a_connector_cannot_record_checks_for_someone_not_allocated_to_them(world, allocated):
    with pytest.raises(NotFound):
        services.record_health_check(
            db.session,
            world.users["other_vcse_worker"],
            world.person_a.id,
            element=HealthCheckElement.BMI,
            done_on=TODAY,
            where_done="GP practice",
        )
    assert db.session.scalar(sa.select(sa.func.count(HealthCheckRecord.id))) == 0


def test_employment_status_is_recorded_with_the_date_asked(world, allocated):
    check = services.record_employment_status(
        db.session,
        world.users["clinician"],
        world.person_a.id,
        asked_on=TODAY,
        status=EmploymentStatus.SEEKING_WORK,
    )
    assert (check.asked_on, check.status) == (TODAY, EmploymentStatus.SEEKING_WORK)
    with pytest.raises(ValidationError) as refused:
        services.record_employment_status(
            db.session, world.users["clinician"], world.person_a.id, asked_on=TODAY, status=None
        )
    assert refused.value.field == "status"


def test_an_ips_referral_is_recorded_and_its_outcome_cannot_predate_it(world, allocated):
    ips_service = factories.ServiceFactory(kind=ServiceKind.EMPLOYMENT)
    worker = world.users["vcse_worker"]
    referral = services.refer_to_ips(
        db.session, worker, world.person_a.id, referred_on=TODAY, service_id=ips_service.id
    )
    assert referral.outcome == IpsOutcome.AWAITING
    with pytest.raises(ValidationError) as refused:
        services.record_ips_outcome(
            db.session,
            worker,
            referral,
            outcome=IpsOutcome.ACCEPTED,
            outcome_on=TODAY - dt.timedelta(days=1),
        )
    assert refused.value.field == "outcome_on"
    services.record_ips_outcome(
        db.session, worker, referral, outcome=IpsOutcome.INTO_WORK, outcome_on=TODAY
    )
    assert referral.outcome == IpsOutcome.INTO_WORK


def test_an_ips_referral_must_go_to_an_employment_service(world, allocated):
    walking_group = factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER)
    with pytest.raises(ValidationError) as refused:
        services.refer_to_ips(
            db.session,
            world.users["clinician"],
            world.person_a.id,
            referred_on=TODAY,
            service_id=walking_group.id,
        )
    assert refused.value.field == "service_id"
