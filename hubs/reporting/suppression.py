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
    hidden = [i for i, p in enumerate(parts) if p is None]
    if whole is None or not hidden:
        return True
    if len(hidden) == 1:
        return False
    ranges = disclosure_ranges(whole, parts) or []
    return all(ranges[i][1] > ranges[i][0] for i in hidden)


def _protect_once(true: Mapping[K, int], shown: dict[K, int | None], group: Group[K]) -> bool:
    """Apply the rule to one group; True if it hid something."""
    parts = [shown[k] for k in group.parts]
    if _group_is_safe(shown[group.whole], parts):
        return False
    candidates = [k for k in group.parts if shown[k]]  # shown and not zero
    if candidates:
        smallest = min(candidates, key=lambda k: (true[k], str(k)))
        shown[smallest] = None
    else:
        shown[group.whole] = None
    return True


def protect(
    true: Mapping[K, int],
    groups: Iterable[Group[K]],
    same: Iterable[Sequence[K]] = (),
    *,
    max_passes: int = 50,
) -> dict[K, int | None]:
    """Primary suppression of every count, then secondary suppression across every group
    until no group can be differenced to reveal a hidden value. `same` lists cells that
    publish one true figure twice; they are hidden together."""
    shown: dict[K, int | None] = {k: round_count(v) for k, v in true.items()}
    usable = [g for g in groups if g.whole in shown and all(p in shown for p in g.parts)]
    same = list(same)
    for _ in range(max_passes):
        changed = equal_cells_hidden_together(shown, same)
        for group in usable:
            # Hiding one part can leave the same group unsafe (rule 2): repeat until safe.
            while _protect_once(true, shown, group):
                changed = True
        if not changed:
            return shown
    raise RuntimeError("secondary suppression did not settle")  # pragma: no cover


def equal_cells_hidden_together(shown: dict[K, int | None], same: Iterable[Sequence[K]]) -> bool:
    """Cells that publish the same true figure (a month-end snapshot and its quarter) are
    hidden together, or the shown one would reveal the hidden one. True if it changed any."""
    changed = False
    for keys in same:
        present = [k for k in keys if k in shown]
        if any(shown[k] is None for k in present):
            for k in present:
                if shown[k] is not None:
                    shown[k] = None
                    changed = True
    return changed
