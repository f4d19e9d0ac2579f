"""The person's outcome scores in the portal (filled in by the outcome measures work)."""

from hubs.portal.views import bp  # noqa: F401 - routes are added to the portal blueprint
