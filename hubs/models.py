"""Imports every model module so the metadata is complete (for Alembic and the test suite)."""

from hubs.core.audit import AuditEvent
from hubs.directory.models import GpPractice, Hub, Lcp, Organisation, Service
from hubs.people.models import Consent, ConsentWithdrawal, Person, PersonContact, PortalAccount
from hubs.staff.models import ApiToken, HubMembership, LoginAttempt, User, UserSession

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Consent",
    "ConsentWithdrawal",
    "GpPractice",
    "Hub",
    "HubMembership",
    "Lcp",
    "LoginAttempt",
    "Organisation",
    "Person",
    "PersonContact",
    "PortalAccount",
    "Service",
    "User",
    "UserSession",
]
