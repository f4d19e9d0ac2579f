"""NHS small-number suppression (DESIGN §5): the rules, and properties over random tables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubs.reporting.suppression import (
    Group,
    average_allowed,
    disclosure_ranges,
    display,
    percentage,
    protect,
    round_count,
    shown_range,
)


def is_publishable(shown: int | None) -> bool:
    """What every output cell must be: 0, hidden, or a multiple of 5 from 10 upwards."""
    return shown is None or shown == 0 or (shown >= 10 and shown % 5 == 0)


@pytest.mark.parametrize(
    ("true", "shown"),
    [(0, 0), (1, None), (7, None), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (102, 100)],
)
def test_zero_stays_zero_one_to_seven_is_hidden_and_the_rest_round_to_five(true, shown):
    assert round_count(true) == shown


def test_a_hidden_count_is_written_as_a_star():
    assert display(None) == "*"
    assert display(0) == "0"
    assert display(15) == "15"


def test_percentages_are_computed_from_the_rounded_counts():
    # 9 of 12 is 75% exactly, but the reader sees 10 of 10: the page must say 100%.
    assert percentage(round_count(9), round_count(12)) == 100.0
    assert percentage(None, 10) is None
    assert percentage(0, 0) is None


def test_a_median_needs_at_least_eight_values():
    assert not average_allowed(7)
    assert average_allowed(8)


@given(st.integers(min_value=0, max_value=100_000))
def test_no_count_is_ever_shown_between_one_and_seven_or_off_a_multiple_of_five(n):
    shown = round_count(n)
    assert is_publishable(shown)
    assert (shown == 0) == (n == 0)
    if shown is not None:
        assert abs(shown - n) <= 2
        lo, hi = shown_range(shown, 0)
        assert lo <= n <= hi


def test_a_lone_hidden_cell_beside_a_total_takes_the_next_smallest_with_it():
    true = {"total": 30, "a": 3, "b": 9, "c": 18}
    shown = protect(true, [Group("total", ("a", "b", "c"))])
    assert shown == {"total": 30, "a": None, "b": None, "c": 20}


def test_the_whole_is_hidden_when_no_shown_part_is_left_to_hide():
    # Only one part is non-zero and it is small; its total is hidden by the primary rule.
    assert protect({"t": 3, "a": 3, "b": 0}, [Group("t", ("a", "b"))]) == {
        "t": None,
        "a": None,
        "b": 0,
    }


def test_a_pair_of_ones_that_subtraction_would_pin_down_is_protected_further():
    # 8 + 1 + 1 + 1 + 1 = 12, shown as 10; the 8 shows as 10 (at least 8): subtracting
    # would leave at most 4 for four hidden cells, so each would be exactly 1.
    true = {"t": 12, "a": 8, "b": 1, "c": 1, "d": 1, "e": 1}
    shown = protect(true, [Group("t", ("a", "b", "c", "d", "e"))])
    ranges = disclosure_ranges(shown["t"], [shown[k] for k in "abcde"])
    assert ranges is not None
    assert all(hi > lo for (lo, hi), k in zip(ranges, "abcde", strict=True) if shown[k] is None)


def test_cells_publishing_the_same_figure_are_hidden_together():
    shown = protect(
        {"march": 20, "q4": 20, "t": 23, "x": 3}, [Group("t", ("march", "x"))], [("march", "q4")]
    )
    assert shown["march"] is None and shown["q4"] is None


# --- Properties over random tables ----------------------------------------------------------

counts = st.integers(min_value=0, max_value=40)


@st.composite
def table(draw):  # type: ignore[no-untyped-def]
    """A breakdown (rows) by period (columns) table with row, column and grand totals: the
    shape of "a breakdown vs its total" and "the months vs their quarter" at once."""
    rows = draw(st.integers(min_value=1, max_value=5))
    cols = draw(st.integers(min_value=1, max_value=3))
    cells = {(r, c): draw(counts) for r in range(rows) for c in range(cols)}
    true: dict[tuple[object, object], int] = dict(cells)
    for r in range(rows):
        true[(r, "quarter")] = sum(cells[(r, c)] for c in range(cols))
    for c in range(cols):
        true[("total", c)] = sum(cells[(r, c)] for r in range(rows))
    true[("total", "quarter")] = sum(cells.values())
    groups = []
    for c in [*range(cols), "quarter"]:
        groups.append(Group(("total", c), tuple((r, c) for r in range(rows))))
    for r in [*range(rows), "total"]:
        groups.append(Group((r, "quarter"), tuple((r, c) for c in range(cols))))
    return true, groups


def _check_group(true, shown, group):  # type: ignore[no-untyped-def]
    parts = [shown[p] for p in group.parts]
    hidden = [i for i, p in enumerate(parts) if p is None]
    ranges = disclosure_ranges(shown[group.whole], parts)
    if ranges is None:  # the whole is hidden: nothing to subtract from
        return
    assert len(hidden) != 1, f"a lone hidden cell beside a shown total in {group}"
    for i in hidden:
        lo, hi = ranges[i]
        # The reader's deduction is right (the true value lies in it) and leaves a choice.
        assert lo <= true[group.parts[i]] <= hi
        assert hi > lo, f"{group.parts[i]} is pinned to {lo} by subtraction"


@settings(max_examples=300, deadline=None)
@given(table())
def test_every_output_cell_is_zero_hidden_or_a_rounded_multiple_of_five(data):
    true, groups = data
    shown = protect(true, groups)
    assert set(shown) == set(true)
    assert all(is_publishable(v) for v in shown.values())
    for key, value in shown.items():
        if value is not None:
            assert value == round_count(true[key])  # shown cells are never altered


@settings(max_examples=300, deadline=None)
@given(table())
def test_differencing_a_breakdown_against_its_total_or_months_against_the_quarter_recovers_nothing(
    data,
):
    true, groups = data
    shown = protect(true, groups)
    for group in groups:
        _check_group(true, shown, group)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_a_complement_worked_out_from_shown_counts_is_never_exact_when_small(num, extra):
    # e.g. "people who waited longer than 4 weeks" = clock stops - those within 4 weeks.
    den = num + extra
    shown_num, shown_den = round_count(num), round_count(den)
    if shown_num is None or shown_den is None or extra == 0 or extra > 7:
        return
    lo = max(0, shown_range(shown_den, 0)[0] - shown_range(shown_num, den)[1])
    hi = shown_range(shown_den, 0)[1] - shown_range(shown_num, den)[0]
    assert lo <= extra <= hi
    assert hi - lo >= 4
