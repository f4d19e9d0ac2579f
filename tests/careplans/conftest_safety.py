"""Safety plan test helpers: an episode that makes the clinician clinically involved, plans
made through the real services, a crisis directory, and the fillers the generated
access-matrix tests use for the safety plan routes (tests/security/test_access_matrix.py
imports them by name). Imported explicitly; not a conftest pytest loads by itself."""

from __future__ import annotations

import datetime as dt

from hubs.careplans.models import AgreementMethod
from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.people.models import Consent, ConsentSection, Person
from hubs.people.services import grant_consent
from hubs.referrals.models import Episode, NeedDomain, Severity
from hubs.safetyplans import services as safety
from hubs.safetyplans.models import SafetyPlan, SafetyPlanProposal
from hubs.staff.models import User
from tests import factories
from tests.conftest import World

# Fictional wording, recognisable in pages and PDFs.
WARNING = "I stop answering my phone and stay in bed"
REASONS = "My dog Biscuit and my niece"


def make_episode(world: World, person: Person | None = None, lead: User | None = None) -> Episode:
    """An accepted episode (referred a week ago) in the person's own hub, with `lead` (the
    clinician) leading: the lead is clinically involved with the person."""
    person = person or world.person_a
    team = (
        world.hub_a
        if person.gp_practice.neighbourhood_id == world.hub_a.neighbourhood.id
        else world.hub_b
    )
    episode = factories.EpisodeFactory(
        team=team,
        person=person,
        lead_worker=lead or world.users["clinician"],
        received_on=dt.date.today() - dt.timedelta(days=7),
        needs=[(NeedDomain.PERSONAL_SAFETY, Severity.HIGH)],
    )
    db.session.commit()
    return episode


def crisis_directory() -> dict[str, Service]:
    """The crisis services the demo directory names, with their hours and numbers."""
    rows = {
        "DIALHOUSE": ("Dial House", ServiceKind.CRISIS, None, "6pm to 2am every day"),
        "CONNECT": ("Connect helpline", ServiceKind.HELPLINE, "0808 800 1212", "6pm to 2am"),
        "WELLBEAN": ("Well Bean crisis cafe", ServiceKind.CRISIS, None, "Evenings"),
        "NHS111": ("NHS 111 (option 2)", ServiceKind.HELPLINE, "111", "24 hours every day"),
        "SAMARITANS": ("Samaritans", ServiceKind.HELPLINE, "116 123", "24 hours every day"),
    }
    return {
        code: factories.ServiceFactory(
            code=code, name=name, kind=kind, phone=phone, opening_hours=hours
        )
        for code, (name, kind, phone, hours) in rows.items()
    }


def content(**values: object) -> safety.SafetyPlanContent:
    values.setdefault("warning_signs", WARNING)
    values.setdefault("reasons_for_living", REASONS)
    return safety.SafetyPlanContent(**values)  # type: ignore[arg-type]


def draft_plan(
    world: World, person: Person | None = None, actor: User | None = None, **values: object
) -> SafetyPlan:
    person = person or world.person_a
    actor = actor or world.users["clinician"]
    draft = safety.open_safety_draft(db.session, actor, person)
    return safety.save_safety_draft(
        db.session, actor, draft, revision=draft.revision, content=content(**values)
    )


def agreed_plan(
    world: World, person: Person | None = None, actor: User | None = None, **values: object
) -> SafetyPlan:
    """A version agreed with the person through the real services."""
    actor = actor or world.users["clinician"]
    draft = draft_plan(world, person, actor, **values)
    plan = safety.agree_safety_plan(
        db.session,
        actor,
        draft,
        revision=draft.revision,
        method=AgreementMethod.IN_PERSON,
    )
    db.session.commit()
    return plan


def share_safety_plan(world: World, person: Person) -> Consent:
    consent = grant_consent(
        db.session,
        None,
        person,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.SAFETY_PLAN],
        starts_on=dt.date(2020, 1, 1),
    )
    db.session.commit()
    return consent


# --- Fillers for the generated access-matrix and CSRF tests -------------------------------


def _matrix_world(world: World) -> None:
    """Each role's reason to see the plan: person_a's episode in hub_a (the clinician and the
    manager are clinically involved) and person_shared's consent sharing their safety plan
    with the VCSE worker's organisation."""
    if getattr(world, "_safety_matrix", False):
        return
    from tests.security.test_access_matrix import referral_fixtures

    referral_fixtures(world)
    share_safety_plan(world, world.person_shared)
    world._safety_matrix = True  # type: ignore[attr-defined]


def matrix_person_id(world: World, role: str) -> int:
    _matrix_world(world)
    return (world.person_shared if role == "vcse_worker" else world.person_a).id


def _matrix_draft(world: World) -> SafetyPlan:
    _matrix_world(world)
    draft = safety.current_draft(db.session, world.person_a.id) or draft_plan(world)
    db.session.commit()
    return draft


def _matrix_agreed(world: World) -> SafetyPlan:
    _matrix_world(world)
    return safety.current_agreed(db.session, world.person_a.id) or agreed_plan(world)


def edit_body(world: World, role: str) -> dict[str, object]:
    _matrix_world(world)
    head = safety.current_safety_plan(db.session, world.person_a.id, drafts=True)
    return {
        "version": str(head.version if head else 0),
        "revision": str(head.revision) if head else "",
        "warning_signs": WARNING,
        "people_to_ask": "My sister Jo, 07700 900123",
    }


def agree_body(world: World, role: str) -> dict[str, object]:
    draft = _matrix_draft(world)
    return {"version": str(draft.version), "revision": str(draft.revision), "method": "phone"}


def decide_body(world: World, role: str) -> dict[str, object]:
    _matrix_agreed(world)
    proposal: SafetyPlanProposal = safety.propose_change(
        db.session, world.users["person"], "coping_alone", "Walk Biscuit round the park"
    )
    db.session.commit()
    return {"proposal_id": str(proposal.id), "decision": "accept"}


def propose_body(world: World, role: str) -> dict[str, object]:
    _matrix_agreed(world)
    return {"section": "distractions", "proposed_text": "The library on a Saturday"}


def api_save_body(world: World, role: str) -> dict[str, object]:
    form = edit_body(world, role)
    revision = form["revision"]
    return {
        "version": int(str(form["version"])),
        "revision": int(str(revision)) if revision else None,
        "warning_signs": WARNING,
        "reasons_for_living": REASONS,
    }


def api_agree_body(world: World, role: str) -> dict[str, object]:
    draft = _matrix_draft(world)
    return {"version": draft.version, "revision": draft.revision, "method": "video"}
