"""factory-boy factories. Everything they make is fictional; objects are flushed, not committed.

The foundational ones (base) make places, organisations, services, staff and people; the
care ones (care, plans) make clinical records directly in a given state, with none of the
history, audit, activity rows, clock events or signals the services would add on the way.
"""

from hubs.directory.models import ServiceKind
from tests.factories.base import (
    PASSWORD,
    AreaFactory,
    BaseFactory,
    GpPracticeFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
    password_hash,
    synthetic_nhs_number,
)
from tests.factories.care import (
    DEFAULT_NEEDS,
    ContactFactory,
    EpisodeFactory,
    HealthCheckRecordFactory,
    ReferralFactory,
    SignpostingFactory,
    TransitionFactory,
    hub_team,
    practice_of,
    team_member,
)
from tests.factories.plans import CarePlanFactory, OutcomeMeasureFactory, SafetyPlanFactory

__all__ = [
    "DEFAULT_NEEDS",
    "PASSWORD",
    "AreaFactory",
    "BaseFactory",
    "CarePlanFactory",
    "ContactFactory",
    "EpisodeFactory",
    "GpPracticeFactory",
    "HealthCheckRecordFactory",
    "NeighbourhoodFactory",
    "OrganisationFactory",
    "OutcomeMeasureFactory",
    "PersonFactory",
    "PlaceFactory",
    "ReferralFactory",
    "SafetyPlanFactory",
    "ServiceFactory",
    "ServiceKind",
    "SignpostingFactory",
    "TeamFactory",
    "TeamMembershipFactory",
    "TransitionFactory",
    "UserFactory",
    "hub_team",
    "password_hash",
    "practice_of",
    "synthetic_nhs_number",
    "team_member",
]
