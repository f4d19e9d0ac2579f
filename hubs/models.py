"""Imports every model module so the metadata is complete (for Alembic and the test suite)."""

from hubs.careplans.models import (
    CarePlan,
    CarePlanAction,
    CarePlanComment,
    CarePlanGoal,
)
from hubs.caseloads.models import CaseloadTransfer, CaseloadTransferEpisode
from hubs.core.audit import AuditEvent
from hubs.core.leases import SchedulerLease
from hubs.directory.models import (
    Area,
    GpPractice,
    Neighbourhood,
    Organisation,
    Place,
    Service,
    ServiceAccessFeature,
    ServiceSession,
    Team,
)
from hubs.notifications.models import OutboxMessage, StaffTask
from hubs.outcomes.models import OutcomeMeasure
from hubs.pathways.models import ChecklistTick, OnwardPlan, Transition, TransitionEvent
from hubs.people.models import (
    BreakGlassAccess,
    Consent,
    ConsentWithdrawal,
    Person,
    PersonContact,
    PortalAccount,
)
from hubs.portal.models import FeedbackResponse
from hubs.referrals.models import (
    CareTeamMember,
    ClockEvent,
    Episode,
    LeadWorkerChange,
    Referral,
    ReferralEvent,
    ReferralNeed,
)
from hubs.reporting.indicator_models import IndicatorValue
from hubs.reporting.models import ActivityEvent
from hubs.safetyplans.models import SafetyPlan, SafetyPlanProposal
from hubs.staff.models import ApiToken, LoginAttempt, TeamMembership, User, UserSession
from hubs.support.models import (
    Contact,
    ContactActivity,
    ContactNeed,
    OfferNeed,
    Signposting,
)
from hubs.trackers.models import EmploymentCheck, HealthCheckRecord, IpsReferral

__all__ = [
    "ActivityEvent",
    "ApiToken",
    "Area",
    "AuditEvent",
    "BreakGlassAccess",
    "CarePlan",
    "CarePlanAction",
    "CarePlanComment",
    "CarePlanGoal",
    "CareTeamMember",
    "CaseloadTransfer",
    "CaseloadTransferEpisode",
    "ChecklistTick",
    "ClockEvent",
    "Consent",
    "ConsentWithdrawal",
    "Contact",
    "ContactActivity",
    "ContactNeed",
    "EmploymentCheck",
    "Episode",
    "FeedbackResponse",
    "GpPractice",
    "HealthCheckRecord",
    "IndicatorValue",
    "IpsReferral",
    "LeadWorkerChange",
    "LoginAttempt",
    "Neighbourhood",
    "OfferNeed",
    "OnwardPlan",
    "Organisation",
    "OutboxMessage",
    "OutcomeMeasure",
    "Person",
    "PersonContact",
    "Place",
    "PortalAccount",
    "Referral",
    "ReferralEvent",
    "ReferralNeed",
    "SafetyPlan",
    "SafetyPlanProposal",
    "SchedulerLease",
    "Service",
    "ServiceAccessFeature",
    "ServiceSession",
    "Signposting",
    "StaffTask",
    "Team",
    "TeamMembership",
    "Transition",
    "TransitionEvent",
    "User",
    "UserSession",
]
