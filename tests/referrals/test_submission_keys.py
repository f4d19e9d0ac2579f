"""Idempotency keys belong to their submitter (security issue, point 1).

Before: `POST /api/v1/referrals/` with another team's `submission_key` answered 201 with that
team's whole referral (needs in the person's own words, the triage rationale) and wrote no
audit row, because the key was looked up across the whole system before any access check.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.referrals import services
from hubs.referrals.models import NeedDomain, Referral, Severity
from tests.helpers.api import bearer
from tests.referrals.conftest import referral_input

CANARY_WORDS = "canary-own-words-7f3a"


def _body(person_id: int, key: str) -> dict[str, object]:
    return {
        "person_id": person_id,
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs": [{"domain": "accommodation", "severity": "high", "own_words": "Other words"}],
        "submission_key": key,
        "confirm_duplicate": True,
    }


def _hatch_referral(world, make_referral, key: str) -> Referral:
    referral = make_referral(
        submission_key=key,
        needs=[services.NeedInput(NeedDomain.MENTAL_HEALTH, Severity.HIGH, CANARY_WORDS)],
    )
    db.session.commit()
    return referral


def _replays(referral_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "referral.replay", AuditEvent.record_id == str(referral_id)
        )
    )


def test_another_teams_submission_key_never_returns_their_referral(client, world, make_referral):
    hatch = _hatch_referral(world, make_referral, "shared-key-44")
    headers = bearer(world.users["other_hub_clinician"])

    response = client.post(
        "/api/v1/referrals/", json=_body(world.person_b.id, "shared-key-44"), headers=headers
    )

    assert response.status_code == 201, response.json
    assert response.json["id"] != hatch.id
    assert response.json["person_id"] == world.person_b.id
    assert CANARY_WORDS not in response.get_data(as_text=True)
    assert _replays(hatch.id) == 0


def test_the_same_key_from_two_submitters_records_two_referrals(world, make_referral):
    first = make_referral(submission_key="system-key-1")
    second = services.receive_referral(
        db.session,
        world.users["other_hub_clinician"],
        world.person_b,
        referral_input(submission_key="system-key-1", confirm_duplicate=True),
    )

    assert second.id != first.id
    keyed = db.session.scalar(
        sa.select(sa.func.count(Referral.id)).where(Referral.submission_key == "system-key-1")
    )
    assert keyed == 2


def test_a_replay_by_the_same_submitter_returns_the_original_and_is_audited(
    client, world, make_referral
):
    original = _hatch_referral(world, make_referral, "replayed-key")
    headers = bearer(world.users["clinician"])

    response = client.post(
        "/api/v1/referrals/", json=_body(world.person_a.id, "replayed-key"), headers=headers
    )

    assert response.status_code == 201 and response.json["id"] == original.id
    assert _replays(original.id) == 1


def test_a_replay_by_a_submitter_who_lost_access_is_a_conflict_that_shows_nothing(
    world, make_referral
):
    from hubs.staff.models import TeamMembership

    _hatch_referral(world, make_referral, "left-the-team")
    nurse = world.users["clinician"]
    db.session.execute(sa.delete(TeamMembership).where(TeamMembership.user_id == nurse.id))
    db.session.flush()

    with pytest.raises(services.SubmissionKeyUsed) as refused:
        services.receive_referral(
            db.session, nurse, world.person_a, referral_input(submission_key="left-the-team")
        )

    assert refused.value.status_code == 409 and refused.value.field == "submission_key"
    assert CANARY_WORDS not in refused.value.message
