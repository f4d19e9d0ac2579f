"""The access matrix (DESIGN §6, §10), generated from `hubs/access_matrix.yaml`.

Three layers:
- every route in the URL map is declared, and nothing declared is stale;
- role by route: each role is let in exactly where the matrix names it (403, or sign in,
  everywhere else), generated so that routes declared later are covered automatically;
- relationships: a role that may use a route still sees only the records it has a reason to
  see, answered with 404; lists follow the same rule as single reads; a canary person never
  leaks to anyone without a reason; every read of a person's record is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from hubs.careplans.models import ActionCategory, CarePlan
from hubs.core.access import ALL_ROLES, ANONYMOUS, MATRIX_PATH, RouteRule, load_matrix
from hubs.core.audit import AuditEvent
from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.people.models import Consent, ConsentSection, Person
from hubs.people.services import grant_consent, withdraw_consent
from hubs.referrals.models import Episode, NeedDomain, Referral, Severity
from hubs.staff.models import User
from hubs.support.models import Signposting
from hubs.trackers import services as tracker_services
from hubs.trackers.models import IpsReferral
from tests import factories
from tests.conftest import World, csrf_token
from tests.helpers.web import mentions_path

MATRIX: dict[str, RouteRule] = load_matrix()
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
ROLES: tuple[str, ...] = (*sorted(ALL_ROLES), ANONYMOUS)
SIGN_IN_PATH = "/sign-in"
REDIRECTS = frozenset({301, 302, 303, 307, 308})

# --- How to make a concrete request for any declared route --------------------------------


def _related_person_id(world: World, role: str) -> int:
    """The person each role has a reason to see (DESIGN §6): person_a, registered in hub_a.
    The VCSE worker's reason is the care team of person_a's accepted referral: it lets them
    read the summary and use the support log (consent alone is tested on its own below)."""
    if role == "vcse_worker":
        referral_fixtures(world)
    return world.person_a.id


def _throwaway_user_id(world: World, role: str) -> int:
    # A staff account nobody else uses, so deactivating it affects no other request.
    return factories.UserFactory(organisation=world.trust).id


@dataclass
class ReferralFixtures:
    open_referral: Referral
    accepted_referral: Referral
    episode: Episode


def referral_fixtures(world: World) -> ReferralFixtures:
    """Referrals for person_a in hub_a, received today, made once per test: one open, one
    accepted with the VCSE worker in the care team (their reason to see it)."""
    cached = getattr(world, "_referral_fixtures", None)
    if cached is not None:
        return cached
    mine = {"team": world.hub_a, "person": world.person_a, "received_on": dt.date.today()}
    needs = [(NeedDomain.FRIENDSHIPS, Severity.LOW, "Lonely")]
    episode = factories.EpisodeFactory(
        **mine,
        lead_worker=world.users["clinician"],
        care_team=[world.users["vcse_worker"]],
        needs=needs,
    )
    open_referral = factories.ReferralFactory(**mine, needs=needs)
    db.session.commit()
    world._referral_fixtures = ReferralFixtures(open_referral, episode.referral, episode)  # type: ignore[attr-defined]
    return world._referral_fixtures  # type: ignore[attr-defined]


def _referral_id(world: World, role: str) -> int:
    fixtures = referral_fixtures(world)
    # The VCSE worker's reason is the care team of the accepted referral; hub staff act on
    # the open one (the state table allows withdrawing it).
    return (fixtures.accepted_referral if role == "vcse_worker" else fixtures.open_referral).id


SUPPORT_ROLES = ("clinician", "vcse_worker", "manager")


@dataclass
class SupportFixtures:
    offer: Service
    contacts: dict[str, int]
    signposting: Signposting
    ips_referral: IpsReferral


def support_fixtures(world: World) -> SupportFixtures:
    """A community offer, and support records for person_a: a contact logged today by each
    role that may log one (only its author adds details), a signposting, and an IPS referral
    made through the real service."""
    cached = getattr(world, "_support_fixtures", None)
    if cached is not None:
        return cached
    referral_fixtures(world)
    offer = factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER)
    today = dt.date.today()
    contacts = {
        role: factories.ContactFactory(
            person=world.person_a, worker=world.users[role], contact_on=today
        ).id
        for role in SUPPORT_ROLES
    }
    nurse = world.users["clinician"]
    signposting = factories.SignpostingFactory(
        person=world.person_a, service=offer, worker=nurse, signposted_on=today
    )
    ips = tracker_services.refer_to_ips(db.session, nurse, world.person_a.id, referred_on=today)
    db.session.commit()
    world._support_fixtures = SupportFixtures(offer, contacts, signposting, ips)  # type: ignore[attr-defined]
    return world._support_fixtures  # type: ignore[attr-defined]


def _contact_id(world: World, role: str) -> int:
    contacts = support_fixtures(world).contacts
    return contacts.get(role, contacts["clinician"])


# URL argument name -> how to get a value for it from the world, for a role. A route with an
# argument missing here fails the generated test loudly: extend this dict when you add one.
URL_ARGUMENTS: dict[str, Callable[[World, str], object]] = {
    "person_id": _related_person_id,
    "user_id": _throwaway_user_id,
    "referral_id": _referral_id,
    "episode_id": lambda world, role: referral_fixtures(world).episode.id,
    "action": lambda world, role: "withdraw",
    # --- care plans (careplans.*) ---
    # --- safety plans (safetyplans.*) ---
    # The person whose safety plan a route shows. Its filler also gives each role its reason
    # to see the plan (person_a's episode; a safety_plan consent for the VCSE worker);
    # fillers live in tests/careplans/conftest_safety.py.
    "safety_person_id": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["matrix_person_id"]
    ).matrix_person_id(world, role),
    # --- outcome measures (outcomes.*) ---
    # A DIALOG with "more help" answers; fillers live in tests/careplans/test_outcome_matrix.py.
    "measure_id": lambda world, role: __import__(
        "tests.careplans.test_outcome_matrix", fromlist=["measure_id"]
    ).measure_id(world, role),
    "contact_id": _contact_id,
    "signposting_id": lambda world, role: support_fixtures(world).signposting.id,
    "ips_referral_id": lambda world, role: support_fixtures(world).ips_referral.id,
    "worker_id": lambda world, role: world.users["clinician"].id,
    "team_id": lambda world, role: world.hub_a.id,
    # --- notifications (notifications.*): a task on the role's own list ---
    "task_id": lambda world, role: __import__(
        "tests.notifications.matrix", fromlist=["task_id"]
    ).task_id(world, role),
    # --- pathways (pathways.*) ---
    # A step-down for person_a's hub episode, in planning; fillers live in
    # tests/pathways/matrix_fixtures.py.
    "transition_id": lambda world, role: __import__(
        "tests.pathways.matrix_fixtures", fromlist=["transition_id"]
    ).transition_id(world, role),
    # --- strategy indicators (reporting.*, indicators_api.*) ---
    "indicator_id": lambda world, role: "eip_two_weeks",
    "priority": lambda world, role: "timely_access",
}

NEW_PASSWORD = "a-brand-new-passphrase-2024"


def _sign_in_body(world: World, role: str) -> dict[str, str]:
    return {"email": world.users["clinician"].email, "password": factories.PASSWORD}


def _change_password_body(world: World, role: str) -> dict[str, str]:
    return {
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }


def _new_referral_body(world: World, role: str) -> dict[str, str]:
    referral_fixtures(world)
    return {
        "person_id": str(world.person_a.id),
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs-0-domain": "accommodation",
        "needs-0-severity": "high",
        "needs-0-own_words": "Housing",
        "confirm_duplicate": "y",
        "submission_key": f"matrix-{role}",
    }


def _self_referral_body(world: World, role: str) -> dict[str, str]:
    referral_fixtures(world)
    return {"needs-0-domain": "friendships", "needs-0-severity": "low", "confirm_duplicate": "y"}


def _reassign_body(world: World, role: str) -> dict[str, str]:
    referral_fixtures(world)
    return {"lead_worker_id": str(world.users["hub_admin"].id), "reason": "Rebalancing caseloads"}


def _api_new_referral_body(world: World, role: str) -> dict[str, object]:
    referral_fixtures(world)
    return {
        "person_id": world.person_a.id,
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs": [{"domain": "money_debt", "severity": "moderate"}],
        "confirm_duplicate": True,
    }


@dataclass
class PlanFixtures:
    agreed: CarePlan
    draft: CarePlan
    consent: Consent


def plan_fixtures(world: World) -> PlanFixtures:
    """Person_a's care plan: version 1 agreed (with an action), version 2 a draft; and a
    consent sharing the care plan with the VCSE worker's organisation."""
    cached = getattr(world, "_plan_fixtures", None)
    if cached is not None:
        return cached
    episode = referral_fixtures(world).episode
    content = {"what_matters": "Home", "actions": [(ActionCategory.SOCIAL, "Housing advice")]}
    agreed = factories.CarePlanFactory(episode=episode, agreed=True, **content)
    new_draft = factories.CarePlanFactory(episode=episode, **content)
    consent = grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.CARE_PLAN],
        starts_on=dt.date.today(),
    )
    db.session.commit()
    world._plan_fixtures = PlanFixtures(agreed, new_draft, consent)  # type: ignore[attr-defined]
    return world._plan_fixtures  # type: ignore[attr-defined]


