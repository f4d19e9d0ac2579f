"""Helpers shared by the outcome measure tests, the fillers the generated access-matrix
tests use for the outcome routes (tests/security/test_access_matrix.py imports them), and
checks that each filler does its real work."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hubs.careplans.models import CarePlan
from hubs.extensions import db
from hubs.outcomes import scoring
from hubs.outcomes import services as outcomes
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.people.models import Person
from hubs.referrals.models import Episode, NeedDomain, Severity
from hubs.staff.models import User
from tests import factories
from tests.conftest import World, csrf_token
from tests.helpers.db import count_rows

DIALOG_KEYS = tuple(scoring.DIALOG_BY_KEY)
REQOL_KEYS = (*scoring.REQOL_KEYS, scoring.REQOL_PHYSICAL_KEY)


def make_episode(
    world: World, person: Person | None = None, lead: User | None = None, days_ago: int = 20
) -> Episode:
    """An episode accepted today for a referral `days_ago`, in the person's own hub, with
    `lead` (the clinician) leading and in the care team."""
    person = person or world.person_a
    team = (
        world.hub_a
        if person.gp_practice.neighbourhood_id == world.hub_a.neighbourhood.id
        else world.hub_b
    )
    episode = factories.EpisodeFactory(
        team=team,
        person=person,
        lead_worker=lead or world.users["clinician"],
        received_on=dt.date.today() - dt.timedelta(days=days_ago),
        needs=[(NeedDomain.FRIENDSHIPS, Severity.MODERATE)],
    )
    db.session.commit()
    return episode


def dialog_answers(*life_and_treatment: int) -> dict[str, object]:
    """DIALOG answers in item order; one number means every item."""
    ratings = life_and_treatment * 11 if len(life_and_treatment) == 1 else life_and_treatment
    return dict(zip(DIALOG_KEYS, ratings, strict=True))


def record(
    world: World,
    episode: Episode,
    kind: MeasureKind = MeasureKind.DIALOG,
    *,
    on: dt.date | None = None,
    answers: dict[str, object] | None = None,
    more_help: tuple[str, ...] = (),
    actor: User | None = None,
) -> OutcomeMeasure:
    default = dialog_answers(4) if kind == MeasureKind.DIALOG else dict.fromkeys(REQOL_KEYS, 2)
    measure = outcomes.record_measure(
        db.session,
        actor or world.users["clinician"],
        episode,
        kind,
        on or dt.date.today(),
        answers or default,
        more_help,
    )
    db.session.commit()
    return measure


def _episode(world: World):  # type: ignore[no-untyped-def]
    from tests.security.test_access_matrix import referral_fixtures

    return referral_fixtures(world).episode


def measure_id(world: World, role: str) -> int:
    """A DIALOG with "more help" answers in the matrix episode, made once per test."""
    cached = getattr(world, "_outcome_measure_id", None)
    if cached is None:
        measure = factories.OutcomeMeasureFactory(
            episode=_episode(world),
            answers=dict.fromkeys(DIALOG_KEYS, 3),
            more_help=["accommodation", "friendships"],
        )
        db.session.commit()
        cached = world._outcome_measure_id = measure.id  # type: ignore[attr-defined]
    return cached


def dialog_body(world: World, role: str) -> dict[str, object]:
    _episode(world)
    return {
        "recorded_on": dt.date.today().isoformat(),
        **dict.fromkeys(DIALOG_KEYS, "4"),
        "more_help_accommodation": "y",
    }


def reqol10_body(world: World, role: str) -> dict[str, object]:
    _episode(world)
    return {"recorded_on": dt.date.today().isoformat(), **dict.fromkeys(REQOL_KEYS, "2")}


def api_body(world: World, role: str) -> dict[str, object]:
    return {
        "episode_id": _episode(world).id,
        "kind": "dialog",
        "recorded_on": dt.date.today().isoformat(),
        "answers": dict.fromkeys(DIALOG_KEYS, 5),
        "more_help": ["friendships"],
    }


def test_matrix_bodies_record_a_measure_for_each_role_allowed_to(login_as, world):
    for role in ("clinician", "vcse_worker", "manager"):
        browser = login_as(world.users[role])
        episode_id = _episode(world).id
        for path, body in (
            (f"/episodes/{episode_id}/outcomes/dialog", dialog_body(world, role)),
            (f"/episodes/{episode_id}/outcomes/reqol10", reqol10_body(world, role)),
        ):
            before = count_rows(OutcomeMeasure)
            token = csrf_token(browser, path)
            response = browser.post(path, data={**body, "csrf_token": token})
            assert response.status_code == 302, (role, path, response.status)
            assert count_rows(OutcomeMeasure) == before + 1
        before = count_rows(OutcomeMeasure)
        response = browser.post(
            "/api/v1/outcomes",
            json=api_body(world, role),
            headers={"X-CSRFToken": csrf_token(browser, "/account/password")},
        )
        assert response.status_code == 201, response.get_json()
        assert count_rows(OutcomeMeasure) == before + 1


def test_matrix_goals_button_adds_draft_goals(login_as, world):
    browser = login_as(world.users["clinician"])
    episode_id = _episode(world).id
    path = f"/episodes/{episode_id}/outcomes/{measure_id(world, 'clinician')}/goals"
    response = browser.post(path, data={"csrf_token": csrf_token(browser, "/account/password")})
    assert response.status_code == 302
    draft = db.session.scalar(sa.select(CarePlan).where(CarePlan.episode_id == episode_id))
    assert draft is not None and len(draft.goals) == 2
