"""What never reaches an activity row: names, NHS numbers, dates of birth, postcodes, free
text, the pseudonymisation key. Checked over rows made for a canary person whose every
free-text field carries a marker."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask

from hubs.careplans import services as plans
from hubs.careplans.models import ActionCategory, AgreementMethod
from hubs.core.pseudonym import Pseudonymiser, from_config
from hubs.extensions import db
from hubs.models import ActivityEvent
from hubs.outcomes import services as outcomes
from hubs.outcomes.models import MeasureKind
from hubs.referrals import services as referrals
from hubs.referrals.models import NeedDomain, Priority, Severity
from hubs.support import services as support
from hubs.support.models import ContactMode, Reached, SignpostingOutcome
from hubs.trackers import services as trackers
from hubs.trackers.models import EmploymentStatus, HealthCheckElement, IpsOutcome
from tests import factories
from tests.activity import scenario, store
from tests.activity.scenario import ago
from tests.careplans.test_outcome_matrix import dialog_answers

MARK = "CANARY"


def _canary(world):  # type: ignore[no-untyped-def]
    return factories.PersonFactory(
        given_name=f"Zebedee{MARK}",
        family_name=f"Quux{MARK}",
        date_of_birth=dt.date(1977, 7, 7),
        postcode="LS7 3QQ",
        gp_practice=world.person_a.gp_practice,
        accessibility_needs=f"{MARK} hearing loop",
        preferred_language=f"{MARK}ese",
        gender_identity=f"{MARK} identity",
    )


def _drive_everything(world, person) -> None:  # type: ignore[no-untyped-def]
    nurse = world.users["clinician"]
    words = f"{MARK} free text"
    data = scenario.referral_input(
        20,
        what_matters=words,
        risk_summary=words,
        communication_needs=words,
        diagnosis=words,
        referrer_name=f"Dr {MARK}",
        referrer_organisation=words,
        needs=[referrals.NeedInput(NeedDomain.ACCOMMODATION, Severity.HIGH, words)],
    )
    referral = referrals.receive_referral(db.session, nurse, person, data)
    referrals.triage(db.session, nurse, referral, rationale=words, priority=Priority.URGENT)
    episode = referrals.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    details = support.ContactDetails(location=words, notes=words, next_step=words)
    for day in (ago(15), ago(12)):
        support.log_contact(
            db.session,
            nurse,
            person.id,
            support.ContactInput(day, 30, ContactMode.VIDEO, Reached.YES, details),
        )
    plans.record_assessment(db.session, nurse, episode, ago(12))
    draft = plans.open_draft(db.session, nurse, episode)
    content = plans.CarePlanContent(
        about_me=words,
        what_matters=words,
        staff_notes=words,
        goals=[plans.GoalInput(words)],
        actions=[plans.ActionInput(ActionCategory.SOCIAL, words, who=words)],
    )
    plans.save_draft(db.session, nurse, draft, revision=draft.revision, content=content)
    plan = plans.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.PHONE, note=words
    )
    plans.start_action(db.session, nurse, plan, plan.actions[0].id, ago(3))
    outcomes.record_measure(
        db.session, nurse, episode, MeasureKind.DIALOG, ago(2), dialog_answers(3)
    )
    trackers.record_health_check(
        db.session,
        nurse,
        person.id,
        element=HealthCheckElement.BMI,
        done_on=ago(2),
        where_done=words,
        result=words,
    )
    trackers.record_employment_status(
        db.session, nurse, person.id, asked_on=ago(2), status=EmploymentStatus.EMPLOYED
    )
    ips = trackers.refer_to_ips(db.session, nurse, person.id, referred_on=ago(2), note=words)
    trackers.record_ips_outcome(
        db.session, nurse, ips, outcome=IpsOutcome.KEPT_WORK, outcome_on=ago(1)
    )
    signposting = support.signpost(
        db.session,
        nurse,
        person.id,
        service_id=factories.ServiceFactory().id,
        signposted_on=ago(5),
        follow_up_on=ago(1),
        note=words,
    )
    support.record_signposting_outcome(
        db.session, nurse, signposting, outcome=SignpostingOutcome.DECLINED, note=words
    )
    db.session.commit()


def _forbidden(person) -> list[str]:  # type: ignore[no-untyped-def]
    born = person.date_of_birth
    return [
        MARK.lower(),
        person.given_name.lower(),
        person.family_name.lower(),
        person.nhs_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%Y%m%d"),
        "ls7 3qq",
        "ls73qq",
    ]


def test_no_identifying_detail_or_free_text_reaches_an_activity_row(world):
    scenario.set_up_services(world, scenario.Scenario())
    person = _canary(world)
    _drive_everything(world, person)
    rows = store.rows(person=person)
    assert len({r["event_type"] for r in rows}) >= 15  # the canary went through every path
    forbidden = _forbidden(person)
    for row in rows:
        for column, value in row.items():
            text = str(value.value if hasattr(value, "value") else value).lower()
            leaked = [f for f in forbidden if f in text]
            assert not leaked, f"{column} of {row['event_type']} holds {leaked}"
        assert str(person.id) != row["pseudonym"]
        assert row["imd_quintile"] == 1  # the postcode became only its quintile


def test_the_activity_table_has_no_column_for_identifying_details():
    columns = set(ActivityEvent.__table__.columns.keys())
    assert columns == {"id", "recorded_at", *store.COMPARED_COLUMNS}
    for name in ("name", "nhs", "birth", "postcode", "note", "text", "words"):
        assert not any(name in column for column in columns)


def _all_text_in_the_database() -> str:
    found = []
    for table in db.metadata.sorted_tables:
        text_columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
        if text_columns:
            for row in db.session.execute(sa.select(*text_columns)):
                found.extend(str(v) for v in row if v is not None)
    return "\n".join(found)


def test_the_pseudonymisation_key_is_never_stored_in_the_database(world, app: Flask):
    scenario.build(world)
    key = app.config["PSEUDONYM_KEY"]
    assert store.count() > 20
    assert key not in _all_text_in_the_database()


def test_pseudonyms_depend_on_the_key_and_the_kind_of_identity(app: Flask):
    with app.app_context():
        configured = from_config()
    other = Pseudonymiser("another-key-entirely-for-this-test-only")
    assert configured.person(7) == configured.person(7)
    assert configured.person(7) != other.person(7)
    assert configured.person(7) != configured.case("7") != configured.event("7")
    assert len(configured.person(7)) == 64 and configured.person(7) != "7"