def _agreed_plan_id(world: World, role: str) -> int:
    return plan_fixtures(world).agreed.id


def _draft_plan_id(world: World, role: str) -> int:
    return plan_fixtures(world).draft.id


URL_ARGUMENTS.update(
    {
        "plan_id": _agreed_plan_id,
        "older_id": _agreed_plan_id,
        "newer_id": _agreed_plan_id,
        "action_id": lambda world, role: plan_fixtures(world).agreed.actions[0].id,
        "consent_id": lambda world, role: plan_fixtures(world).consent.id,
    }
)

# Where one route needs a different object for an argument than the default filler gives.
ENDPOINT_ARGUMENTS: dict[tuple[str, str], Callable[[World, str], object]] = {
    ("careplans.edit", "plan_id"): _draft_plan_id,
    ("careplans.agree", "plan_id"): _draft_plan_id,
    ("careplans_api.save", "plan_id"): _draft_plan_id,
    ("careplans_api.agree", "plan_id"): _draft_plan_id,
    # The VCSE worker's reason to see the care plan is the consent the plan fixtures add.
    ("careplans.overview", "episode_id"): lambda world, role: (
        plan_fixtures(world).agreed.episode_id
    ),
    ("careplans_api.episode_plans", "episode_id"): lambda world, role: (
        plan_fixtures(world).agreed.episode_id
    ),
    # The transition fixture is in planning: recording the joint meeting is the next step.
    ("pathways.act", "action"): lambda world, role: "record_meeting",
}


