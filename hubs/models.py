"""Imports every model module so the metadata is complete (for Alembic and the test suite)."""

from hubs.careplans.models import (
    BreakGlassAccess,
    CarePlan,
    CarePlanAction,
    CarePlanComment,
    CarePlanGoal,
    Notification,
    OutcomeMeasure,
    SafetyPlan,
    SafetyPlanProposal,
)
from hubs.core.audit import AuditEvent
from hubs.directory.models import GpPractice, Hub, Lcp, Organisation, Service
from hubs.people.models import Consent, ConsentWithdrawal, Person, PersonContact, PortalAccount
from hubs.referrals.models import (
    CareTeamMember,
    ClockEvent,
    Episode,
    LeadWorkerChange,
    Referral,
    ReferralEvent,
    ReferralNeed,
)
from hubs.staff.models import ApiToken, HubMembership, LoginAttempt, User, UserSession

__all__ = [
    "ApiToken",
    "AuditEvent",
    "BreakGlassAccess",
    "CarePlan",
    "CarePlanAction",
    "CarePlanComment",
    "CarePlanGoal",
    "CareTeamMember",
    "ClockEvent",
    "Consent",
    "ConsentWithdrawal",
    "Episode",
    "GpPractice",
    "Hub",
    "HubMembership",
    "Lcp",
    "LeadWorkerChange",
    "LoginAttempt",
    "Notification",
    "Organisation",
    "OutcomeMeasure",
    "Person",
    "PersonContact",
    "PortalAccount",
    "Referral",
    "ReferralEvent",
    "ReferralNeed",
    "SafetyPlan",
    "SafetyPlanProposal",
    "Service",
    "User",
    "UserSession",
]
