"""Demo data is fictional, complete and idempotent; production refuses unsafe settings and any
demo account with its published password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from nhs_number import is_valid

from hubs import create_app
from hubs.config import DEV_SECRET, ProductionConfig, UnsafeConfiguration, config_from_env
from hubs.directory.models import Neighbourhood, Service
from hubs.extensions import db as _db
from hubs.people import services as people_services
from hubs.people.models import Consent, Person, PortalAccount
from hubs.staff.models import AccountKind, StaffRole, User
from tests.conftest import bound_to, savepoint_of, shared_transaction

STRONG_SECRET = "k3v9-not-a-real-secret-but-long-enough-0123456789"
STRONG_PSEUDONYM_KEY = "p7q2-not-a-real-pseudonym-key-long-enough-98765"

NAMED_DEMO_ACCOUNTS = {
    "manager@hatch.demo",
    "connector@hatch.demo",
    "nurse@hatch.demo",
    "admin@hatch.demo",
    "analyst@demo",
    "sysadmin@demo",
    "person1@demo",
    "person2@demo",
    "person3@demo",
    "person4@demo",
    "nurse@westleeds.demo",
}
# The 50 demo people, plus the people of the pathways stories (hubs/pathways/demo.py).
DEMO_PEOPLE = 50 + 8


# --- `flask hubs demo` ----------------------------------------------------------------------


def _run_demo(app: Flask):
    result = app.test_cli_runner().invoke(args=["hubs", "demo"])
    assert result.exit_code == 0, result.output
    return result


def _scalars(db, statement) -> list:
    return list(db.session.scalars(statement))


def _counts(db) -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Person, Consent, PortalAccount, Neighbourhood, Service)
    }


@pytest.fixture(scope="module")
def demo_transaction(app: Flask) -> Iterator[tuple[sa.Connection, object]]:
    """The demo, loaded once for this module: its tests only read it (or check that running
    it again adds nothing), each in a savepoint rolled back after it."""
    with shared_transaction(app) as connection:
        with bound_to(connection):
            result = _run_demo(app)
        yield connection, result


@pytest.fixture
def db(app: Flask, demo_transaction) -> Iterator[object]:
    with savepoint_of(app, demo_transaction[0]) as bound:
        yield bound


@pytest.fixture
def demo(db, demo_transaction):
    return demo_transaction[1]


def test_demo_creates_fifty_synthetic_people_with_valid_999_nhs_numbers(db, demo):
    people = _scalars(db, sa.select(Person))

    assert len(people) == DEMO_PEOPLE
    assert all(p.is_synthetic for p in people)
    numbers = [p.nhs_number for p in people]
    assert len(set(numbers)) == DEMO_PEOPLE
    for number in numbers:
        assert is_valid(number), number
        assert number.startswith("999"), number


def test_demo_people_are_registered_with_real_lcp_practices(db, demo):
    people = _scalars(db, sa.select(Person))

    assert all(
        p.gp_practice is not None and not p.gp_practice.neighbourhood.is_demo for p in people
    )


def test_demo_creates_staff_in_every_role(db, demo):
    roles = set(_scalars(db, sa.select(User.role).where(User.kind == AccountKind.STAFF)))

    assert roles == set(StaffRole)


def test_demo_creates_the_named_accounts_all_flagged_demo(db, demo):
    emails = set(_scalars(db, sa.select(User.email)))

    assert emails >= NAMED_DEMO_ACCOUNTS
    assert _scalars(db, sa.select(User.email).where(User.is_demo.is_(False))) == []
    person_accounts = set(
        _scalars(db, sa.select(User.email).where(User.kind == AccountKind.PERSON))
    )
    assert person_accounts == {"person1@demo", "person2@demo", "person3@demo", "person4@demo"}
    linked = _scalars(db, sa.select(PortalAccount).join(PortalAccount.user))
    assert {a.user.email for a in linked} == person_accounts


def test_demo_output_gives_the_shared_demo_password(app, demo):
    assert app.config["DEMO_PASSWORD"] in demo.output
    assert "50 people" in demo.output


def test_demo_staff_see_demo_people_through_hub_and_consent(db, demo):
    def user(email: str) -> User:
        return db.session.scalar(sa.select(User).where(User.email == email))

    nurse = people_services.list_people(db.session, user("nurse@hatch.demo"), per_page=100)
    connector = people_services.list_people(db.session, user("connector@hatch.demo"), per_page=100)
    analyst = people_services.list_people(db.session, user("analyst@demo"), per_page=100)

    assert nurse.total > 0
    assert all(p.gp_practice.neighbourhood.code == "HATCH" for p in nurse.items)
    assert 0 < connector.total <= nurse.total
    assert analyst.total == 0


def test_running_demo_twice_creates_nothing_new(app, db, demo):
    first = _counts(db)

    again = _run_demo(app)

    assert _counts(db) == first
    assert "nothing new" in again.output


# --- Production configuration -------------------------------------------------------------


@pytest.fixture
def restore_app_globals() -> Iterator[None]:
    """Building another app must leave the test app as it was (per-app extension state)."""
    yield


def _production(uri: str, secret: str = STRONG_SECRET, pseudonym: str = STRONG_PSEUDONYM_KEY):
    return type(
        "ProductionUnderTest",
        (ProductionConfig,),
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": secret, "PSEUDONYM_KEY": pseudonym},
    )


def _dispose(app: Flask) -> None:
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def migrated_file(tmp_path: Path, restore_app_globals) -> Iterator[tuple[str, Flask]]:
    """A fresh SQLite file built by the migrations, and a development app bound to it."""
    uri = f"sqlite:///{tmp_path}/production.db"
    dev_app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True})
    with dev_app.app_context():
        flask_migrate.upgrade()
        _db.session.remove()
    yield uri, dev_app
    _dispose(dev_app)


@pytest.mark.parametrize(
    "secret",
    [DEV_SECRET, "", "changeme", "secret", "short-random-Zq8#"],
    ids=["development-default", "empty", "changeme", "secret", "too-short"],
)
def test_production_refuses_a_weak_or_default_secret_key(tmp_path, restore_app_globals, secret):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(_production(f"sqlite:///{tmp_path}/p.db", secret=secret))


def test_production_refuses_the_development_pseudonym_key(tmp_path, restore_app_globals):
    with pytest.raises(UnsafeConfiguration, match="PSEUDONYM_KEY"):
        create_app(_production(f"sqlite:///{tmp_path}/p.db", pseudonym="dev-only-pseudonym-key"))


def test_production_refuses_to_start_while_demo_accounts_exist(migrated_file):
    uri, dev_app = migrated_file
    with dev_app.app_context():
        _run_demo(dev_app)
        _db.session.remove()

    with pytest.raises(UnsafeConfiguration, match="demo account"):
        create_app(_production(uri))


def test_production_starts_with_strong_keys_and_no_demo_accounts(migrated_file):
    uri, _ = migrated_file

    production = create_app(_production(uri))

    try:
        assert production.config["NAME"] == "production"
        assert production.config["SESSION_COOKIE_SECURE"] is True
        client = production.test_client()
        assert client.get("/sign-in", base_url="https://hubs.test").status_code == 200
        insecure = client.get("/sign-in", base_url="http://hubs.test")
        assert insecure.status_code in {301, 302}
        assert insecure.headers["Location"].startswith("https://")
    finally:
        _dispose(production)


def test_demo_command_is_refused_under_production_config(migrated_file):
    uri, _ = migrated_file
    production = create_app(_production(uri))

    try:
        with production.app_context():
            result = production.test_cli_runner().invoke(args=["hubs", "demo"])
            users = _db.session.scalar(sa.select(sa.func.count(User.id)))
            _db.session.remove()
    finally:
        _dispose(production)

    assert result.exit_code != 0
    assert "refused in production" in result.output
    assert users == 0


def test_unknown_configuration_name_is_refused(monkeypatch):
    monkeypatch.setenv("HUBS_CONFIG", "staging-typo")

    with pytest.raises(RuntimeError, match="HUBS_CONFIG"):
        config_from_env()


def test_configuration_name_chooses_the_settings(monkeypatch):
    monkeypatch.setenv("HUBS_CONFIG", "production")
    assert config_from_env() is ProductionConfig


def test_building_a_production_app_leaves_other_apps_unchanged(app, client, migrated_file):
    uri, _ = migrated_file
    create_app(_production(uri))

    response = client.get("/sign-in")

    assert response.status_code == 200  # not a redirect to https: Talisman is per app
    assert "Strict-Transport-Security" not in response.headers


def test_demo_gives_the_connector_and_the_hatch_manager_realistic_caseloads(db, demo):
    from hubs.caseloads import overview, queries
    from hubs.caseloads.rules import Flag, weighting_from
    from hubs.core.types import today
    from hubs.support.models import Contact, Signposting
    from hubs.trackers.models import HealthCheckRecord

    def user(email: str) -> User:
        return db.session.scalar(sa.select(User).where(User.email == email))

    weighting = weighting_from(None)
    connector = queries.worker_caseload(
        db.session, user("connector@hatch.demo"), weighting, today()
    )
    assert len(connector.entries) >= 8
    assert any(e.is_lead for e in connector.entries) and any(
        not e.is_lead for e in connector.entries
    )
    assert connector.flagged(Flag.NO_RECENT_CONTACT) and connector.follow_ups
    manager = user("manager@hatch.demo")
    [team] = queries.managed_teams(db.session, manager)
    view = overview.hub_overview(db.session, team, weighting, today())
    assert len([w for w in view.workers if w.people]) >= 5
    assert view.waiting_total and view.awaiting_first_contact and view.no_recent_contact
    for model in (Contact, Signposting, HealthCheckRecord):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) > 0