def _care_plan_edit_body(world: World, role: str) -> dict[str, object]:
    draft = plan_fixtures(world).draft
    return {
        "revision": str(draft.revision),
        "what_matters": "A settled home",
        "goals-0-own_words": "Keep my flat",
        "goals-0-status": "in_progress",
        "actions-0-category": "social",
        "actions-0-what": "Housing advice",
    }


CARE_PLAN_BODIES: dict[str, Callable[[World, str], dict[str, object]]] = {
    "careplans.open_draft": lambda world, role: plan_fixtures(world) and {},
    "careplans.edit": _care_plan_edit_body,
    "careplans.agree": lambda world, role: {
        "revision": str(plan_fixtures(world).draft.revision),
        "method": "phone",
    },
    "careplans.start_review": lambda world, role: plan_fixtures(world) and {},
    "careplans.record_assessment": lambda world, role: (
        plan_fixtures(world) and {"on": dt.date.today().isoformat()}
    ),
    "careplans.start_action": lambda world, role: (
        plan_fixtures(world) and {"on": dt.date.today().isoformat()}
    ),
    "careplans.comment": lambda world, role: plan_fixtures(world) and {"body": "Looks right"},
    "careplans.emergency_access": lambda world, role: {
        "nhs_number": world.person_b.nhs_number,
        "reason": "Found unwell, no other record",
        "hours": "2",
    },
    "portal.comment_on_care_plan": lambda world, role: (
        plan_fixtures(world) and {"body": "Can we add my sister?"}
    ),
    "portal.my_consent": lambda world, role: {
        "organisation_id": str(world.other_vcse.id),
        "sections": "care_plan",
    },
    "portal.withdraw_my_consent": lambda world, role: plan_fixtures(world) and {"reason": ""},
    "careplans_api.save": lambda world, role: {
        "revision": plan_fixtures(world).draft.revision,
        "what_matters": "From the API",
    },
    "careplans_api.agree": lambda world, role: {
        "revision": plan_fixtures(world).draft.revision,
        "method": "video",
    },
}


def _today(days: int = 0) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _contact_body(world: World, role: str) -> dict[str, object]:
    referral_fixtures(world)
    return {
        "contact_on": _today(),
        "duration_minutes": "30",
        "mode": "face_to_face",
        "reached": "yes",
    }


def _signpost_body(world: World, role: str) -> dict[str, object]:
    return {
        "service_id": str(support_fixtures(world).offer.id),
        "signposted_on": _today(),
        "follow_up_on": _today(14),
    }


