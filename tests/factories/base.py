"""The foundational factories: places, organisations, services, staff and people."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from nhs_number import REGION_SYNTHETIC, generate

from hubs.directory.models import (
    Area,
    GpPractice,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    Place,
    RoutingRule,
    Service,
    ServiceKind,
    Team,
    TeamKind,
)
from hubs.extensions import db
from hubs.people.models import Person, Sex
from hubs.staff.models import AccountKind, MembershipKind, StaffRole, TeamMembership, User
from hubs.staff.passwords import hash_password

PASSWORD = "correct-horse-battery-staple"
_PASSWORD_HASH: dict[str, str] = {}


def password_hash() -> str:
    # Hash once per run: argon2 is deliberately slow, even with test parameters.
    if "hash" not in _PASSWORD_HASH:
        _PASSWORD_HASH["hash"] = hash_password(PASSWORD)
    return _PASSWORD_HASH["hash"]


_synthetic_numbers = itertools.count()


def synthetic_nhs_number() -> str:
    """A valid NHS number from the range reserved for synthetic data (never a real person)."""
    return generate(for_region=REGION_SYNTHETIC)[0]


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the per-test session
        sqlalchemy_session_persistence = "flush"


class AreaFactory(BaseFactory):
    """One test area that every test team shares unless a test makes another."""

    class Meta:
        model = Area
        sqlalchemy_get_or_create = ("code",)

    code = "TEST"
    name = "Test area"
    strategy_name = "Test mental health strategy"
    routing = RoutingRule.PRACTICE
    wait_target_days = 28
    neighbourhood_label = "Local Care Partnership"


class PlaceFactory(BaseFactory):
    class Meta:
        model = Place
        sqlalchemy_get_or_create = ("code",)

    area = factory.SubFactory(AreaFactory)
    code = factory.LazyAttribute(lambda o: o.area.code)
    name = factory.LazyAttribute(lambda o: o.area.name)


class NeighbourhoodFactory(BaseFactory):
    class Meta:
        model = Neighbourhood

    place = factory.SubFactory(PlaceFactory)
    code = factory.Sequence(lambda n: f"TLCP{n:03d}")
    name = factory.Sequence(lambda n: f"Test LCP {n}")
    is_demo = True


class TeamFactory(BaseFactory):
    """A community hub serving one neighbourhood (pass `neighbourhoods=[...]` or `kind` for
    other teams)."""

    class Meta:
        model = Team

    class Params:
        neighbourhood = factory.SubFactory(NeighbourhoodFactory)

    area = factory.LazyAttribute(lambda o: o.neighbourhood.place.area)
    # A Leeds hub's code is its LCP's (what reporting and the population figures use).
    code = factory.LazyAttribute(lambda o: o.neighbourhood.code)
    kind = TeamKind.COMMUNITY_HUB
    name = factory.LazyAttribute(lambda o: f"{o.neighbourhood.name} hub")
    neighbourhoods = factory.LazyAttribute(lambda o: [o.neighbourhood])
    go_live_on = dt.date(2024, 4, 1)


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"TORG{n:03d}")
    name = factory.Sequence(lambda n: f"Test organisation {n}")
    kind = OrganisationKind.NHS_TRUST


class GpPracticeFactory(BaseFactory):
    class Meta:
        model = GpPractice

    code = factory.Sequence(lambda n: f"TGP{n:03d}")
    name = factory.Sequence(lambda n: f"Test practice {n}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    postcode = "LS1 1AA"


class ServiceFactory(BaseFactory):
    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"TSVC{n:03d}")
    name = factory.Sequence(lambda n: f"Test service {n}")
    kind = ServiceKind.COMMUNITY_OFFER


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@test.invalid")
    display_name = factory.Sequence(lambda n: f"Test Staff {n}")
    password_hash = factory.LazyFunction(password_hash)
    kind = AccountKind.STAFF
    role = StaffRole.MENTAL_HEALTH_NURSE
    organisation = factory.SubFactory(OrganisationFactory)


class TeamMembershipFactory(BaseFactory):
    class Meta:
        model = TeamMembership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    kind = MembershipKind.MEMBER


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    nhs_number = factory.LazyFunction(synthetic_nhs_number)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1990, 5, 17)
    sex = Sex.FEMALE
    ethnic_category = "A"
    gp_practice = factory.SubFactory(GpPracticeFactory)
    is_synthetic = True
