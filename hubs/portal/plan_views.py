"""The person's care plan, safety plan, care team, outcome scores and consent choices."""

from hubs.portal.views import bp  # noqa: F401 - routes are added to the portal blueprint
