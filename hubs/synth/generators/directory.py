"""The map of the system: the city's LCPs, hubs and services from the reference CSVs, plus
fictional LCPs (with their hubs, team services and GP practices) where a scale needs more
hubs than the city has, and a few fictional practices per LCP."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.directory.models import GpPractice, Hub, Lcp, Organisation, Service
from hubs.synth.context import HubInfo, SynthContext
from hubs.synth.population import load_population
from hubs.synth.registry import generator

PRACTICES_PER_LCP = 4


def _load_reference(ctx: SynthContext) -> None:
    from hubs.directory.services import load_reference_data
    from hubs.support.offers import load_offer_details

    session = Session(bind=ctx.connection)
    try:
        load_reference_data(session)
        load_offer_details(session)
        session.flush()
    finally:
        session.close()


def _extra_lcps(ctx: SynthContext, have: int) -> None:
    """Fictional LCPs and hubs up to the scale's number of hubs (region scale)."""
    wanted = ctx.scale.hubs - have
    if wanted <= 0:
        return
    trust = ctx.connection.scalar(sa.select(Organisation.id).where(Organisation.code == "LYPFT"))
    lcp_ids = ctx.ids(Lcp.__table__, wanted)
    hub_ids = ctx.ids(Hub.__table__, wanted)
    service_ids = ctx.ids(Service.__table__, wanted)
    codes = [f"SYN{n:03d}" for n in range(have + 1, have + wanted + 1)]
    ctx.insert(
        Lcp.__table__,
        ("id", "code", "name", "is_early_implementer", "is_demo"),
        [
            (i, c, f"Synthetic LCP {c[3:]} (fictional)", False, True)
            for i, c in zip(lcp_ids, codes, strict=True)
        ],
    )
    go_live = dt.date(2025, 4, 1)
    ctx.insert(
        Hub.__table__,
        ("id", "lcp_id", "name", "go_live_on"),
        [
            (h, lid, f"Synthetic hub {c[3:]} (fictional)", go_live)
            for h, lid, c in zip(hub_ids, lcp_ids, codes, strict=True)
        ],
    )
    ctx.insert(
        Service.__table__,
        (
            "id",
            "code",
            "name",
            "kind",
            "organisation_id",
            "hub_id",
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
            for s, h, c in zip(service_ids, hub_ids, codes, strict=True)
        ],
    )


def _extra_practices(ctx: SynthContext) -> None:
    rows = ctx.connection.execute(
        sa.select(Lcp.id, Lcp.code, sa.func.count(GpPractice.id))
        .outerjoin(GpPractice, GpPractice.lcp_id == Lcp.id)
        .group_by(Lcp.id, Lcp.code)
        .order_by(Lcp.id)
    ).all()
    new = [
        (lcp_id, code, n)
        for lcp_id, code, have in rows
        for n in range(have + 1, PRACTICES_PER_LCP + 1)
    ]
    ids = ctx.ids(GpPractice.__table__, len(new))
    ctx.insert(
        GpPractice.__table__,
        ("id", "code", "name", "lcp_id", "postcode"),
        [
            (
                i,
                f"SYN-{code}-{n}",
                f"Synthetic practice {code} {n} (fictional)",
                lcp_id,
                f"LS{(lcp_id % 28) + 1} {n}ZZ",
            )
            for i, (lcp_id, code, n) in zip(ids, new, strict=True)
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
    for pid, lcp_id, postcode in conn.execute(
        sa.select(GpPractice.id, GpPractice.lcp_id, GpPractice.postcode).order_by(GpPractice.id)
    ):
        practices.setdefault(lcp_id, []).append((pid, postcode or "LS1 1ZZ"))
    population = load_population()
    city_codes = sorted(population)
    hubs = conn.execute(
        sa.select(Hub.id, Hub.lcp_id, Lcp.code).join(Lcp, Lcp.id == Hub.lcp_id).order_by(Hub.id)
    ).all()
    for n, (hub_id, lcp_id, code) in enumerate(hubs[: ctx.scale.hubs]):
        pop_code = code if code in population else city_codes[n % len(city_codes)]
        world.hubs.append(
            HubInfo(
                hub_id,
                lcp_id,
                code,
                pop_code,
                world.services[f"HUB-{code}"][0],
                practices.get(lcp_id, []),
                population[pop_code].weight,
            )
        )


@generator("directory")
def directory(ctx: SynthContext) -> None:
    """LCPs, hubs, practices and services, then the hubs this run fills with people."""
    _load_reference(ctx)
    if not ctx.append:
        have = ctx.connection.scalar(sa.select(sa.func.count(Hub.id))) or 0
        _extra_lcps(ctx, have)
        _extra_practices(ctx)
    _read_world(ctx)
