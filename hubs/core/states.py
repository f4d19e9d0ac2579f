"""One shape for every state machine: a table `action → (from-states, to-state, permission)`.

Referrals, episodes, plans, transitions, the outbox and safety-plan proposals each declare
their table in their feature's `states.py` (or beside their model); only the service's
transition function asks it for the next state, so an illegal move is refused in one place
with one kind of error (409) and the pages offer only the actions the table allows.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from hubs.core.errors import InvalidTransition

S = TypeVar("S", bound=enum.Enum)
A = TypeVar("A", bound=enum.Enum)

#: No permission of the table's own: the service checks who may act (e.g. the person's own
#: proposal, the scheduler's outbox job).
ANYONE: frozenset[Hashable] = frozenset()


@dataclass(frozen=True)
class Rule(Generic[S]):
    """From any of `sources`, the action leads to `target`, for actors holding one of
    `permission` (roles, or sides of a handover; empty: the service decides)."""

    sources: frozenset[S]
    target: S
    permission: frozenset[Hashable] = ANYONE


def _label(member: enum.Enum) -> str:
    label = getattr(member, "label", None)
    return str(label if isinstance(label, str) else member.value).replace("_", " ")


class StateTable(Generic[S, A]):
    """A state machine as data, with the two questions every caller asks of it."""

    def __init__(
        self,
        noun: str,
        rules: Mapping[A, Rule[S]],
        refusal: Callable[[S, A], str] | None = None,
        field: str | None = None,
    ) -> None:
        self.noun = noun
        self.rules = dict(rules)
        self._refusal = refusal
        self.field = field  # the form or API field a refusal belongs to, if any

    def refusal(self, current: S, action: A) -> str:
        if self._refusal is not None:
            return self._refusal(current, action)
        return (
            f"{self.noun} that is {_label(current).lower()} cannot be given the action "
            f"“{_label(action).lower()}”"
        )

    def next(self, current: S, action: A) -> S:
        """The state `action` leads to from `current`, or InvalidTransition (409)."""
        rule = self.rules[action]
        if current not in rule.sources:
            raise InvalidTransition(self.refusal(current, action), field=self.field)
        return rule.target

    def permits(self, action: A, holder: Iterable[Hashable] | Hashable) -> bool:
        """Whether an actor holding `holder` (one value or several) may take `action`."""
        permission = self.rules[action].permission
        held = set(holder) if isinstance(holder, frozenset | set | list | tuple) else {holder}
        return not permission or bool(permission & held)

    def allowed(self, current: S, action: A, holder: Iterable[Hashable] | Hashable = ()) -> bool:
        """Allowed now: the state permits the action and the actor holds its permission."""
        return current in self.rules[action].sources and self.permits(action, holder)

    def actions_now(self, current: S, holder: Iterable[Hashable] | Hashable = ()) -> list[A]:
        """The actions an actor may take in this state (pages offer only these)."""
        return [action for action in self.rules if self.allowed(current, action, holder)]
