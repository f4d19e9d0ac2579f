"""The pathway date rules (DESIGN §4), as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.pathways import rules

D = dt.date


@pytest.mark.parametrize(
    ("born", "planning", "handover"),
    [
        (D(2009, 3, 10), D(2026, 9, 10), D(2027, 3, 10)),
        # Month ends clamp: 17½ falls on the last day of February.
        (D(2008, 8, 31), D(2026, 2, 28), D(2026, 8, 31)),
        (D(2008, 2, 29), D(2025, 8, 29), D(2026, 2, 28)),
    ],
)
def test_camhs_planning_starts_at_17_and_a_half_and_handover_is_by_18(born, planning, handover):
    assert rules.camhs_planning_from(born) == planning
    assert rules.camhs_handover_by(born) == handover


def test_aspire_planning_starts_30_months_in_and_the_episode_ends_at_3_years():
    assert rules.aspire_planning_from(D(2024, 1, 15)) == D(2026, 7, 15)
    assert rules.aspire_episode_ends(D(2024, 1, 15)) == D(2027, 1, 15)


def test_fast_track_lasts_6_months_from_discharge():
    assert rules.fast_track_until(D(2026, 8, 31)) == D(2027, 2, 28)


@pytest.mark.parametrize("day", [D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 31), D(2026, 9, 30)])
def test_the_sql_cutoff_never_misses_anyone_the_exact_rule_would_find(day):
    cutoff = rules.widest_cutoff(day, rules.CAMHS_PLANNING_MONTHS)
    for offset in range(-40, 40):
        born = cutoff + dt.timedelta(days=offset)
        if rules.camhs_planning_from(born) <= day:
            assert born <= cutoff


def test_days_to_the_planned_date_go_negative_once_it_has_passed():
    assert rules.days_to(D(2026, 1, 10), D(2026, 1, 1)) == 9
    assert rules.days_to(D(2026, 1, 1), D(2026, 1, 3)) == -2