def _bulk_reassign_body(world: World, role: str) -> dict[str, object]:
    episode = referral_fixtures(world).episode
    return {
        "from_user_id": world.users["clinician"].id,
        "to_user_id": world.users["vcse_worker"].id,
        "episode_ids": [episode.id],
        "reason": "Rebalancing caseloads by need",
    }


def _api_contact_body(world: World, role: str) -> dict[str, object]:
    referral_fixtures(world)
    return {
        "person_id": world.person_a.id,
        "contact_on": _today(),
        "duration_minutes": 20,
        "mode": "video",
        "reached": "yes",
    }


# Bodies that let a declared POST do its real work; other POSTs send only the CSRF token.
# Paths under /api/ send theirs as JSON with the token in the X-CSRFToken header.
POST_BODIES: dict[str, Callable[[World, str], dict[str, object]]] = {
    "auth.login": _sign_in_body,
    "auth.change_password": _change_password_body,
    "admin.reset_mfa": lambda world, role: {"reason": "Lost phone"},
    "referrals.new": _new_referral_body,
    "referrals.act": lambda world, role: {"reason": "The person has found other support"},
    "referrals.reassign": _reassign_body,
    "portal.self_referral": _self_referral_body,
    "portal.feedback": lambda world, role: {"answer": "good", "i_statement": "I felt heard"},
    "referrals_api.Referrals": _api_new_referral_body,
    "referrals_api.transition": lambda world, role: {"reason": "Found other support"},
    **CARE_PLAN_BODIES,
    # --- care plans (careplans.*) ---
    # --- safety plans (safetyplans.*) ---
    "safetyplans.edit": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["edit_body"]
    ).edit_body(world, role),
    "safetyplans.agree": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["agree_body"]
    ).agree_body(world, role),
    "safetyplans.decide": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["decide_body"]
    ).decide_body(world, role),
    "portal.propose_safety_change": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["propose_body"]
    ).propose_body(world, role),
    "safetyplans_api.save": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["api_save_body"]
    ).api_save_body(world, role),
    "safetyplans_api.agree": lambda world, role: __import__(
        "tests.careplans.conftest_safety", fromlist=["api_agree_body"]
    ).api_agree_body(world, role),
    # --- outcome measures (outcomes.*) ---
    "outcomes.record_dialog": lambda world, role: __import__(
        "tests.careplans.test_outcome_matrix", fromlist=["dialog_body"]
    ).dialog_body(world, role),
    "outcomes.record_reqol10": lambda world, role: __import__(
        "tests.careplans.test_outcome_matrix", fromlist=["reqol10_body"]
    ).reqol10_body(world, role),
    # Only the CSRF token: the measure_id filler made the DIALOG whose answers become goals.
    "outcomes.goals_from_more_help": lambda world, role: {},
    "outcomes_api.Outcomes": lambda world, role: __import__(
        "tests.careplans.test_outcome_matrix", fromlist=["api_body"]
    ).api_body(world, role),
    "support.log_contact": _contact_body,
    "support.quick_log": _contact_body,
    "support.contact": lambda world, role: {
        "location": "The library",
        "activities": "peer_support",
        "notes": "Talked about a peer support group",
    },
    "support.signpost": _signpost_body,
    "support.signposting_outcome": lambda world, role: {"outcome": "attended"},
    "trackers.health_check": lambda world, role: {
        "element": "bmi",
        "done_on": _today(),
        "where_done": "GP practice",
    },
    "trackers.employment": lambda world, role: {"asked_on": _today(), "status": "seeking_work"},
    "trackers.ips_referral": lambda world, role: {"referred_on": _today(), "note": "Wants work"},
    "trackers.ips_outcome": lambda world, role: {"outcome": "accepted", "outcome_on": _today()},
    "caseloads.reassign": _bulk_reassign_body,
    "contacts_api.Contacts": _api_contact_body,
    "caseloads_api.reassign": _bulk_reassign_body,
    "notifications.close_task": lambda world, role: __import__(
        "tests.notifications.matrix", fromlist=["close_body"]
    ).close_body(world, role),
    "portal.my_messages": lambda world, role: __import__(
        "tests.notifications.matrix", fromlist=["messages_body"]
    ).messages_body(world, role),
    # --- pathways (pathways.*) ---
    **{
        endpoint: lambda world, role, name=name: getattr(
            __import__("tests.pathways.matrix_fixtures", fromlist=[name]), name
        )(world, role)
        for endpoint, name in (
            ("pathways.act", "act_body"),
            ("pathways.tick", "tick_body"),
            ("pathways.start", "start_body"),
            ("pathways.discharge", "discharge_body"),
        )
    },
    # Only the CSRF token: the refresh recomputes every indicator and writes an audit row.
    "reporting.refresh_now": lambda world, role: {},
}


