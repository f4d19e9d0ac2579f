"""Bulk reassignment: up to 100 people, with a reason, all or nothing, by the hub's manager."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.caseloads import services
from hubs.caseloads.models import CaseloadTransfer, CaseloadTransferEpisode
from hubs.core.audit import AuditEvent
from hubs.core.errors import PermissionDenied, ValidationError
from hubs.extensions import db
from hubs.referrals.models import CareTeamMember, Episode, LeadWorkerChange
from hubs.staff.models import MembershipKind, StaffRole
from tests import factories

RECEIVED = dt.date.today() - dt.timedelta(days=30)


def _episodes(world, lead, count, care_team=()):  # type: ignore[no-untyped-def]
    return factories.EpisodeFactory.create_batch(
        count,
        team=world.hub_a,
        lead_worker=lead,
        care_team=care_team,
        received_on=RECEIVED,
        opened_on=RECEIVED,
    )


def _move(world, episodes, *, from_user=None, to_user=None, actor=None, reason="Rebalancing"):  # type: ignore[no-untyped-def]
    return services.bulk_reassign(
        db.session,
        actor or world.users["manager"],
        world.hub_a,
        from_user_id=(from_user or world.users["clinician"]).id,
        to_user_id=(to_user or world.users["hub_admin"]).id,
        episode_ids=[e.id for e in episodes],
        reason=reason,
    )


def _care_team(episode_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CareTeamMember.user_id).where(
                CareTeamMember.episode_id == episode_id, CareTeamMember.left_on.is_(None)
            )
        )
    )


def _snapshot() -> tuple[object, ...]:
    db.session.expire_all()
    leads = tuple(db.session.scalars(sa.select(Episode.lead_worker_id).order_by(Episode.id)))
    teams = tuple(
        db.session.execute(
            sa.select(
                CareTeamMember.episode_id, CareTeamMember.user_id, CareTeamMember.left_on
            ).order_by(CareTeamMember.id)
        )
    )
    counts = tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (LeadWorkerChange, CaseloadTransfer, CaseloadTransferEpisode, AuditEvent)
    )
    return leads, teams, counts


def test_moving_people_a_worker_leads_makes_the_new_worker_lead_with_the_reason(world):
    nurse, other = world.users["clinician"], world.users["hub_admin"]
    episodes = _episodes(world, nurse, 3)
    transfer = _move(world, episodes, reason="Nia is going on leave")
    for episode in episodes:
        assert episode.lead_worker_id == other.id
        assert _care_team(episode.id) == {other.id}
    changes = db.session.scalars(sa.select(LeadWorkerChange)).all()
    assert {c.reason for c in changes} == {"Nia is going on leave"} and len(changes) == 3
    assert [e.was_lead for e in transfer.episodes] == [True, True, True]


def test_moving_people_from_a_care_team_member_keeps_the_lead_and_swaps_the_member(world):
    nurse, connector = world.users["clinician"], world.users["vcse_worker"]
    other_connector = world.users["other_vcse_worker"]
    [episode] = _episodes(world, nurse, 1, care_team=[connector])
    _move(world, [episode], from_user=connector, to_user=other_connector)
    assert episode.lead_worker_id == nurse.id
    assert _care_team(episode.id) == {nurse.id, other_connector.id}


def test_each_person_moved_gets_an_audit_row(world):
    episodes = _episodes(world, world.users["clinician"], 2)
    transfer = _move(world, episodes)
    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "caseload.transfer")
    ).all()
    assert {r.person_id for r in rows} == {e.person_id for e in episodes}
    assert {r.record_id for r in rows} == {str(transfer.id)}


def test_bulk_reassignment_is_all_or_nothing_when_one_person_is_not_on_the_caseload(world):
    nurse = world.users["clinician"]
    mine = _episodes(world, nurse, 3)
    [not_mine] = _episodes(world, world.users["vcse_worker"], 1)
    db.session.commit()
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        _move(world, [*mine, not_mine])
    db.session.rollback()
    assert refused.value.field == "episode_ids"
    assert "Nobody has been moved" in refused.value.message
    assert _snapshot() == before


def test_bulk_reassignment_is_all_or_nothing_when_a_move_fails_part_way(world, monkeypatch):
    from hubs.referrals import services as referral_services

    episodes = _episodes(world, world.users["clinician"], 3)
    db.session.commit()
    before = _snapshot()
    real_leave, calls = referral_services.leave_care_team, []

    def fail_on_the_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise ValidationError("The care team changed meanwhile", field="episode_ids")
        return real_leave(*args, **kwargs)

    monkeypatch.setattr(referral_services, "leave_care_team", fail_on_the_third)
    with pytest.raises(ValidationError):
        _move(world, episodes)
    db.session.rollback()
    assert len(calls) == 3  # two people were moved in the transaction before the failure
    assert _snapshot() == before


def test_no_more_than_100_people_can_be_moved_at_once(world):
    episodes = _episodes(world, world.users["clinician"], 101)
    with pytest.raises(ValidationError) as refused:
        _move(world, episodes)
    assert refused.value.field == "episode_ids"
    transfer = _move(world, episodes[:100])
    assert len(transfer.episodes) == 100


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"to": "clinician"}, "to_user_id"),
        ({"to": "other_hub_clinician"}, "to_user_id"),
        ({"none": True}, "episode_ids"),
    ],
    ids=["no-reason", "same-worker", "worker-of-another-hub", "nobody-chosen"],
)
def test_bulk_reassignment_refuses_bad_choices_naming_the_field(world, change, field):
    episodes = [] if change.get("none") else _episodes(world, world.users["clinician"], 1)
    to_user = world.users[change["to"]] if "to" in change else None
    with pytest.raises(ValidationError) as refused:
        _move(world, episodes, to_user=to_user, reason=change.get("reason", "Rebalancing"))
    assert refused.value.field == field


def test_only_the_hubs_manager_can_move_people(world):
    episodes = _episodes(world, world.users["clinician"], 1)
    other_manager = factories.UserFactory(role=StaffRole.TEAM_MANAGER, organisation=world.trust)
    factories.TeamMembershipFactory(
        user=other_manager, team=world.hub_b, kind=MembershipKind.MANAGER
    )
    for actor in (world.users["clinician"], other_manager):
        with pytest.raises(PermissionDenied):
            _move(world, episodes, actor=actor)
