"""The person's view of their transition and their onward plan, in plain words: the
checklist is visible, staff-only details are not, and each read is audited."""

from __future__ import annotations

import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.pathways import discharge as discharging
from hubs.pathways import services
from hubs.pathways.models import ChecklistItem, OnwardSupport, TransitionKind
from hubs.pathways.states import TransitionState
from tests.pathways.conftest import advance, agree_safety_plan, start

K, S = TransitionKind, TransitionState


def _page(login_as, user) -> str:  # type: ignore[no-untyped-def]
    response = login_as(user).get("/my/moving-on")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_person_sees_their_transition_in_plain_words_with_the_checklist(
    pw, login_as, aspire_episode
):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    services.tick(db.session, pw.users["clinician"], transition, ChecklistItem.GP_INFORMED)
    db.session.commit()

    html = _page(login_as, pw.users["person"])

    assert f"to {pw.world.hub_b.name}" in html
    assert "are planning your move together" in html
    assert "Your current team stays responsible for you" in html
    assert ChecklistItem.GP_INFORMED.plain in html and "Done" in html
    assert ChecklistItem.CARERS_INVOLVED.plain in html and "Not yet" in html
    assert pw.users["other_hub_clinician"].display_name in html  # their new transition worker


def test_the_person_never_sees_why_a_team_declined(pw, login_as, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    services.decline(
        db.session,
        pw.users["other_hub_clinician"],
        transition,
        reason="Staff-only: caseload full until spring",
    )
    db.session.commit()

    html = _page(login_as, pw.users["person"])

    assert "taking longer to arrange than planned" in html
    assert "caseload full" not in html and "declin" not in html.lower()


def test_the_person_sees_their_new_lead_worker_during_parallel_support(
    pw, login_as, aspire_episode
):
    advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PARALLEL_SUPPORT)
    db.session.commit()
    html = _page(login_as, pw.users["person"])
    assert "Both teams are supporting you until" in html
    assert f"Your new lead worker is {pw.users['other_hub_clinician'].display_name}" in html


def test_the_person_sees_their_onward_plan_after_discharge(pw, login_as, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    discharging.discharge(
        db.session,
        pw.users["clinician"],
        hub_episode,
        discharging.OnwardPlanInput(
            support=OnwardSupport.SERVICE,
            service_id=pw.offer.id,
            named_contact="Sam",
            what="A weekly walk with the group",
            how_to_come_back="Call the hub within 6 months",
        ),
    )
    db.session.commit()

    html = _page(login_as, pw.users["person"])

    assert f"You left {pw.world.hub_a.name}" in html
    assert pw.offer.name in html and "A weekly walk with the group" in html
    assert "Call the hub within 6 months" in html
    assert "you will be seen first" in html


def test_another_person_sees_none_of_it_and_each_read_is_audited(pw, login_as, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()

    other = _page(login_as, pw.users["other_person"])
    own = _page(login_as, pw.users["person"])

    assert "You are not moving between services" in other
    assert "You are not moving between services" not in own
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "transition.view_own")
    ).all()
    assert [(r.record_id, r.person_id, r.actor_user_id) for r in rows] == [
        (str(transition.id), pw.world.person_a.id, pw.users["person"].id)
    ]


def test_the_person_has_moving_on_in_their_navigation_and_their_access_history_says_what(
    pw, login_as, aspire_episode
):
    start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    db.session.commit()
    browser = login_as(pw.users["person"])
    home = browser.get("/my/").get_data(as_text=True)
    assert 'href="/my/moving-on"' in home
    assert "added your move between services" in home.lower()


def test_staff_cannot_open_the_portal_page(pw, login_as):
    assert login_as(pw.users["clinician"]).get("/my/moving-on").status_code == 403


def test_a_person_coming_back_within_6_months_is_told_they_will_be_seen_first(
    pw, login_as, hub_episode
):
    from hubs.core.types import today
    from hubs.referrals import services as referral_services
    from tests.referrals.conftest import referral_input

    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    discharging.discharge(
        db.session,
        pw.users["clinician"],
        hub_episode,
        discharging.OnwardPlanInput(
            support=OnwardSupport.GP, what="GP reviews", how_to_come_back="Call the hub"
        ),
    )
    referral_services.self_refer(
        db.session,
        pw.users["person"],
        pw.world.person_a.id,
        referral_input(received_on=today(), confirm_duplicate=True),
    )
    db.session.commit()

    html = login_as(pw.users["person"]).get("/my/referrals").get_data(as_text=True)

    assert "so you will be seen first" in html
