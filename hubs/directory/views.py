"""The directory: hubs by LCP and the services people can be referred or signposted to."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from hubs.core.paging import page_arg, page_of
from hubs.directory.models import Area, Service, Team
from hubs.extensions import db

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.get("/hubs")
def hubs() -> str:
    """A page of teams by area: hubs, treatment and recovery teams, central access points
    and specialist teams (a region has hundreds)."""
    query = (
        sa.select(Team)
        .join(Team.area)
        .options(sa.orm.contains_eager(Team.area), sa.orm.selectinload(Team.neighbourhoods))
        .order_by(Area.name, Team.kind, Team.name, Team.id)
    )
    results = page_of(db.session, query, page_arg())
    return render_template("directory/hubs.html", hubs=results.items, results=results)


@bp.get("/services")
def services() -> str:
    """A page of services and offers."""
    query = (
        sa.select(Service)
        .where(Service.is_active.is_(True))
        .options(sa.orm.joinedload(Service.organisation))
        .order_by(Service.kind, Service.name, Service.id)
    )
    results = page_of(db.session, query, page_arg())
    return render_template("directory/services.html", services=results.items, results=results)
