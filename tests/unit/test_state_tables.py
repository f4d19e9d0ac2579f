"""The one state-table shape: the shared helper's answers, and every (state, action) pair of
the outbox and safety-plan proposal tables, the illegal ones included."""

from __future__ import annotations

import enum
import itertools

import pytest

from hubs.core.errors import InvalidTransition
from hubs.core.states import Rule, StateTable
from hubs.notifications.models import OutboxStatus
from hubs.notifications.states import OUTBOX_STATES, OutboxAction
from hubs.safetyplans.models import ProposalStatus
from hubs.safetyplans.states import PROPOSAL_STATES, ProposalAction


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Switch(enum.StrEnum):
    GO = "go"
    STOP = "stop"


TABLE = StateTable(
    "A light",
    {
        Switch.GO: Rule(frozenset({Light.RED}), Light.GREEN, frozenset({"driver"})),
        Switch.STOP: Rule(frozenset({Light.GREEN}), Light.RED),
    },
)


def test_a_table_answers_the_next_state_or_refuses_with_409_naming_both():
    assert TABLE.next(Light.RED, Switch.GO) == Light.GREEN
    with pytest.raises(InvalidTransition) as refused:
        TABLE.next(Light.GREEN, Switch.GO)
    assert refused.value.status_code == 409
    assert refused.value.message == "A light that is green cannot be given the action “go”"


def test_a_permission_limits_who_may_act_and_an_empty_one_leaves_it_to_the_service():
    assert TABLE.allowed(Light.RED, Switch.GO, "driver")
    assert not TABLE.allowed(Light.RED, Switch.GO, "passenger")
    assert TABLE.allowed(Light.RED, Switch.GO, {"passenger", "driver"})
    assert TABLE.allowed(Light.GREEN, Switch.STOP, "passenger")
    assert TABLE.actions_now(Light.RED, "passenger") == []
    assert TABLE.actions_now(Light.GREEN, "passenger") == [Switch.STOP]


OUTBOX_EXPECTED = {
    (OutboxStatus.QUEUED, OutboxAction.SEND): OutboxStatus.SENT,
    (OutboxStatus.QUEUED, OutboxAction.FAIL): OutboxStatus.FAILED,
    (OutboxStatus.QUEUED, OutboxAction.CANCEL): OutboxStatus.CANCELLED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(OutboxStatus, OutboxAction)))
def test_a_message_leaves_the_queue_once_and_is_never_sent_again(status, action):
    expected = OUTBOX_EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            OUTBOX_STATES.next(status, action)
        assert not OUTBOX_STATES.allowed(status, action)
    else:
        assert OUTBOX_STATES.next(status, action) == expected


PROPOSAL_EXPECTED = {
    (ProposalStatus.PENDING, ProposalAction.ACCEPT): ProposalStatus.ACCEPTED,
    (ProposalStatus.PENDING, ProposalAction.DECLINE): ProposalStatus.DECLINED,
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(ProposalStatus, ProposalAction))
)
def test_a_persons_proposal_is_decided_once(status, action):
    expected = PROPOSAL_EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            PROPOSAL_STATES.next(status, action)
        assert refused.value.field == "proposal_id"
        assert refused.value.message == f"This proposal has already been {status.value}"
    else:
        assert PROPOSAL_STATES.next(status, action) == expected
