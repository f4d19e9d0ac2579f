"""NHS small-number suppression (DESIGN §5, rule 9): pure functions, no database.

Every figure that leaves the reporting module (page, chart, CSV, JSON, API, board pack)
passes through here first, and only the suppressed figures are ever stored.

Primary suppression (one count on its own):
- 0 stays 0: "nobody" discloses nothing about a person;
- 1 to 7 is shown as ``*`` (stored as ``None``);
- everything else is rounded to the nearest 5 (halves cannot occur with whole counts).

Derived figures:
- a percentage is computed from the rounded numerator and denominator, never the true ones,
  so it reveals nothing the two rounded counts do not;
- a mean or median needs at least 8 values behind it.

Secondary suppression (differencing). A *group* is a published whole and published parts
that add up to it: the cells of a breakdown and their total, the hubs and the city, the
months and their quarter, the quarters and their year. A reader who subtracts the published
parts from the published whole learns the sum of the hidden parts, give or take the rounding.
The rule, applied to every group until nothing changes (a change in one group can create a
new lone ``*`` in another):

1. a group whose whole is shown never has exactly one hidden part: the smallest shown
   non-zero part is hidden too;
2. with two or more hidden parts, every hidden part must still have at least two possible
   values given the whole and the shown parts (rounding included); otherwise the next
   smallest shown part is hidden as well;
3. if no shown non-zero part is left to hide, the whole is hidden instead.

What a reader can work out is modelled by `disclosure_ranges`: a shown count ``y`` means a
true value in ``y-2 .. y+2`` (exactly 0 for 0), and ``*`` means 1 or more (a reader cannot
tell a small count from one hidden to protect it). The property tests check that no hidden
value ever narrows to a single number.

A complement (denominator minus numerator, e.g. people who waited longer than 4 weeks) is
never published as its own cell. When both counts are shown, rounding leaves it uncertain
by at least 8, so it cannot be worked out exactly either (also property-tested).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

#: Counts from 1 up to this are hidden.
SMALLEST_SHOWN = 8
ROUND_TO = 5
#: A mean or median is shown only with at least this many values behind it.
MIN_VALUES_FOR_AVERAGE = 8
#: How far a shown (rounded) count can be from the true one.
ROUNDING_SLACK = ROUND_TO // 2
SUPPRESSED_MARK = "*"


def round_count(n: int) -> int | None:
    """0 stays 0, 1 to 7 is hidden (None), anything else is rounded to the nearest 5."""
    if n < 0:
        raise ValueError("counts cannot be negative")
    if n == 0:
        return 0
    if n < SMALLEST_SHOWN:
        return None
    return ROUND_TO * ((n + ROUNDING_SLACK) // ROUND_TO)


def display(shown: int | None) -> str:
    """How a count is written in a table or CSV cell."""
    return SUPPRESSED_MARK if shown is None else str(shown)


def percentage(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage from the *rounded* counts; None when either is hidden or nothing to divide."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(100 * numerator / denominator, 1)


def average_allowed(values_count: int) -> bool:
    """A mean or median of fewer than 8 values could describe one or two people."""
    return values_count >= MIN_VALUES_FOR_AVERAGE


def shown_range(shown: int | None, ceiling: int) -> tuple[int, int]:
    """What a reader knows about a true count from its published form."""
    if shown is None:
        return (1, ceiling)
    if shown == 0:
        return (0, 0)
    return (shown - ROUNDING_SLACK, shown + ROUNDING_SLACK)


@dataclass(frozen=True)
class Group(Generic[K]):
    """A published whole and the published parts that add up to it."""

    whole: K
    parts: tuple[K, ...]


def disclosure_ranges(
    whole: int | None, parts: Sequence[int | None]
) -> list[tuple[int, int]] | None:
    """The narrowest range a reader can deduce for each part from one group's published
    figures (None when the whole is hidden: the group then gives nothing away)."""
    if whole is None:
        return None
    whole_lo, whole_hi = shown_range(whole, 0)
    ceiling = whole_hi
    bounds = [shown_range(p, ceiling) for p in parts]
    lo_sum = sum(lo for lo, _ in bounds)
    hi_sum = sum(hi for _, hi in bounds)
    ranges = []
    for lo, hi in bounds:
        # The part is the whole minus every other part.
        lower = max(lo, whole_lo - (hi_sum - hi))
        upper = min(hi, whole_hi - (lo_sum - lo))
        ranges.append((lower, upper))
    return ranges


def _group_is_safe(whole: int | None, parts: Sequence[int | None]) -> bool:
    if whole is None or None not in parts:
        return True
    hidden = [i for i, p in enumerate(parts) if p is None]
    if len(hidden) == 1:
        return False
    ranges = disclosure_ranges(whole, parts) or []
    return all(ranges[i][1] > ranges[i][0] for i in hidden)


def _protect_once(true: Mapping[K, int], shown: dict[K, int | None], group: Group[K]) -> K | None:
    """Apply the rule to one group; the cell it hid, if any."""
    if _group_is_safe(shown[group.whole], [shown[k] for k in group.parts]):
        return None
    candidates = [k for k in group.parts if shown[k]]  # shown and not zero
    hidden = min(candidates, key=lambda k: (true[k], str(k))) if candidates else group.whole
    shown[hidden] = None
    return hidden


class _Protector(Generic[K]):
    """Secondary suppression with a work list: only the groups a newly hidden cell belongs to
    are checked again, so the cost grows with the number of cells, not cells times passes."""

    def __init__(self, true: Mapping[K, int], shown: dict[K, int | None]) -> None:
        self.true, self.shown = true, shown
        self.groups: list[Group[K]] = []
        self.member_of: dict[K, list[int]] = defaultdict(list)
        self.twins: dict[K, list[K]] = defaultdict(list)
        self.queue: deque[int] = deque()
        self.queued: set[int] = set()

    def add_groups(self, groups: Iterable[Group[K]]) -> None:
        for group in groups:
            if group.whole not in self.shown or any(p not in self.shown for p in group.parts):
                continue
            index = len(self.groups)
            self.groups.append(group)
            for cell in (group.whole, *group.parts):
                self.member_of[cell].append(index)
            self._enqueue(index)

    def add_twins(self, same: Iterable[Sequence[K]]) -> None:
        for keys in same:
            present = [k for k in keys if k in self.shown]
            for k in present:
                self.twins[k].extend(t for t in present if t != k)
        for cell in [k for k, v in self.shown.items() if v is None and k in self.twins]:
            self._hidden(cell)

    def _enqueue(self, index: int) -> None:
        if index not in self.queued:
            self.queued.add(index)
            self.queue.append(index)

    def _hidden(self, cell: K) -> None:
        for hidden in (cell, *_hide_twins(self.shown, self.twins, cell)):
            for index in self.member_of.get(hidden, ()):
                self._enqueue(index)

    def run(self) -> dict[K, int | None]:
        while self.queue:
            index = self.queue.popleft()
            self.queued.discard(index)
            while (cell := _protect_once(self.true, self.shown, self.groups[index])) is not None:
                self._hidden(cell)
        return self.shown


def protect(
    true: Mapping[K, int],
    groups: Iterable[Group[K]],
    same: Iterable[Sequence[K]] = (),
) -> dict[K, int | None]:
    """Primary suppression of every count, then secondary suppression across every group
    until no group can be differenced to reveal a hidden value. `same` lists cells that
    publish one true figure twice; they are hidden together."""
    protector = _Protector(true, {k: round_count(v) for k, v in true.items()})
    protector.add_groups(groups)
    protector.add_twins(same)
    return protector.run()


def _hide_twins(shown: dict[K, int | None], twins: Mapping[K, list[K]], cell: K) -> list[K]:
    """Hide every cell publishing the same figure as `cell`; the ones newly hidden."""
    newly, stack = [], [cell]
    while stack:
        for twin in twins.get(stack.pop(), ()):
            if shown[twin] is not None:
                shown[twin] = None
                newly.append(twin)
                stack.append(twin)
    return newly
