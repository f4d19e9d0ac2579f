"""The benchmarked pages: one small function each, registered with `@page`.

Each function gets a connection to the benchmark database and picks a realistically heavy
case (the hub with the longest waiting list, the worker with the biggest caseload, the plan
with the most versions), the account that would open it, and the raw SQL the page needs:
the same filters, hand-written, which the latency benchmark runs directly on the same
connection as the floor the page is compared with.

To add a page (e.g. the strategy dashboard, once the reporting module lands)::

    @page("dashboard", "Strategy dashboard (analyst)")
    def dashboard(conn: sa.Connection) -> Case:
        analyst = _one(conn, "SELECT min(id) FROM users WHERE role = 'strategy_analyst'")
        return Case("/reporting/", analyst, floor=[Sql("SELECT ... FROM activity ...")])

The statement-count smoke test (tests/bench) and `make bench` pick it up from the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

Floor = Callable[[sa.Connection], object]


@dataclass(frozen=True)
class Case:
    """What to request, as whom, and the raw SQL the page needs (run as `floor(conn)`)."""

    path: str
    user_id: int
    floor: Floor
    note: str = ""


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    setup: Callable[[sa.Connection], Case]


PAGES: dict[str, Page] = {}


def page(name: str, title: str) -> Callable[[Callable[[sa.Connection], Case]], Callable]:  # type: ignore[type-arg]
    """Register a benchmarked page."""

    def register(setup: Callable[[sa.Connection], Case]) -> Callable[[sa.Connection], Case]:
        PAGES[name] = Page(name, title, setup)
        return setup

    return register


def _one(conn: sa.Connection, sql: str, **params: Any) -> Any:
    value = conn.execute(sa.text(sql), params).scalar()
    if value is None:
        raise LookupError(f"the benchmark database has no case for: {sql}")
    return value


def rows(conn: sa.Connection, sql: str, **params: Any) -> list[Any]:
    """Run one hand-written statement and fetch everything (lists bind as IN lists)."""
    statement = sa.text(sql)
    for name, value in params.items():
        if isinstance(value, list | tuple | set):
            statement = statement.bindparams(sa.bindparam(name, expanding=True))
    return list(
        conn.execute(
            statement, {k: list(v) if isinstance(v, set) else v for k, v in params.items()}
        )
    )


OPEN_REFERRAL = "status IN ('received', 'triaged')"
OPEN_EPISODE = "status IN ('planned', 'active')"


# --- Floors shared by every page ------------------------------------------------------------


def signed_in(conn: sa.Connection) -> None:
    """The signed-in user, from the session token (every page starts with it)."""
    rows(
        conn,
        "SELECT s.id, s.last_seen_at, s.revoked_at, u.id, u.display_name, u.role, "
        "u.kind, u.is_active FROM user_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = :token",
        token="0" * 64,
    )


def audited(conn: sa.Connection, action: str, person_id: int | None = None) -> None:
    """The audit row the page writes (the benchmark rolls the floor's rows back)."""
    conn.execute(
        sa.text(
            "INSERT INTO audit_events (at, actor_user_id, actor_label, actor_role, action, "
            "record_type, record_id, person_id, outcome) VALUES (:at, NULL, 'benchmark', "
            "'clinician', :action, 'benchmark', '1', :person_id, 'success')"
        ),
        {
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "action": action,
            "person_id": person_id,
        },
    )


def clock_inputs(conn: sa.Connection, person_ids: list[int]) -> None:
    """People's referral spans and clock events, what their waiting-time clocks read."""
    if not person_ids:
        return
    rows(
        conn,
        "SELECT r.id, r.person_id, r.received_on, r.closed_on, e.status, e.finished_on "
        "FROM referrals r LEFT JOIN episodes e ON e.referral_id = r.id "
        "WHERE r.person_id IN :ids AND r.status != 'entered_in_error'",
        ids=person_ids,
    )
    rows(
        conn,
        "SELECT person_id, referral_id, kind, occurred_on FROM clock_events "
        "WHERE person_id IN :ids",
        ids=person_ids,
    )


# --- The main pages -----------------------------------------------------------------------


def _busiest_hub(conn: sa.Connection) -> int:
    return _one(
        conn,
        f"SELECT team_id FROM referrals WHERE {OPEN_REFERRAL} GROUP BY team_id "
        "ORDER BY count(*) DESC, team_id LIMIT 1",
    )


def _team_member(conn: sa.Connection, team_id: int, role: str = "mental_health_nurse") -> int:
    return _one(
        conn,
        "SELECT min(u.id) FROM users u JOIN team_memberships m ON m.user_id = u.id "
        "WHERE m.team_id = :team AND u.role = :role AND u.is_active",
        team=team_id,
        role=role,
    )


def _team_manager(conn: sa.Connection, team_id: int) -> int:
    return _one(
        conn,
        "SELECT min(user_id) FROM team_memberships WHERE team_id = :team AND kind = 'manager'",
        team=team_id,
    )


@page("triage_queue", "Triage queue (clinician of the busiest hub, first page of 25)")
def triage_queue(conn: sa.Connection) -> Case:
    team = _busiest_hub(conn)

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        rows(
            c,
            f"SELECT count(*) FROM referrals WHERE team_id = :team AND {OPEN_REFERRAL}",
            team=team,
        )
        page_rows = rows(
            c,
            "SELECT r.id, r.person_id, r.priority, r.received_on, r.status, p.given_name, "
            "p.family_name, p.nhs_number, s.name, s.kind, h.name FROM referrals r "
            "JOIN people p ON p.id = r.person_id JOIN services s ON s.id = r.service_id "
            f"JOIN teams h ON h.id = r.team_id WHERE r.team_id = :team AND r.{OPEN_REFERRAL} "
            "ORDER BY CASE r.priority WHEN 'emergency' THEN 0 WHEN 'very_urgent' THEN 1 "
            "WHEN 'urgent' THEN 2 ELSE 3 END, r.received_on, r.id LIMIT 25",
            team=team,
        )
        rows(
            c,
            "SELECT referral_id, domain, severity FROM referral_needs WHERE referral_id IN :ids",
            ids=[r[0] for r in page_rows] or [0],
        )
        clock_inputs(c, [r[1] for r in page_rows])
        audited(c, "referral.list")

    return Case("/referrals/", _team_member(conn, team), floor)


@page("referral", "A referral (open, to the busiest hub, of the person with most referrals)")
def referral(conn: sa.Connection) -> Case:
    team = _busiest_hub(conn)
    referral_id, person_id = conn.execute(
        sa.text(
            "SELECT r.id, r.person_id FROM referrals r "
            f"WHERE r.team_id = :team AND r.{OPEN_REFERRAL} ORDER BY "
            "(SELECT count(*) FROM referrals o WHERE o.person_id = r.person_id) DESC, r.id LIMIT 1"
        ),
        {"team": team},
    ).one()

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        rows(
            c,
            "SELECT r.*, p.given_name, p.family_name, p.nhs_number, p.date_of_birth, "
            "s.name, s.kind, h.name FROM referrals r JOIN people p ON p.id = r.person_id "
            "JOIN services s ON s.id = r.service_id JOIN teams h ON h.id = r.team_id "
            "WHERE r.id = :id",
            id=referral_id,
        )
        rows(
            c,
            "SELECT domain, severity, own_words FROM referral_needs WHERE referral_id = :id",
            id=referral_id,
        )
        rows(
            c,
            "SELECT e.action, e.from_status, e.to_status, e.at, e.note, u.display_name "
            "FROM referral_events e LEFT JOIN users u ON u.id = e.actor_id "
            "WHERE e.referral_id = :id ORDER BY e.id",
            id=referral_id,
        )
        clock_inputs(c, [person_id])
        audited(c, "referral.view", person_id)

    return Case(f"/referrals/{referral_id}", _team_member(conn, team), floor)


def _open_episodes_of(user: str) -> str:
    return (
        f"SELECT e.id FROM episodes e WHERE e.{OPEN_EPISODE} AND (e.lead_worker_id = {user} "
        "OR e.id IN (SELECT episode_id FROM care_team_members WHERE user_id = "
        f"{user} AND left_on IS NULL))"
    )


@page("caseload", "My caseload (the worker with the biggest caseload)")
def caseload(conn: sa.Connection) -> Case:
    worker = _one(
        conn,
        f"SELECT m.user_id FROM care_team_members m JOIN episodes e "
        f"ON e.id = m.episode_id WHERE m.left_on IS NULL AND e.{OPEN_EPISODE} "
        "GROUP BY m.user_id ORDER BY count(DISTINCT e.person_id) DESC, m.user_id "
        "LIMIT 1",
    )

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        episodes = rows(
            c,
            "SELECT e.id, e.person_id, e.referral_id, e.lead_worker_id, e.opened_at, "
            "e.status, p.given_name, p.family_name, p.nhs_number, p.date_of_birth, "
            "r.received_on, r.closed_on, s.kind FROM episodes e "
            "JOIN people p ON p.id = e.person_id JOIN referrals r ON r.id = e.referral_id "
            "JOIN services s ON s.id = r.service_id "
            f"WHERE e.id IN ({_open_episodes_of(':worker')})",
            worker=worker,
        )
        people = sorted({e[1] for e in episodes}) or [0]
        rows(
            c,
            "SELECT referral_id, severity FROM referral_needs WHERE referral_id IN :ids",
            ids=[e[2] for e in episodes] or [0],
        )
        person_facts(c, people)
        clock_inputs(c, people)
        rows(
            c,
            "SELECT g.id, g.person_id, g.follow_up_on, s.name FROM signpostings g "
            "JOIN services s ON s.id = g.service_id WHERE g.worker_id = :worker "
            "AND g.person_id IN :ids AND g.outcome = 'not_yet' AND g.follow_up_on <= :day",
            worker=worker,
            ids=people,
            day=today(),
        )
        audited(c, "caseload.view")

    return Case("/caseloads/", worker, floor)


def last_contacts(c: sa.Connection, people: list[int]) -> None:
    rows(
        c,
        "SELECT person_id, max(contact_on) FROM contacts WHERE person_id IN :ids "
        "AND reached = 'yes' GROUP BY person_id",
        ids=people,
    )


def plan_reviews(c: sa.Connection, people: list[int]) -> None:
    rows(
        c,
        "SELECT 'care', person_id, agreed_at, review_due_on FROM care_plans "
        "WHERE person_id IN :ids AND status IN ('agreed', 'under_review') UNION ALL "
        "SELECT 'safety', person_id, agreed_at, review_due_on FROM safety_plans "
        "WHERE person_id IN :ids AND status IN ('agreed', 'under_review')",
        ids=people,
    )


def person_facts(c: sa.Connection, people: list[int]) -> None:
    """Last contact, next planned contact, plan reviews and health checks for many people."""
    last_contacts(c, people)
    rows(
        c,
        "SELECT person_id, next_contact_on FROM (SELECT person_id, next_contact_on, "
        "row_number() OVER (PARTITION BY person_id ORDER BY contact_on DESC, id DESC) AS n "
        "FROM contacts WHERE person_id IN :ids AND next_contact_on IS NOT NULL) AS ranked "
        "WHERE n = 1",
        ids=people,
    )
    plan_reviews(c, people)
    rows(
        c,
        "SELECT person_id, element, max(done_on) FROM health_check_records "
        "WHERE person_id IN :ids GROUP BY person_id, element",
        ids=people,
    )


def today() -> dt.date:
    from hubs.core.types import today as utc_today

    return utc_today()


@page("hub_view", "Manager's hub view (the hub with most open episodes)")
def hub_view(conn: sa.Connection) -> Case:
    # A hub with a waiting list too, so every part of the page has rows at every scale.
    team = _one(
        conn,
        f"SELECT team_id FROM episodes WHERE {OPEN_EPISODE} AND team_id IN "
        f"(SELECT team_id FROM referrals WHERE {OPEN_REFERRAL}) GROUP BY team_id "
        "ORDER BY count(*) DESC, team_id LIMIT 1",
    )

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        hub_overview_floor(c, team)
        audited(c, "caseload.hub_view")

    return Case(f"/caseloads/teams/{team}", _team_manager(conn, team), floor)


def hub_overview_floor(c: sa.Connection, team: int) -> None:
    episodes = rows(
        c,
        "SELECT e.id, e.person_id, e.lead_worker_id, e.status, e.opened_at "
        f"FROM episodes e WHERE e.team_id = :team AND e.{OPEN_EPISODE}",
        team=team,
    )
    rows(
        c,
        "SELECT u.id, u.display_name, u.role FROM users u JOIN team_memberships m "
        "ON m.user_id = u.id WHERE m.team_id = :team AND u.is_active AND u.kind = 'staff'",
        team=team,
    )
    rows(
        c,
        "SELECT m.episode_id, m.user_id FROM care_team_members m JOIN episodes e "
        f"ON e.id = m.episode_id WHERE e.team_id = :team AND e.{OPEN_EPISODE} "
        "AND m.left_on IS NULL",
        team=team,
    )
    rows(
        c,
        "SELECT e.id, n.severity FROM episodes e JOIN referral_needs n "
        f"ON n.referral_id = e.referral_id WHERE e.team_id = :team AND e.{OPEN_EPISODE}",
        team=team,
    )
    people = sorted({e[1] for e in episodes}) or [0]
    last_contacts(c, people)
    plan_reviews(c, people)
    # The episodes the page's lists show (up to 4 x 50), with names.
    rows(
        c,
        "SELECT e.id, p.given_name, p.family_name, u.display_name FROM episodes e "
        "JOIN people p ON p.id = e.person_id JOIN users u ON u.id = e.lead_worker_id "
        "WHERE e.id IN :ids",
        ids=[e[0] for e in episodes[:200]] or [0],
    )
    waiting = rows(
        c,
        "SELECT r.id, r.person_id, r.priority, r.received_on, p.given_name, "
        "p.family_name, s.kind FROM referrals r JOIN people p "
        "ON p.id = r.person_id JOIN services s ON s.id = r.service_id "
        f"WHERE r.team_id = :team AND r.{OPEN_REFERRAL}",
        team=team,
    )
    rows(
        c,
        "SELECT referral_id, domain, severity FROM referral_needs WHERE referral_id IN :ids",
        ids=[w[0] for w in waiting] or [0],
    )
    clock_inputs(c, [w[1] for w in waiting])


@page("care_plan", "Care plan (the open episode with most versions, as its lead worker)")
def care_plan(conn: sa.Connection) -> Case:
    episode_id, lead, person_id = conn.execute(
        sa.text(
            f"SELECT e.id, e.lead_worker_id, e.person_id FROM episodes e WHERE e.{OPEN_EPISODE} "
            "ORDER BY (SELECT count(*) FROM care_plans c WHERE c.episode_id = e.id) DESC, e.id "
            "LIMIT 1"
        )
    ).one()

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        rows(
            c,
            "SELECT e.*, p.given_name, p.family_name, p.nhs_number FROM episodes e "
            "JOIN people p ON p.id = e.person_id WHERE e.id = :id",
            id=episode_id,
        )
        rows(
            c,
            "SELECT e.id FROM episodes e WHERE e.person_id = :person AND (e.team_id IN "
            "(SELECT team_id FROM team_memberships WHERE user_id = :user) OR e.id IN "
            "(SELECT episode_id FROM care_team_members WHERE user_id = :user "
            "AND left_on IS NULL)) LIMIT 1",
            person=person_id,
            user=lead,
        )
        plans = rows(
            c,
            "SELECT * FROM care_plans WHERE episode_id = :id ORDER BY version DESC",
            id=episode_id,
        )
        current = [p[0] for p in plans if p[4] in ("agreed", "under_review", "draft")][:2]
        rows(
            c,
            "SELECT * FROM care_plan_goals WHERE care_plan_id IN :ids ORDER BY position",
            ids=current or [0],
        )
        rows(
            c,
            "SELECT * FROM care_plan_actions WHERE care_plan_id IN :ids ORDER BY position",
            ids=current or [0],
        )
        audited(c, "care_plan.view", person_id)

    return Case(f"/episodes/{episode_id}/care-plan", lead, floor)


@page("safety_plan", "Safety plan (the person with most versions, as their lead worker)")
def safety_plan(conn: sa.Connection) -> Case:
    person_id, lead = conn.execute(
        sa.text(
            f"SELECT e.person_id, e.lead_worker_id FROM episodes e WHERE e.{OPEN_EPISODE} "
            "ORDER BY (SELECT count(*) FROM safety_plans s WHERE s.person_id = e.person_id) DESC, "
            "e.id LIMIT 1"
        )
    ).one()

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        rows(c, "SELECT * FROM people WHERE id = :id", id=person_id)
        rows(
            c,
            "SELECT e.id FROM episodes e WHERE e.person_id = :person AND (e.team_id IN "
            "(SELECT team_id FROM team_memberships WHERE user_id = :user) OR e.id IN "
            "(SELECT episode_id FROM care_team_members WHERE user_id = :user "
            "AND left_on IS NULL)) LIMIT 1",
            person=person_id,
            user=lead,
        )
        plans = rows(
            c,
            "SELECT * FROM safety_plans WHERE person_id = :id AND status IN "
            "('agreed', 'under_review', 'draft') ORDER BY version DESC LIMIT 2",
            id=person_id,
        )
        rows(
            c,
            "SELECT s.name, s.phone, s.opening_hours FROM safety_plan_services l "
            "JOIN services s ON s.id = l.service_id WHERE l.safety_plan_id IN :ids",
            ids=[p[0] for p in plans] or [0],
        )
        rows(
            c,
            "SELECT * FROM safety_plan_proposals WHERE person_id = :id AND status = 'pending'",
            id=person_id,
        )
        audited(c, "safety_plan.view", person_id)

    return Case(f"/people/{person_id}/safety-plan", lead, floor)


@page("portal_home", "Portal home (the person whose record was opened most)")
def portal_home(conn: sa.Connection) -> Case:
    user_id, person_id = conn.execute(
        sa.text(
            "SELECT a.user_id, a.person_id FROM portal_accounts a ORDER BY (SELECT count(*) "
            "FROM audit_events e WHERE e.person_id = a.person_id) DESC, a.id LIMIT 1"
        )
    ).one()

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        rows(c, "SELECT person_id FROM portal_accounts WHERE user_id = :user", user=user_id)
        rows(c, "SELECT * FROM people WHERE id = :id", id=person_id)
        rows(
            c,
            "SELECT at, actor_label, actor_role, action FROM audit_events "
            "WHERE person_id = :id ORDER BY at DESC, id DESC LIMIT 50",
            id=person_id,
        )
        audited(c, "person.view", person_id)

    return Case("/my/", user_id, floor)


@page("people_list", "People list (manager of the busiest hub, first page of 25)")
def people_list(conn: sa.Connection) -> Case:
    team = _busiest_hub(conn)

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        scope = (
            "p.gp_practice_id IN (SELECT g.id FROM gp_practices g JOIN team_coverage c "
            "ON c.neighbourhood_id = g.neighbourhood_id WHERE c.team_id = :team) "
            "OR p.id IN (SELECT person_id FROM referrals WHERE team_id = :team)"
        )
        rows(c, f"SELECT count(*) FROM people p WHERE {scope}", team=team)
        rows(
            c,
            f"SELECT p.* FROM people p WHERE {scope} ORDER BY p.family_name, p.given_name, "
            "p.id LIMIT 25",
            team=team,
        )
        audited(c, "person.list")

    return Case("/people/", _team_manager(conn, team), floor)


@page("dashboard", "Strategy dashboard (an analyst, the city, default filters)")
def dashboard(conn: sa.Connection) -> Case:
    analyst = _one(conn, "SELECT min(id) FROM users WHERE role = 'strategy_analyst' AND is_active")

    def floor(c: sa.Connection) -> None:
        signed_in(c)
        # The stored, already suppressed values the cards read: totals for every period
        # (the trend), then the latest period's breakdowns.
        latest = _one(c, "SELECT max(period_start) FROM indicator_values WHERE area = 'city'")
        rows(
            c,
            "SELECT * FROM indicator_values WHERE area = 'city' AND breakdown = 'total' "
            "ORDER BY indicator_id, period_type, period_start",
        )
        rows(
            c,
            "SELECT * FROM indicator_values WHERE area = 'city' AND breakdown != 'total' "
            "AND period_start = :latest",
            latest=latest,
        )

    return Case("/reporting/", analyst, floor)
