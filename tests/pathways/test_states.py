"""The transition state table: every (state, action) pair, the illegal ones included, and
who may take each action from which side."""

from __future__ import annotations

import pytest

from hubs.core.errors import InvalidTransition, PermissionDenied
from hubs.pathways.states import (
    SYSTEM,
    TRANSITION_RULES,
    Side,
    TransitionAction,
    TransitionState,
    available_actions,
    check_permission,
    next_state,
)

S, A = TransitionState, TransitionAction

# Written out by hand from the issue, not derived from the table under test.
EXPECTED: dict[tuple[TransitionState, TransitionAction], TransitionState] = {
    (S.IDENTIFIED, A.PLAN): S.PLANNING,
    (S.PLANNING, A.RECORD_MEETING): S.JOINT_MEETING_HELD,
    (S.JOINT_MEETING_HELD, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.START_PARALLEL_SUPPORT): S.PARALLEL_SUPPORT,
    (S.PARALLEL_SUPPORT, A.COMPLETE): S.COMPLETED,
    (S.PLANNING, A.DECLINE): S.DECLINED_BY_RECEIVER,
    (S.JOINT_MEETING_HELD, A.DECLINE): S.DECLINED_BY_RECEIVER,
    (S.DECLINED_BY_RECEIVER, A.ESCALATE): S.ESCALATED,
    (S.IDENTIFIED, A.ESCALATE): S.ESCALATED,
    (S.PLANNING, A.ESCALATE): S.ESCALATED,
    (S.JOINT_MEETING_HELD, A.ESCALATE): S.ESCALATED,
    (S.ESCALATED, A.REPLAN): S.PLANNING,
}
ALL_PAIRS = [(state, action) for state in S for action in A]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda v: v.value)
def test_every_state_and_action_pair_follows_the_table(state, action):
    if (state, action) in EXPECTED:
        assert next_state(state, action) == EXPECTED[(state, action)]
    else:
        with pytest.raises(InvalidTransition) as refused:
            next_state(state, action)
        assert refused.value.status_code == 409
        assert state.label.lower() in refused.value.message


def test_the_table_has_no_transition_the_issue_does_not_name():
    declared = {
        (source, action): rule.target
        for action, rule in TRANSITION_RULES.items()
        for source in rule.sources
    }
    assert declared == EXPECTED


def test_completed_is_final_and_escalated_only_goes_back_to_planning():
    assert available_actions(S.COMPLETED, "manager", set(Side)) == []
    assert available_actions(S.ESCALATED, "manager", set(Side)) == [A.REPLAN]


def test_the_sending_side_cannot_be_left_without_responsibility_before_acceptance():
    # No action leads from a not-yet-accepted state straight to a state past acceptance.
    accepted = {S.ACCEPTED, S.PARALLEL_SUPPORT, S.COMPLETED}
    for (source, action), target in EXPECTED.items():
        if target in accepted and source not in accepted:
            assert action == A.ACCEPT


@pytest.mark.parametrize(
    ("action", "role", "sides", "allowed"),
    [
        (A.ACCEPT, "clinician", {Side.RECEIVING}, True),
        (A.ACCEPT, "clinician", {Side.SENDING}, False),
        (A.ACCEPT, "manager", {Side.RECEIVING}, True),
        (A.ACCEPT, "vcse_worker", {Side.RECEIVING}, False),
        (A.DECLINE, "clinician", {Side.RECEIVING}, True),
        (A.DECLINE, "clinician", {Side.SENDING}, False),
        (A.PLAN, "clinician", {Side.SENDING}, True),
        (A.PLAN, "clinician", {Side.RECEIVING}, True),
        (A.PLAN, "clinician", set(), False),
        (A.PLAN, "hub_admin", {Side.SENDING}, False),
        (A.ESCALATE, "manager", {Side.SENDING}, True),
        (A.ESCALATE, "clinician", {Side.SENDING}, False),
        (A.ESCALATE, SYSTEM, set(), True),
        (A.REPLAN, "manager", {Side.RECEIVING}, True),
        (A.REPLAN, "clinician", {Side.RECEIVING}, False),
        (A.REPLAN, SYSTEM, set(), False),
        (A.COMPLETE, "clinician", {Side.SENDING}, True),
        (A.COMPLETE, "person", {Side.SENDING}, False),
    ],
)
def test_permissions_follow_role_and_side(action, role, sides, allowed):
    if allowed:
        check_permission(action, role, sides)
    else:
        with pytest.raises(PermissionDenied):
            check_permission(action, role, sides)


def test_available_actions_offer_the_receiver_its_decision_and_the_sender_only_the_meeting():
    receiving = available_actions(S.JOINT_MEETING_HELD, "clinician", {Side.RECEIVING})
    sending = available_actions(S.JOINT_MEETING_HELD, "clinician", {Side.SENDING})
    assert receiving == [A.ACCEPT, A.DECLINE]
    assert sending == []
    assert available_actions(S.PLANNING, "clinician", {Side.SENDING}) == [A.RECORD_MEETING]


def test_state_labels_and_acceptance():
    assert {s for s in S if s.is_accepted} == {S.ACCEPTED, S.PARALLEL_SUPPORT, S.COMPLETED}
    assert [s for s in S if not s.is_open] == [S.COMPLETED]
    assert all(s.label for s in S) and all(a.label for a in A)
