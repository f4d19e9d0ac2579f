"""The foundational factories: places, organisations, services, staff and people."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from nhs_number import REGION_SYNTHETIC, generate

from hubs.directory.models import (
    GpPractice,
    Hub,
    Lcp,
    Organisation,
    OrganisationKind,
    Service,
    ServiceKind,
)
from hubs.extensions import db
from hubs.people.models import Person, Sex
from hubs.staff.models import AccountKind, HubMembership, MembershipKind, StaffRole, User
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


class LcpFactory(BaseFactory):
    class Meta:
        model = Lcp

    code = factory.Sequence(lambda n: f"TLCP{n:03d}")
    name = factory.Sequence(lambda n: f"Test LCP {n}")
    is_demo = True


class HubFactory(BaseFactory):
    class Meta:
        model = Hub

    lcp = factory.SubFactory(LcpFactory)
    name = factory.LazyAttribute(lambda o: f"{o.lcp.name} hub")
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
    lcp = factory.SubFactory(LcpFactory)
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


class HubMembershipFactory(BaseFactory):
    class Meta:
        model = HubMembership

    user = factory.SubFactory(UserFactory)
    hub = factory.SubFactory(HubFactory)
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
