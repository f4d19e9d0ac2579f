"""The person's safety plan in the portal (filled in by the safety plan work)."""

from hubs.portal.views import bp  # noqa: F401 - routes are added to the portal blueprint