def submit(
    browser: FlaskClient, path: str, method: str, body: dict[str, object], token: str | None
) -> TestResponse:
    """Send a body as a browser form would, or as an API client does under /api/."""
    if path.startswith("/api/"):
        headers = {"X-CSRFToken": token} if token else {}
        return browser.open(path, method=method, json=body, headers=headers)
    data = dict(body)
    if token:
        data["csrf_token"] = token
    return browser.open(path, method=method, data=data)


# A page of each kind of visitor that carries a form (hence a CSRF token in the session).
TOKEN_PAGES = {ANONYMOUS: SIGN_IN_PATH}
SIGNED_IN_TOKEN_PAGE = "/account/password"


def token_page(role: str) -> str:
    return TOKEN_PAGES.get(role, SIGNED_IN_TOKEN_PAGE)


def build_url(app: Flask, endpoint: str, method: str, world: World, role: str) -> str:
    """A concrete URL for an endpoint, filling its arguments from URL_ARGUMENTS."""
    rules = [r for r in app.url_map.iter_rules(endpoint) if method in (r.methods or ())]
    assert rules, f"{endpoint} does not accept {method}"
    unknown = sorted(set(rules[0].arguments) - set(URL_ARGUMENTS))
    if unknown:
        pytest.fail(
            f"{endpoint} takes URL argument(s) {unknown} that the access-matrix tests cannot "
            f"fill: add them to URL_ARGUMENTS in {__name__}"
        )
    values = {
        name: ENDPOINT_ARGUMENTS.get((endpoint, name), URL_ARGUMENTS[name])(world, role)
        for name in sorted(rules[0].arguments)
    }
    return app.url_map.bind("localhost").build(endpoint, values, method=method)


def client_for(
    login_as: Callable[[User], FlaskClient], client: FlaskClient, world: World, role: str
) -> FlaskClient:
    """The browser of a role: signed in as its world user, or not signed in at all."""
    if role == ANONYMOUS:
        return client
    assert role in world.users, f"the world fixture has no user for role {role!r}"
    return login_as(world.users[role])


def is_sign_in_redirect(response: TestResponse) -> bool:
    if response.status_code not in REDIRECTS:
        return False
    location = urlsplit(response.headers.get("Location", ""))
    return location.path == SIGN_IN_PATH and "next=" in location.query


def assert_refused(response: TestResponse, role: str, path: str) -> None:
    if role != ANONYMOUS:
        assert response.status_code == 403, f"{role} {path}: expected 403, got {response.status}"
    elif path.startswith("/api/"):
        assert response.status_code == 401, f"anonymous {path}: expected 401, got {response.status}"
        assert response.is_json
    else:
        assert is_sign_in_redirect(response), (
            f"anonymous {path}: expected a redirect to sign in, got {response.status} "
            f"{response.headers.get('Location')}"
        )


def assert_allowed(response: TestResponse, role: str, path: str) -> None:
    assert response.status_code < 400, f"{role} {path}: declared but got {response.status}"
    assert not is_sign_in_redirect(response), f"{role} {path}: declared but sent to sign in"


def may_use(rule: RouteRule, role: str) -> bool:
    return rule.is_public or role in rule.roles


def _generated_cases() -> Iterable[object]:
    for endpoint, rule in sorted(MATRIX.items()):
        for method in sorted(rule.methods - IGNORED_METHODS):
            for role in ROLES:
                yield pytest.param(role, endpoint, method, id=f"{role}-{method}-{endpoint}")


GENERATED_CASES = list(_generated_cases())

# --- Every route is declared ----------------------------------------------------------------


