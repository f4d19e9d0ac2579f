"""The test harness: one app per run, one rolled-back transaction per test.

The database is whatever HUBS_TEST_DATABASE_URL names (PostgreSQL in the second half of
`make test`) or an in-memory SQLite. Its schema is built by the Alembic migrations, never by
`create_all`, so every run also proves the migrations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from hubs import create_app
from hubs.config import TestingConfig
from hubs.directory.models import Organisation, OrganisationKind, Team
from hubs.extensions import db as _db
from hubs.people.models import ConsentSection, Person
from hubs.people.services import create_portal_account, grant_consent
from hubs.referrals.models import Episode, NeedDomain, Severity
from hubs.staff import services as staff_services
from hubs.staff.models import MembershipKind, StaffRole, User
from tests import factories
from tests.builders import RECEIVED_DAYS_AGO

# Seeds every random generator per test (names, NHS numbers): same data in any order.
pytest_plugins = ["tests.helpers.determinism"]


def _reset_schema(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")


class IsolatedRequestsClient(FlaskClient):
    """A test client whose every request runs in its own application context, as on a real
    server. The `db` fixture keeps an app context open for the whole test and Flask would
    reuse it for requests, sharing `g` (Flask-Login's loaded user) and the scoped session
    between the test body and every request."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    app = create_app(TestingConfig)
    app.test_client_class = IsolatedRequestsClient
    with app.app_context():
        _reset_schema(_db.engine)
        flask_migrate.upgrade()
        _db.session.remove()
    yield app


@contextmanager
def bound_to(connection: sa.Connection) -> Iterator[SQLAlchemy]:
    """Every session, the app's included, works inside `connection`'s open transaction;
    services' commits only release savepoints. Needs an app context."""
    engines = _db.engines
    engine = engines[None]
    engines[None] = connection
    original_session = _db.session
    _db.session = _db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original_session
        engines[None] = engine


@contextmanager
def shared_transaction(app: Flask) -> Iterator[sa.Connection]:
    """A connection in a transaction that is rolled back at the end: data that several tests
    only read (the demo) is loaded into it once, and each test works in a savepoint of it."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        try:
            yield connection
        finally:
            outer.rollback()
            connection.close()


@contextmanager
def savepoint_of(app: Flask, connection: sa.Connection) -> Iterator[SQLAlchemy]:
    """A test's own database state inside a shared transaction, rolled back after it."""
    with app.app_context():
        savepoint = connection.begin_nested()
        try:
            with bound_to(connection) as bound:
                yield bound
        finally:
            if savepoint.is_active:
                savepoint.rollback()


@pytest.fixture
def db(app: Flask) -> Iterator[SQLAlchemy]:
    """Every session in the test, the app's included, works inside one outer transaction
    that is rolled back at the end; services' commits only release savepoints."""
    with shared_transaction(app) as connection, app.app_context(), bound_to(connection) as bound:
        yield bound


@pytest.fixture
def client(app: Flask, db: object) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign a user in through a real session record, as the sign-in form would."""

    def _login(user: User) -> FlaskClient:
        token = staff_services.sign_in(
            _db.session, user, ip_address="127.0.0.1", user_agent="pytest"
        )
        _db.session.commit()
        with client.session_transaction() as cookie_session:
            cookie_session["_user_id"] = token
            cookie_session["_fresh"] = True
        return client

    return _login


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """Fetch a page and read the CSRF token from its form (tests post real tokens)."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@dataclass
class World:
    """Two hubs, staff in every access role, and people on each side of the boundaries."""

    hub_a: Team
    hub_b: Team
    trust: Organisation
    vcse: Organisation
    other_vcse: Organisation
    users: dict[str, User]
    person_a: Person
    person_b: Person
    person_shared: Person


def _staff(
    role: StaffRole,
    org: Organisation,
    team: Team | None,
    kind: MembershipKind = MembershipKind.MEMBER,
) -> User:
    user = factories.UserFactory(role=role, organisation=org)
    if team is not None:
        factories.TeamMembershipFactory(user=user, team=team, kind=kind)
    return user


@pytest.fixture
def world(db: object) -> World:
    hub_a, hub_b = factories.TeamFactory(), factories.TeamFactory()
    trust = factories.OrganisationFactory(kind=OrganisationKind.NHS_TRUST)
    vcse = factories.OrganisationFactory(kind=OrganisationKind.VCSE)
    other_vcse = factories.OrganisationFactory(kind=OrganisationKind.VCSE)
    practice_a = factories.GpPracticeFactory(neighbourhood=hub_a.neighbourhood)
    practice_b = factories.GpPracticeFactory(neighbourhood=hub_b.neighbourhood)
    users = {
        "clinician": _staff(StaffRole.MENTAL_HEALTH_NURSE, trust, hub_a),
        "other_hub_clinician": _staff(StaffRole.MENTAL_HEALTH_NURSE, trust, hub_b),
        "vcse_worker": _staff(StaffRole.WELLBEING_CONNECTOR, vcse, hub_a),
        "other_vcse_worker": _staff(StaffRole.WELLBEING_CONNECTOR, other_vcse, hub_a),
        "hub_admin": _staff(StaffRole.ADMINISTRATOR, trust, hub_a),
        "manager": _staff(StaffRole.TEAM_MANAGER, trust, hub_a, MembershipKind.MANAGER),
        "analyst": _staff(StaffRole.STRATEGY_ANALYST, trust, None),
        "sysadmin": _staff(StaffRole.SYSTEM_ADMINISTRATOR, trust, None),
    }
    person_a = factories.PersonFactory(gp_practice=practice_a)
    person_b = factories.PersonFactory(gp_practice=practice_b)
    person_shared = factories.PersonFactory(gp_practice=practice_b)
    grant_consent(
        _db.session,
        None,
        person_shared,
        organisation_id=vcse.id,
        sections=[ConsentSection.CARE_PLAN],
        starts_on=dt.date(2020, 1, 1),
    )
    account = create_portal_account(
        _db.session, person_a, email="person-a@test.invalid", password=factories.PASSWORD
    )
    users["person"] = account.user
    other = create_portal_account(
        _db.session, person_b, email="person-b@test.invalid", password=factories.PASSWORD
    )
    users["other_person"] = other.user
    _db.session.flush()
    return World(hub_a, hub_b, trust, vcse, other_vcse, users, person_a, person_b, person_shared)


@pytest.fixture
def allocated(world: World) -> Episode:
    """person_a, referred 20 days ago, accepted into hub_a today: the clinician leads, the
    VCSE worker is in the care team (the support, tracker and caseload tests' person)."""
    return factories.EpisodeFactory(
        team=world.hub_a,
        person=world.person_a,
        lead_worker=world.users["clinician"],
        care_team=[world.users["vcse_worker"]],
        received_on=dt.date.today() - dt.timedelta(days=RECEIVED_DAYS_AGO),
        needs=[(NeedDomain.FRIENDSHIPS, Severity.HIGH, "Lonely")],
    )
