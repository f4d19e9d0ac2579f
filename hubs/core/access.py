"""Who may use which route: the declared access matrix and its enforcement.

The matrix (`hubs/access_matrix.yaml`) names every endpoint with the roles that may call it
and why. It is enforced before every request, so an undeclared route is refused rather than
left open, and tests compare it with the app's URL map. Record-level rules (why *this*
person) live beside the models they filter, e.g. `hubs.people.access`; denials there answer
404 so a record's existence is never revealed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user


class AccessRole(enum.StrEnum):
    """What kind of actions an account may take (DESIGN §6), derived from its job."""

    CLINICIAN = "clinician"
    VCSE_WORKER = "vcse_worker"
    HUB_ADMIN = "hub_admin"
    MANAGER = "manager"
    ANALYST = "analyst"
    SYSADMIN = "sysadmin"
    PERSON = "person"


ANONYMOUS = "anonymous"
STAFF_WITH_CLINICAL_ACCESS = frozenset(
    {AccessRole.CLINICIAN, AccessRole.VCSE_WORKER, AccessRole.HUB_ADMIN, AccessRole.MANAGER}
)

MATRIX_PATH = Path(__file__).resolve().parent.parent / "access_matrix.yaml"
ALL_ROLES = frozenset(r.value for r in AccessRole)


@dataclass(frozen=True)
class RouteRule:
    endpoint: str
    methods: frozenset[str]
    roles: frozenset[str]
    relationship: str | None
    why: str

    @property
    def is_public(self) -> bool:
        return ANONYMOUS in self.roles


class MatrixError(ValueError):
    pass


@cache
def load_matrix(path: Path = MATRIX_PATH) -> dict[str, RouteRule]:
    """Parse and check the declared matrix once per process."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = {}
    for endpoint, spec in raw.items():
        roles = frozenset(spec["roles"])
        unknown = roles - ALL_ROLES - {ANONYMOUS}
        if unknown:
            raise MatrixError(f"{endpoint}: unknown roles {sorted(unknown)}")
        if not spec.get("why"):
            raise MatrixError(f"{endpoint}: every route must say why")
        rules[endpoint] = RouteRule(
            endpoint=endpoint,
            methods=frozenset(m.upper() for m in spec["methods"]),
            roles=roles,
            relationship=spec.get("relationship"),
            why=spec["why"],
        )
    return rules


def _deny_unauthenticated():  # type: ignore[no-untyped-def]
    from hubs.core.errors import wants_json

    if wants_json():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def enforce_route_access():  # type: ignore[no-untyped-def]
    """Before every request: refuse a role the matrix does not name for this endpoint."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    rule = load_matrix().get(endpoint)
    if rule is None or request.method not in rule.methods | {"HEAD", "OPTIONS"}:
        current_app.logger.error("route not declared in access matrix: %s", endpoint)
        abort(403)
    if rule.is_public:
        return None
    if not current_user.is_authenticated:
        return _deny_unauthenticated()
    if current_user.access_role not in rule.roles:
        abort(403)
    return None


def init_access(app: Flask) -> None:
    app.before_request(enforce_route_access)