def _routes(app: Flask) -> Iterable[tuple[str, frozenset[str], set[str]]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield (
                rule.endpoint,
                frozenset(rule.methods or ()) - IGNORED_METHODS,
                set(rule.arguments),
            )


def test_every_route_in_the_url_map_is_declared_in_the_access_matrix(app):
    problems = []
    for endpoint, methods, _ in _routes(app):
        if endpoint not in MATRIX:
            problems.append(f"{endpoint}: not declared in {MATRIX_PATH.name}")
        elif not methods <= MATRIX[endpoint].methods:
            missing = sorted(methods - MATRIX[endpoint].methods)
            problems.append(f"{endpoint}: methods {missing} not declared")
    accepted: dict[str, set[str]] = {}
    for endpoint, methods, _ in _routes(app):
        accepted.setdefault(endpoint, set()).update(methods)
    for endpoint, rule in MATRIX.items():
        if endpoint not in accepted:
            problems.append(f"{endpoint}: declared but no such route (stale entry)")
        elif not rule.methods - IGNORED_METHODS <= accepted[endpoint]:
            stale = sorted(rule.methods - IGNORED_METHODS - accepted[endpoint])
            problems.append(f"{endpoint}: declares methods {stale} the route does not accept")
        if not rule.why.strip():
            problems.append(f"{endpoint}: no reason given (why)")
        if not rule.roles:
            problems.append(f"{endpoint}: no roles")
    assert not problems, "\n".join(problems)


class _DuplicateKeyLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
    assert not duplicates, f"{MATRIX_PATH.name} declares {duplicates} more than once"
    return loader.construct_mapping(node)


_DuplicateKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_access_matrix_declares_each_endpoint_once():
    # A second entry for the same endpoint would silently replace the first one's roles.
    raw = yaml.load(MATRIX_PATH.read_text(encoding="utf-8"), Loader=_DuplicateKeyLoader)  # noqa: S506 - a SafeLoader subclass
    assert set(raw) == set(MATRIX)


def test_every_route_reading_a_persons_record_declares_its_relationship_rule(app):
    for endpoint, _, arguments in _routes(app):
        if "person_id" in arguments:
            assert MATRIX[endpoint].relationship, f"{endpoint} reads a person without a rule"


def test_url_arguments_of_every_route_can_be_filled_by_the_generated_tests(app):
    unknown = {
        endpoint: sorted(arguments - set(URL_ARGUMENTS))
        for endpoint, _, arguments in _routes(app)
        if arguments - set(URL_ARGUMENTS)
    }
    assert not unknown, f"extend URL_ARGUMENTS in {__name__} for {unknown}"


# --- Role by route, generated from the matrix -------------------------------------------------


@pytest.mark.parametrize(("role", "endpoint", "method"), GENERATED_CASES)
def test_each_role_may_use_exactly_the_routes_the_matrix_declares_for_it(
    app, client, login_as, world, role, endpoint, method
):
    rule = MATRIX[endpoint]
    browser = client_for(login_as, client, world, role)
    path = build_url(app, endpoint, method, world, role)
    if method == "GET":
        response = browser.open(path, method=method)
    else:
        body = POST_BODIES.get(endpoint, lambda w, r: {})(world, role)
        response = submit(browser, path, method, body, csrf_token(browser, token_page(role)))
    if may_use(rule, role):
        assert_allowed(response, role, path)
    else:
        assert_refused(response, role, path)


def test_generated_matrix_covers_every_role_and_every_declared_route():
    covered = {(case.values[0], case.values[1]) for case in GENERATED_CASES}  # type: ignore[attr-defined]
    assert covered == {(role, endpoint) for role in ROLES for endpoint in MATRIX}
    assert len(ROLES) == 8


# --- Relationships: the record-level rule answers 404 -------------------------------------


def _person_status(login_as, user: User, person: Person) -> int:  # type: ignore[no-untyped-def]
    return login_as(user).get(f"/people/{person.id}").status_code


def test_clinician_reads_people_registered_in_their_hub_and_gets_404_for_another_hub(
    login_as, world
):
    clinician = world.users["clinician"]
    assert _person_status(login_as, clinician, world.person_a) == 200
    assert _person_status(login_as, clinician, world.person_b) == 404


def test_clinician_of_another_hub_gets_404_for_a_person_registered_in_hub_a(login_as, world):
    assert _person_status(login_as, world.users["other_hub_clinician"], world.person_a) == 404
    assert _person_status(login_as, world.users["other_hub_clinician"], world.person_b) == 200


def test_vcse_worker_sees_a_person_who_consented_to_share_with_their_organisation(login_as, world):
    assert _person_status(login_as, world.users["vcse_worker"], world.person_shared) == 200


def test_vcse_worker_gets_404_without_consent_even_for_a_person_in_their_hub(login_as, world):
    # Hub membership is not a reason for a VCSE worker: only consent (or care team) is.
    assert _person_status(login_as, world.users["vcse_worker"], world.person_a) == 404


def test_vcse_worker_of_another_organisation_gets_404_for_a_person_shared_with_a_different_one(
    login_as, world
):
    assert _person_status(login_as, world.users["other_vcse_worker"], world.person_shared) == 404


def test_withdrawn_consent_stops_access_at_once(db, login_as, world):
    worker = world.users["vcse_worker"]
    assert _person_status(login_as, worker, world.person_shared) == 200
    consent_id = db.session.scalar(
        sa.select(Consent.id).where(Consent.person_id == world.person_shared.id)
    )
    withdraw_consent(db.session, None, consent_id, reason="changed my mind")
    db.session.commit()
    assert _person_status(login_as, worker, world.person_shared) == 404
    listing = login_as(worker).get("/people/").get_data(as_text=True)
    assert not mentions_path(listing, f"/people/{world.person_shared.id}")


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "", html)


