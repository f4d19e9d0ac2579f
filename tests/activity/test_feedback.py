"""Friends and Family Test in the portal: the person's answer feeds the activity store; their
I statement stays in the operational table for the hub's staff."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.extensions import db
from hubs.portal.feedback import I_STATEMENT_MAX, give_feedback, team_of
from hubs.portal.models import FeedbackResponse, FftAnswer
from hubs.reporting.models import ActivityType
from tests.activity import scenario, store
from tests.conftest import csrf_token
from tests.helpers.web import mentions_path

T = ActivityType


def _give(world, answer=FftAnswer.GOOD, words="", role="person", person=None):  # type: ignore[no-untyped-def]
    return give_feedback(
        db.session,
        world.users[role],
        (person or world.person_a).id,
        answer=answer,
        i_statement=words,
    )


def test_the_answer_is_fed_with_its_national_code_and_the_words_stay_behind(world):
    response = _give(world, FftAnswer.VERY_POOR, "  I waited too long  ")
    db.session.commit()
    assert response.i_statement == "I waited too long"
    [fft] = store.rows(T.FRIENDS_AND_FAMILY)
    assert (fft["detail"], fft["value"]) == ("very_poor", 5.0)
    [statement] = store.rows(T.I_STATEMENT)
    assert statement["detail"] == "very_poor" and statement["value"] is None
    for row in store.rows():
        assert not any("waited" in str(value) for value in row.values())


def test_an_answer_without_words_counts_no_i_statement(world):
    _give(world, FftAnswer.DONT_KNOW)
    db.session.commit()
    assert [r["value"] for r in store.rows(T.FRIENDS_AND_FAMILY)] == [6.0]
    assert store.rows(T.I_STATEMENT) == []


def test_the_answer_codes_follow_the_national_order():
    assert [a.code for a in FftAnswer] == [1, 2, 3, 4, 5, 6]
    assert FftAnswer.NEITHER.label == "Neither good nor poor"


def test_feedback_is_attributed_to_the_hub_the_person_is_with(world):
    # No referral yet: the hub of their registered GP practice.
    assert team_of(db.session, world.person_a.id) == world.hub_a.id
    scenario.build(world)
    # Ben is registered in hub B and was referred there.
    assert team_of(db.session, world.person_b.id) == world.hub_b.id
    rows = {r["value"]: r["team_id"] for r in store.rows(T.FRIENDS_AND_FAMILY)}
    assert rows == {1.0: world.hub_a.id, 4.0: world.hub_b.id}


def test_a_person_gives_feedback_only_as_themselves(world):
    with pytest.raises(NotFound):
        _give(world, person=world.person_b)
    with pytest.raises(PermissionDenied):
        _give(world, role="clinician")
    assert db.session.scalar(sa.select(sa.func.count(FeedbackResponse.id))) == 0


def test_an_answer_is_required_and_the_words_have_a_limit(world):
    with pytest.raises(ValidationError, match="Choose"):
        _give(world, answer=None)
    with pytest.raises(ValidationError, match="2,000"):
        _give(world, words="x" * (I_STATEMENT_MAX + 1))


def test_giving_feedback_is_audited(world):
    response = _give(world)
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "feedback.create")
    ).one()
    assert (audit.record_id, audit.person_id) == (str(response.id), world.person_a.id)


# --- The page ---------------------------------------------------------------------------------


def test_the_feedback_page_asks_the_standard_question_with_six_answers(world, login_as):
    client = login_as(world.users["person"])
    html = client.get("/my/feedback").get_data(as_text=True)
    assert "How was your experience of the hub?" in html
    for answer in FftAnswer:
        assert answer.label.replace("'", "&#39;") in html
    assert html.count('type="radio"') == 6


def test_sending_feedback_saves_it_and_thanks_the_person(world, login_as):
    client = login_as(world.users["person"])
    token = csrf_token(client, "/my/feedback")
    response = client.post(
        "/my/feedback",
        data={"csrf_token": token, "answer": "good", "i_statement": "Kind staff"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.get_data(as_text=True)
    saved = db.session.scalars(sa.select(FeedbackResponse)).one()
    assert (saved.person_id, saved.answer, saved.i_statement) == (
        world.person_a.id,
        FftAnswer.GOOD,
        "Kind staff",
    )
    assert store.count(T.FRIENDS_AND_FAMILY, T.I_STATEMENT) == 2


def test_sending_no_answer_shows_the_error_and_saves_nothing(world, login_as):
    client = login_as(world.users["person"])
    token = csrf_token(client, "/my/feedback")
    response = client.post("/my/feedback", data={"csrf_token": token, "i_statement": "Hmm"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Choose how your experience" in html
    assert db.session.scalar(sa.select(sa.func.count(FeedbackResponse.id))) == 0


# --- What the hub's managers see ----------------------------------------------------------------


def test_the_hub_manager_reads_the_answers_and_words_without_names(world, login_as):
    # A name no word on the page contains (a generated one could be "Good" or "Page").
    world.person_a.given_name, world.person_a.family_name = "Ottoline", "Quarrington"
    _give(world, FftAnswer.VERY_GOOD, "I felt listened to")
    _give(world, FftAnswer.GOOD)
    db.session.commit()
    client = login_as(world.users["manager"])
    response = client.get(f"/feedback/teams/{world.hub_a.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "I felt listened to" in html and "2 in all" in html
    assert "Quarrington" not in html and "Ottoline" not in html
    assert not mentions_path(html, f"/people/{world.person_a.id}")
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "feedback.hub_view")
    ).one()
    assert audit.record_id == str(world.hub_a.id)


def test_a_hub_the_manager_does_not_manage_answers_not_found(world, login_as):
    client = login_as(world.users["manager"])
    assert client.get(f"/feedback/teams/{world.hub_b.id}").status_code == 404
