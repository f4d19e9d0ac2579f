"""Every (state, action) pair of the referral and episode state tables."""

import itertools

import pytest

from hubs.core.access import AccessRole
from hubs.core.errors import InvalidTransition
from hubs.referrals.states import (
    OPEN_REFERRAL_STATUSES,
    EpisodeAction,
    EpisodeStatus,
    ReferralAction,
    ReferralStatus,
    available_actions,
    next_episode_status,
    next_status,
)

S, A = ReferralStatus, ReferralAction

EXPECTED = {
    (S.RECEIVED, A.TRIAGE): S.TRIAGED,
    (S.RECEIVED, A.SIGNPOST): S.SIGNPOSTED,
    (S.RECEIVED, A.WITHDRAW): S.WITHDRAWN,
    (S.RECEIVED, A.ENTER_IN_ERROR): S.ENTERED_IN_ERROR,
    (S.TRIAGED, A.ACCEPT): S.ACCEPTED,
    (S.TRIAGED, A.SIGNPOST): S.SIGNPOSTED,
    (S.TRIAGED, A.WITHDRAW): S.WITHDRAWN,
    (S.TRIAGED, A.ENTER_IN_ERROR): S.ENTERED_IN_ERROR,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
def test_referral_state_table_allows_only_the_declared_transitions(status, action):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as error:
            next_status(status, action)
        assert error.value.status_code == 409
        assert status.label.lower() in error.value.message
    else:
        assert next_status(status, action) == expected


def test_there_is_no_rejected_state_only_named_endings():
    assert "rejected" not in {s.value for s in ReferralStatus}
    closed = set(ReferralStatus) - OPEN_REFERRAL_STATUSES
    assert closed == {S.ACCEPTED, S.SIGNPOSTED, S.WITHDRAWN, S.ENTERED_IN_ERROR}


def test_closed_referrals_have_no_further_actions_for_anyone():
    for status, role in itertools.product(set(S) - OPEN_REFERRAL_STATUSES, AccessRole):
        assert available_actions(status, role) == []


def test_available_actions_depend_on_role():
    assert available_actions(S.RECEIVED, AccessRole.HUB_ADMIN) == [A.WITHDRAW, A.ENTER_IN_ERROR]
    assert A.TRIAGE in available_actions(S.RECEIVED, AccessRole.CLINICIAN)
    assert A.ENTER_IN_ERROR not in available_actions(S.RECEIVED, AccessRole.CLINICIAN)
    for role in (AccessRole.VCSE_WORKER, AccessRole.ANALYST, AccessRole.PERSON):
        assert available_actions(S.RECEIVED, role) == []


EPISODE_EXPECTED = {
    (EpisodeStatus.PLANNED, EpisodeAction.START): EpisodeStatus.ACTIVE,
    (EpisodeStatus.PLANNED, EpisodeAction.FINISH): EpisodeStatus.FINISHED,
    (EpisodeStatus.ACTIVE, EpisodeAction.FINISH): EpisodeStatus.FINISHED,
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(EpisodeStatus, EpisodeAction))
)
def test_episode_state_table_allows_only_the_declared_transitions(status, action):
    expected = EPISODE_EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_episode_status(status, action)
    else:
        assert next_episode_status(status, action) == expected
