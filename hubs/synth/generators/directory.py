"""The map of the system: the city's LCPs, hubs and services from the reference CSVs, plus
fictional LCPs (with their hubs, team services and GP practices) where a scale needs more
hubs than the city has, and a few fictional practices per LCP."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.directory.models import (
    Area,
    GpPractice,
    Neighbourhood,
    Organisation,
    Place,
    Service,
    Team,
    TeamKind,
    team_coverage,
)
from hubs.synth.context import SynthContext, TeamInfo
from hubs.synth.population import load_population
from hubs.synth.registry import generator

PRACTICES_PER_LCP = 4


def _load_reference(ctx: SynthContext) -> None:
    from hubs.directory.loading import load_shipped_areas
    from hubs.support.offers import load_shipped_offers

    session = Session(bind=ctx.connection)
    try:
        load_shipped_areas(session)
        load_shipped_offers(session)
        session.flush()
    finally:
        session.close()


def _extra_lcps(ctx: SynthContext, have: int) -> None:
    """Fictional LCPs and hubs up to the scale's number of hubs (region scale)."""
    wanted = ctx.scale.hubs - have
    if wanted <= 0:
        return
    conn = ctx.connection
    trust = conn.scalar(sa.select(Organisation.id).where(Organisation.code == "LYPFT"))
    area = conn.scalar(sa.select(Area.id).where(Area.code == "LEEDS"))
    place = conn.scalar(sa.select(Place.id).where(Place.code == "LEEDS"))
    neighbourhood_ids = ctx.ids(Neighbourhood.__table__, wanted)
    team_ids = ctx.ids(Team.__table__, wanted)
    service_ids = ctx.ids(Service.__table__, wanted)
    codes = [f"SYN{n:03d}" for n in range(have + 1, have + wanted + 1)]
    ctx.insert(
        Neighbourhood.__table__,
        ("id", "place_id", "code", "name", "is_early_implementer", "is_demo"),
        [
            (i, place, c, f"Synthetic LCP {c[3:]} (fictional)", False, True)
            for i, c in zip(neighbourhood_ids, codes, strict=True)
        ],
    )
    go_live = dt.date(2025, 4, 1)
    ctx.insert(
        Team.__table__,
        ("id", "area_id", "code", "name", "kind", "organisation_id", "min_age", "go_live_on"),
        [
            (h, area, c, f"Synthetic hub {c[3:]} (fictional)", "community_hub", trust, 16, go_live)
            for h, c in zip(team_ids, codes, strict=True)
        ],
    )
    ctx.insert(
        team_coverage,
        ("team_id", "neighbourhood_id"),
        list(zip(team_ids, neighbourhood_ids, strict=True)),
    )
    ctx.insert(
        Service.__table__,
        (
            "id",
            "code",
            "name",
            "kind",
            "organisation_id",
            "team_id",
            "opening_hours",
            "min_age",
            "description",
        ),
        [
            (
                s,
                f"HUB-{c}",
                f"Synthetic hub {c[3:]} (fictional) team",
                "hub_team",
                trust,
                h,
                "Monday to Friday 9am to 5pm",
                16,
                "Integrated community mental health support.",
            )
            for s, h, c in zip(service_ids, team_ids, codes, strict=True)
        ],
    )


def _extra_practices(ctx: SynthContext) -> None:
    rows = ctx.connection.execute(
        sa.select(Neighbourhood.id, Neighbourhood.code, sa.func.count(GpPractice.id))
        .outerjoin(GpPractice, GpPractice.neighbourhood_id == Neighbourhood.id)
        .group_by(Neighbourhood.id, Neighbourhood.code)
        .order_by(Neighbourhood.id)
    ).all()
    new = [
        (neighbourhood_id, code, n)
        for neighbourhood_id, code, have in rows
        for n in range(have + 1, PRACTICES_PER_LCP + 1)
    ]
    ids = ctx.ids(GpPractice.__table__, len(new))
    ctx.insert(
        GpPractice.__table__,
        ("id", "code", "name", "neighbourhood_id", "postcode"),
        [
            (
                i,
                f"SYN-{code}-{n}",
                f"Synthetic practice {code} {n} (fictional)",
                neighbourhood_id,
                f"LS{(neighbourhood_id % 28) + 1} {n}ZZ",
            )
            for i, (neighbourhood_id, code, n) in zip(ids, new, strict=True)
        ],
    )


def _read_world(ctx: SynthContext) -> None:
    conn, world = ctx.connection, ctx.world
    world.organisations = dict(conn.execute(sa.select(Organisation.code, Organisation.id)).all())
    world.services = {
        code: (sid, str(kind))
        for code, sid, kind in conn.execute(sa.select(Service.code, Service.id, Service.kind))
    }
    practices: dict[int, list[tuple[int, str]]] = {}
    for pid, neighbourhood_id, postcode in conn.execute(
        sa.select(GpPractice.id, GpPractice.neighbourhood_id, GpPractice.postcode).order_by(
            GpPractice.id
        )
    ):
        practices.setdefault(neighbourhood_id, []).append((pid, postcode or "LS1 1ZZ"))
    population = load_population()
    city_codes = sorted(population)
    # The synthetic city fills Leeds's hubs (one neighbourhood each) with people.
    hubs = conn.execute(
        sa.select(Team.id, Neighbourhood.id, Neighbourhood.code)
        .join(team_coverage, team_coverage.c.team_id == Team.id)
        .join(Neighbourhood, Neighbourhood.id == team_coverage.c.neighbourhood_id)
        .join(Area, Area.id == Team.area_id)
        .where(Team.kind == TeamKind.COMMUNITY_HUB, Area.code == "LEEDS")
        .order_by(Team.id)
    ).all()
    for n, (team_id, neighbourhood_id, code) in enumerate(hubs[: ctx.scale.hubs]):
        pop_code = code if code in population else city_codes[n % len(city_codes)]
        world.hubs.append(
            TeamInfo(
                team_id,
                neighbourhood_id,
                code,
                pop_code,
                world.services[f"HUB-{code}"][0],
                practices.get(neighbourhood_id, []),
                population[pop_code].weight,
            )
        )


@generator("directory")
def directory(ctx: SynthContext) -> None:
    """LCPs, hubs, practices and services, then the hubs this run fills with people."""
    _load_reference(ctx)
    if not ctx.append:
        have = (
            ctx.connection.scalar(
                sa.select(sa.func.count(Team.id)).where(Team.kind == TeamKind.COMMUNITY_HUB)
            )
            or 0
        )
        _extra_lcps(ctx, have)
        _extra_practices(ctx)
    _read_world(ctx)