def test_a_person_without_a_reason_looks_exactly_like_one_who_does_not_exist(login_as, world):
    browser = login_as(world.users["clinician"])
    missing_id = world.person_shared.id + 10_000
    refused = browser.get(f"/people/{world.person_b.id}")
    absent = browser.get(f"/people/{missing_id}")
    assert refused.status_code == absent.status_code == 404
    assert _without_csrf(refused.get_data(as_text=True)) == _without_csrf(
        absent.get_data(as_text=True)
    )


# --- Lists follow the same rule as single reads ---------------------------------------------


@pytest.fixture
def named_world(db, world: World) -> World:
    """Unique, recognisable names; person_b (and their portal account) is the canary."""
    names = {
        "person_a": ("Ada", "Alphaperson"),
        "person_b": ("Bea", "Canaryleak"),
        "person_shared": ("Cy", "Sharedperson"),
    }
    for attribute, (given, family) in names.items():
        person = getattr(world, attribute)
        person.given_name, person.family_name = given, family
    world.users["other_person"].display_name = "Bea Canaryleak"
    world.users["other_person"].email = "canaryleak-portal@test.invalid"
    _more_vcse_people(db, world)
    db.session.flush()
    return world


def _more_vcse_people(db, world: World) -> None:  # type: ignore[no-untyped-def]
    """People whose consent to `vcse` is not active today (expired, future, withdrawn), and
    one who shares with `other_vcse` only."""
    import datetime as dt

    from hubs.core.types import today
    from hubs.people.services import grant_consent

    day = today()
    windows = {
        "Expiredconsent": (world.vcse, dt.date(2020, 1, 1), day - dt.timedelta(days=1)),
        "Futureconsent": (world.vcse, day + dt.timedelta(days=1), None),
        "Withdrawnconsent": (world.vcse, dt.date(2020, 1, 1), None),
        "Othervcseconsent": (world.other_vcse, dt.date(2020, 1, 1), None),
    }
    for family, (organisation, starts_on, ends_on) in windows.items():
        person = factories.PersonFactory(
            given_name="Vi", family_name=family, gp_practice=world.person_b.gp_practice
        )
        consent = grant_consent(
            db.session,
            None,
            person,
            organisation_id=organisation.id,
            sections=["care_plan"],
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if family == "Withdrawnconsent":
            withdraw_consent(db.session, None, consent.id)


LIST_ROLES = [
    "clinician",
    "other_hub_clinician",
    "vcse_worker",
    "other_vcse_worker",
    "hub_admin",
    "manager",
]


@pytest.mark.parametrize("role", LIST_ROLES)
def test_people_list_shows_exactly_the_people_a_single_read_allows(db, login_as, named_world, role):
    browser = login_as(named_world.users[role])
    listing = browser.get("/people/")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    everyone = db.session.scalars(sa.select(Person)).all()
    readable = {p.id for p in everyone if browser.get(f"/people/{p.id}").status_code == 200}
    named = {p.id for p in everyone if str(escape(f"{p.family_name}, {p.given_name}")) in html}
    linked = {int(i) for i in re.findall(r'href="/people/(\d+)"', html)}
    assert named == linked == readable
    assert readable, f"{role} has a reason to see someone in the world; the check would be empty"


def test_portal_shows_the_person_only_their_own_record(login_as, named_world):
    html = login_as(named_world.users["person"]).get("/my/").get_data(as_text=True)
    assert "Ada Alphaperson" in html
    assert "Canaryleak" not in html and "Sharedperson" not in html


# --- Canary: a person's name never reaches anyone without a reason --------------------------

CANARY = "canaryleak"
NEVER_FOLLOW = ("/static/", "/sign-out")


def page_text(response: TestResponse) -> str:
    """The body of an HTML or JSON response; binary downloads (PDFs) have no links to follow."""
    textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
    return response.get_data(as_text=True) if textual else ""


def crawl(client: FlaskClient, start: Iterable[str], limit: int = 150) -> dict[str, TestResponse]:
    """GET every same-site page reachable by links and redirects from the start paths."""
    seen: dict[str, TestResponse] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or path.startswith(NEVER_FOLLOW):
            continue
        response = client.get(path)
        seen[path] = response
        links = re.findall(r'href="([^"#]*)"', page_text(response))
        if response.status_code in REDIRECTS:
            links.append(response.headers["Location"])
        for link in links:
            parts = urlsplit(link.replace("&amp;", "&"))
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def start_pages(app: Flask, db, world: World, role: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every declared GET route, every person's page, and a search for the canary's number."""
    paths = [
        build_url(app, endpoint, "GET", world, role)
        for endpoint, rule in sorted(MATRIX.items())
        if "GET" in rule.methods
    ]
    paths += [f"/people/{pid}" for pid in db.session.scalars(sa.select(Person.id))]
    paths.append(f"/people/?q={world.person_b.nhs_number}")
    return paths


UNRELATED_TO_PERSON_B = [
    "clinician",
    "vcse_worker",
    "other_vcse_worker",
    "hub_admin",
    "manager",
    "analyst",
    "sysadmin",
    "person",
    ANONYMOUS,
]


@pytest.mark.parametrize("role", UNRELATED_TO_PERSON_B)
def test_canary_person_never_appears_on_any_page_an_unrelated_role_can_load(
    app, db, client, login_as, named_world, role
):
    browser = client_for(login_as, client, named_world, role)
    pages = crawl(browser, start_pages(app, db, named_world, role))
    # The crawl reached at least one page per declared GET route (it did not stop early).
    assert len(pages) >= sum(1 for rule in MATRIX.values() if "GET" in rule.methods)
    leaks = [path for path, r in pages.items() if CANARY in page_text(r).lower()]
    assert not leaks, f"{role} saw the canary person on {leaks}"


@pytest.mark.parametrize("role", ["other_hub_clinician", "other_person"])
def test_canary_is_found_by_the_crawl_when_the_role_has_a_reason(
    app, db, client, login_as, named_world, role
):
    # The control for the test above: the crawl does reach the canary where it is allowed.
    browser = client_for(login_as, client, named_world, role)
    pages = crawl(browser, start_pages(app, db, named_world, role))
    assert any(CANARY in page_text(r).lower() for r in pages.values())


# --- Every read of a person's record is audited ----------------------------------------------

AUDITED_READS = [
    pytest.param("clinician", "person_a", "/people/{id}", id="clinician-detail"),
    pytest.param("vcse_worker", "person_shared", "/people/{id}", id="vcse-detail"),
    pytest.param("manager", "person_a", "/people/{id}", id="manager-detail"),
    pytest.param("person", "person_a", "/my/", id="person-portal"),
]


@pytest.mark.parametrize(("role", "person_attr", "template"), AUDITED_READS)
def test_each_read_of_a_persons_record_writes_an_audit_row(
    db, login_as, world, role, person_attr, template
):
    actor, person = world.users[role], getattr(world, person_attr)
    browser = login_as(actor)
    request_ids = []
    for _ in range(2):
        response = browser.get(template.format(id=person.id))
        assert response.status_code == 200
        request_ids.append(response.headers["X-Request-ID"])
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "person.view", AuditEvent.person_id == person.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [r.request_id for r in rows] == request_ids
    for row in rows:
        assert row.actor_user_id == actor.id
        assert row.actor_role == role
        assert row.record_type == "person" and row.record_id == str(person.id)


def test_a_portal_account_reaches_only_its_own_record_through_the_shared_rule(db, world):
    # No staff route is open to people today, so check the rule itself (own_record): any
    # route later built on it for the person role inherits exactly this.
    from hubs.core.errors import NotFound
    from hubs.people.access import get_person_for
    from hubs.people.services import list_people

    person_user = world.users["person"]
    assert get_person_for(db.session, person_user, world.person_a.id) is world.person_a
    for other in (world.person_b, world.person_shared):
        with pytest.raises(NotFound):
            get_person_for(db.session, person_user, other.id)
    assert list_people(db.session, person_user).items == [world.person_a]
