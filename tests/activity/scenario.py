"""A realistic stretch of hub work, driven through the real services (so the live feed runs).

Everyone is fictional. Each person's story exercises different event types:
- ada: the whole journey in hub A, from referral to the 4-week clock stopping, then physical
  health check, employment, IPS, signposting, and a contact logged late that becomes her
  first contact;
- ben: referred to hub B and signposted to a community offer with a warm handover;
- cat: withdraws her referral;
- dev: referred to Aspire (early intervention in psychosis) and accepted with a package;
- eve: a referral entered in error (nothing of it may count);
- ola: opted out of secondary use (rows kept, flagged for extracts);
- ada and ben answer the Friends and Family Test in the portal, ada with an I statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from hubs.careplans import services as plans
from hubs.careplans.models import ActionCategory, AgreementMethod
from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.outcomes import services as outcomes
from hubs.outcomes.models import MeasureKind
from hubs.people.models import Person, PortalAccount, Sex
from hubs.portal.feedback import give_feedback
from hubs.portal.models import FftAnswer
from hubs.referrals import services as referrals
from hubs.referrals.models import Episode, NeedDomain, Priority, Referral, ReferralSource, Severity
from hubs.support import services as support
from hubs.support.models import ContactMode, Reached, SignpostingOutcome
from hubs.trackers import services as trackers
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    IpsOutcome,
    SmokingStatus,
)
from tests import factories
from tests.careplans.test_outcome_matrix import dialog_answers
from tests.conftest import World

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@dataclass
class Scenario:
    people: dict[str, Person] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    episode: Episode | None = None


def referral_input(days: int, **overrides: object) -> referrals.ReferralInput:
    values: dict[str, object] = {
        "source": ReferralSource.GP,
        "referrer_name": "Dr Example (fictional)",
        "received_on": ago(days),
        "priority": Priority.ROUTINE,
        "needs": [referrals.NeedInput(NeedDomain.FRIENDSHIPS, Severity.MODERATE, "Lonely")],
        "confirm_duplicate": True,
    }
    values.update(overrides)
    return referrals.ReferralInput(**values)  # type: ignore[arg-type]


def set_up_services(world: World, scenario: Scenario) -> None:
    scenario.services.update(
        hub_a=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_a),
        hub_b=factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_b),
        aspire=factories.ServiceFactory(kind=ServiceKind.EARLY_INTERVENTION, name="Aspire"),
        offer=factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER, name="Walk group"),
        ips=factories.ServiceFactory(kind=ServiceKind.EMPLOYMENT, name="IPS"),
    )


def accepted(world: World, person: Person, days: int, **overrides: object) -> Episode:
    nurse = world.users["clinician"]
    referral = referrals.receive_referral(db.session, nurse, person, referral_input(days))
    referrals.triage(db.session, nurse, referral, rationale="MDT", priority=Priority.ROUTINE)
    return referrals.accept(db.session, nurse, referral, lead_worker_id=nurse.id, **overrides)


def contact(world: World, person: Person, day: dt.date, role: str = "clinician") -> None:
    support.log_contact(
        db.session,
        world.users[role],
        person.id,
        support.ContactInput(day, 30, ContactMode.FACE_TO_FACE, Reached.YES),
    )


def ada_to_clock_stop(world: World, scenario: Scenario) -> Episode:
    """Referral to the 4-week clock stopping: contacts, assessment, plan, intervention, DIALOG."""
    nurse, ada = world.users["clinician"], world.person_a
    episode = accepted(world, ada, 30)
    referrals.add_to_care_team(db.session, episode, world.users["vcse_worker"])
    contact(world, ada, ago(25))
    contact(world, ada, ago(20), role="vcse_worker")
    plans.record_assessment(db.session, nurse, episode, ago(20))
    draft = plans.open_draft(db.session, nurse, episode)
    plans.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=plans.CarePlanContent(
            what_matters="Seeing friends again",
            actions=[plans.ActionInput(ActionCategory.SOCIAL, "Walk group")],
        ),
    )
    plan = plans.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )
    plans.start_action(db.session, nurse, plan, plan.actions[0].id, ago(10))
    outcomes.record_measure(
        db.session, nurse, episode, MeasureKind.DIALOG, ago(15), dialog_answers(4)
    )
    outcomes.record_measure(
        db.session, nurse, episode, MeasureKind.DIALOG, TODAY, dialog_answers(5)
    )
    scenario.referrals["ada"], scenario.episode = episode.referral, episode
    return episode


def ada_trackers(world: World, scenario: Scenario) -> None:
    nurse, ada = world.users["clinician"], world.person_a
    for element in HealthCheckElement:
        smoking = element == HealthCheckElement.SMOKING
        trackers.record_health_check(
            db.session,
            nurse,
            ada.id,
            element=element,
            done_on=ago(5),
            where_done="GP practice",
            smoking_status=SmokingStatus.CURRENT if smoking else None,
            cessation_offer=CessationOffer.ACCEPTED if smoking else None,
        )
    trackers.record_employment_status(
        db.session, nurse, ada.id, asked_on=ago(6), status=EmploymentStatus.SEEKING_WORK
    )
    ips = trackers.refer_to_ips(
        db.session, nurse, ada.id, referred_on=ago(6), service_id=scenario.services["ips"].id
    )
    trackers.record_ips_outcome(
        db.session, nurse, ips, outcome=IpsOutcome.ACCEPTED, outcome_on=ago(3)
    )
    trackers.record_ips_outcome(
        db.session, nurse, ips, outcome=IpsOutcome.INTO_WORK, outcome_on=ago(1)
    )
    signposting = support.signpost(
        db.session,
        nurse,
        ada.id,
        service_id=scenario.services["offer"].id,
        signposted_on=ago(12),
        follow_up_on=ago(2),
    )
    support.record_signposting_outcome(
        db.session, nurse, signposting, outcome=SignpostingOutcome.ATTENDED
    )
    # Logged late: this contact, 28 days ago, becomes her first (and the old first her second).
    contact(world, ada, ago(28))


def ben_signposted(world: World, scenario: Scenario) -> None:
    clinician, ben = world.users["other_hub_clinician"], world.person_b
    referral = referrals.receive_referral(db.session, clinician, ben, referral_input(9))
    referrals.triage(db.session, clinician, referral, rationale="MDT", priority=Priority.ROUTINE)
    referrals.signpost(
        db.session,
        clinician,
        referral,
        service_id=scenario.services["offer"].id,
        handover_note="Spoke to the group lead, who will ring Ben",
        confirmed_on=ago(2),
    )
    scenario.referrals["ben"] = referral


def new_person(world: World, **values: object) -> Person:
    return factories.PersonFactory(gp_practice=world.person_a.gp_practice, **values)


def cat_withdraws(world: World, scenario: Scenario) -> None:
    cat = new_person(world, sex=Sex.FEMALE, date_of_birth=dt.date(1950, 2, 1), postcode="LS8 5AA")
    referral = referrals.receive_referral(
        db.session, world.users["hub_admin"], cat, referral_input(4)
    )
    referrals.withdraw(db.session, world.users["hub_admin"], referral, reason="Feeling better")
    scenario.people["cat"], scenario.referrals["cat"] = cat, referral


def dev_eip(world: World, scenario: Scenario) -> None:
    dev = new_person(world, sex=Sex.MALE, date_of_birth=dt.date(2006, 6, 1), ethnic_category="N")
    nurse = world.users["clinician"]
    referral = referrals.receive_referral(
        db.session, nurse, dev, referral_input(16, service_id=scenario.services["aspire"].id)
    )
    referrals.triage(db.session, nurse, referral, rationale="MDT", priority=Priority.URGENT)
    referrals.accept(
        db.session, nurse, referral, lead_worker_id=nurse.id, package_started_on=ago(5)
    )
    scenario.people["dev"], scenario.referrals["dev"] = dev, referral


def eve_in_error(world: World, scenario: Scenario) -> None:
    eve = new_person(world)
    referral = referrals.receive_referral(
        db.session, world.users["hub_admin"], eve, referral_input(3)
    )
    referrals.enter_in_error(db.session, world.users["manager"], referral, reason="Wrong person")
    scenario.people["eve"], scenario.referrals["eve"] = eve, referral


def ola_opted_out(world: World, scenario: Scenario) -> None:
    ola = new_person(world, opted_out_secondary_use=True, interpreter_needed=True)
    referral = referrals.receive_referral(
        db.session, world.users["hub_admin"], ola, referral_input(2)
    )
    scenario.people["ola"], scenario.referrals["ola"] = ola, referral


def feedback(world: World, scenario: Scenario) -> None:
    for role, answer, words in (
        ("person", FftAnswer.VERY_GOOD, "I felt listened to"),
        ("other_person", FftAnswer.POOR, ""),
    ):
        user = world.users[role]
        person_id = db.session.scalar(
            sa.select(PortalAccount.person_id).where(PortalAccount.user_id == user.id)
        )
        give_feedback(db.session, user, person_id, answer=answer, i_statement=words)


def build(world: World) -> Scenario:
    """The whole scenario, committed step by step as the pages would."""
    scenario = Scenario(people={"ada": world.person_a, "ben": world.person_b})
    set_up_services(world, scenario)
    for step in (
        ada_to_clock_stop,
        ada_trackers,
        ben_signposted,
        cat_withdraws,
        dev_eip,
        eve_in_error,
        ola_opted_out,
        feedback,
    ):
        step(world, scenario)
        db.session.commit()
    return scenario
