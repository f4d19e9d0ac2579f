"""The outbox: written in the event's transaction, once per event, only for people who chose
messages, and never with clinical free text ("kept informed while waiting")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hubs.core.errors import ValidationError
from hubs.extensions import db
from hubs.notifications import services
from hubs.notifications.messages import TEMPLATES
from hubs.notifications.models import Channel, OutboxMessage, OutboxStatus
from hubs.people.models import ContactPreference
from hubs.referrals import services as referral_services
from hubs.referrals.models import Priority


def _messages() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_rolling_back_the_referrals_transaction_leaves_no_outbox_row(
    db, texting_person, make_referral
):
    savepoint = db.session.begin_nested()
    make_referral()
    assert len(_messages()) == 1  # written inside the event's transaction...
    savepoint.rollback()
    assert _messages() == []  # ...and gone with it


def test_committing_the_referrals_transaction_leaves_exactly_one_outbox_row(
    db, texting_person, make_referral
):
    savepoint = db.session.begin_nested()
    referral = make_referral()
    savepoint.commit()
    db.session.commit()
    messages = _messages()
    assert len(messages) == 1
    message = messages[0]
    assert message.person_id == texting_person.id and message.channel == Channel.SMS
    assert message.template_key == "referral_received"
    assert message.status == OutboxStatus.QUEUED and message.attempts == 0
    assert message.dedupe_key == f"referral:{referral.id}:received"


def test_each_step_of_the_referral_queues_one_plain_words_message(
    db, world, texting_person, make_referral
):
    nurse = world.users["clinician"]
    referral = make_referral()
    referral_services.triage(
        db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE
    )
    referral_services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    assert [m.template_key for m in _messages()] == [
        "referral_received",
        "referral_triaged",
        "referral_accepted",
    ]


def test_messages_hold_a_first_name_and_hub_name_never_clinical_free_text(
    db, world, texting_person, make_referral
):
    make_referral(what_matters="Secretcanary what matters", risk_summary="Secretcanary risk")
    message = _messages()[0]
    assert message.personalisation == {
        "first_name": texting_person.given_name,
        "hub_name": world.hub_a.name,
    }
    assert "Secretcanary" not in str(message.personalisation)
    assert "Secretcanary" not in TEMPLATES["referral_received"].render(message.personalisation)


def test_entered_in_error_sends_the_person_nothing(db, world, texting_person, make_referral):
    referral = make_referral()
    referral_services.enter_in_error(db.session, world.users["hub_admin"], referral, reason="Dup")
    assert [m.template_key for m in _messages()] == ["referral_received"]


@pytest.mark.parametrize("preference", [ContactPreference.NOT_ASKED, ContactPreference.NO_MESSAGES])
def test_a_person_who_has_not_chosen_messages_or_opted_out_gets_none(
    db, world, make_referral, preference
):
    world.person_a.contact_preference = preference
    world.person_a.mobile_phone = "07700900123"
    make_referral()
    assert _messages() == []


def test_a_person_who_chose_email_without_an_address_gets_none(db, world, make_referral):
    world.person_a.contact_preference = ContactPreference.EMAIL
    make_referral()
    assert _messages() == []


def test_the_same_event_never_queues_a_second_message(db, texting_person):
    def queue() -> OutboxMessage | None:
        return services.queue_message(
            db.session,
            texting_person,
            template_key="referral_received",
            personalisation={"first_name": "Ada", "hub_name": "HATCH"},
            dedupe_key="referral:1:received",
        )

    assert queue() is not None
    assert queue() is None
    assert len(_messages()) == 1


@pytest.mark.parametrize(
    "personalisation",
    [
        {"first_name": "Ada"},  # a field missing
        {"first_name": "Ada", "hub_name": "HATCH", "risk": "x"},  # an extra field
        {"first_name": "Ada", "hub_name": "Feels low and has thoughts " * 5},  # free text
        {"first_name": "Ada", "hub_name": "two\nlines"},
    ],
)
def test_personalisation_must_be_the_templates_short_fields(db, texting_person, personalisation):
    with pytest.raises(ValidationError):
        services.queue_message(
            db.session,
            texting_person,
            template_key="referral_received",
            personalisation=personalisation,
            dedupe_key="x",
        )


def test_an_unknown_template_is_refused(db, texting_person):
    with pytest.raises(ValidationError):
        services.queue_message(
            db.session, texting_person, template_key="nope", personalisation={}, dedupe_key="x"
        )


def test_every_template_names_no_field_it_is_not_given():
    for template in TEMPLATES.values():
        text = template.render({name: "X" for name in template.fields})
        assert "((" not in text and "NHS 111" in text


@pytest.mark.parametrize(
    ("preference", "phone", "email", "field"),
    [
        (ContactPreference.SMS, "", None, "mobile_phone"),
        (ContactPreference.SMS, "0113 496 0000", None, "mobile_phone"),  # a landline
        (ContactPreference.EMAIL, None, "not-an-address", "email"),
    ],
)
def test_a_contact_preference_needs_the_details_it_uses(db, world, preference, phone, email, field):
    with pytest.raises(ValidationError) as refused:
        services.set_contact_preference(
            db.session, None, world.person_a, preference=preference, mobile_phone=phone, email=email
        )
    assert refused.value.field == field


def test_a_mobile_number_is_stored_in_one_form(db, world):
    services.set_contact_preference(
        db.session,
        None,
        world.person_a,
        preference=ContactPreference.SMS,
        mobile_phone="+44 7700 900 123",
    )
    assert world.person_a.mobile_phone == "07700900123"
