"""DIALOG and ReQoL-10 scoring: pure functions, no database."""

from __future__ import annotations

import datetime as dt
from statistics import mean

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubs.core.errors import ValidationError
from hubs.outcomes import scoring as outcomes
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.referrals.models import NeedDomain

LIFE = outcomes.LIFE_DOMAIN_KEYS
TREATMENT = outcomes.TREATMENT_KEYS
REQOL = (*outcomes.REQOL_KEYS, outcomes.REQOL_PHYSICAL_KEY)


def dialog(life: list[int], treatment: list[int]) -> dict[str, object]:
    return dict(zip(LIFE, life, strict=True)) | dict(zip(TREATMENT, treatment, strict=True))


def test_dialog_has_8_life_domains_and_3_treatment_items_each_a_need_domain():
    assert len(LIFE) == 8 and len(TREATMENT) == 3
    assert [item.domain for item in outcomes.DIALOG_ITEMS] == list(NeedDomain)[:11]
    assert set(TREATMENT) == {"medication", "practical_help", "meetings_with_professionals"}


def test_dialog_quality_of_life_is_the_mean_of_the_8_and_satisfaction_the_mean_of_the_3():
    scores = outcomes.score_dialog(dialog([1, 2, 3, 4, 5, 6, 7, 4], [7, 6, 2]))
    assert scores.score == 4.0  # 32 / 8
    assert scores.secondary_score == 5.0  # 15 / 3


def test_dialog_means_round_half_up_to_2_dp():
    assert outcomes.score_dialog(dialog([4, 4, 4, 4, 4, 4, 4, 5], [4, 4, 5])) == (
        outcomes.Scores(4.13, 4.33)  # 33/8 = 4.125 -> 4.13 (not banker's 4.12); 13/3 -> 4.33
    )
    assert outcomes.score_dialog(dialog([5] * 7 + [6], [5, 5, 6])).secondary_score == 5.33
    assert outcomes.score_dialog(dialog([5] * 8, [5, 6, 6])).secondary_score == 5.67


@given(
    st.lists(st.integers(1, 7), min_size=8, max_size=8),
    st.lists(st.integers(1, 7), min_size=3, max_size=3),
)
def test_dialog_scores_stay_on_the_1_to_7_scale_within_rounding(life, treatment):
    scores = outcomes.score_dialog(dialog(life, treatment))
    assert 1 <= scores.score <= 7 and abs(scores.score - mean(life)) <= 0.005
    assert scores.secondary_score is not None
    assert abs(scores.secondary_score - mean(treatment)) <= 0.005


@pytest.mark.parametrize("bad", [0, 8, -1, 4.5, "4", True, None])
def test_dialog_item_outside_1_to_7_or_not_a_whole_number_is_refused_naming_it(bad):
    answers = dialog([4] * 8, [4] * 3)
    answers["accommodation"] = bad
    with pytest.raises(ValidationError) as error:
        outcomes.score_dialog(answers)
    assert error.value.field == "accommodation"


def test_dialog_every_item_is_required():
    answers = dialog([4] * 8, [4] * 3)
    del answers["meetings_with_professionals"]
    with pytest.raises(ValidationError) as error:
        outcomes.score_dialog(answers)
    assert error.value.field == "meetings_with_professionals"


def test_an_answer_to_an_item_the_measure_does_not_have_is_refused():
    answers = dialog([4] * 8, [4] * 3) | {"money_debt": 3}
    with pytest.raises(ValidationError) as error:
        outcomes.score_dialog(answers)
    assert error.value.field == "money_debt"


def test_reqol10_total_is_the_sum_of_ten_items_and_physical_health_is_separate():
    answers = dict(zip(outcomes.REQOL_KEYS, [0, 1, 2, 3, 4, 4, 3, 2, 1, 0], strict=True))
    scores = outcomes.score_reqol10(answers | {"physical_health": 3})
    assert scores == outcomes.Scores(20.0, 3.0)
    assert outcomes.score_reqol10(dict.fromkeys(REQOL, 4)) == outcomes.Scores(40.0, 4.0)
    assert outcomes.score_reqol10(dict.fromkeys(REQOL, 0)) == outcomes.Scores(0.0, 0.0)


@pytest.mark.parametrize("key", ["item_1", "item_10", "physical_health"])
@pytest.mark.parametrize("bad", [5, -1, 2.0, None])
def test_reqol10_items_outside_0_to_4_are_refused_naming_the_item(key, bad):
    answers: dict[str, object] = dict.fromkeys(REQOL, 2)
    answers[key] = bad
    with pytest.raises(ValidationError) as error:
        outcomes.score(MeasureKind.REQOL10, answers)
    assert error.value.field == key


def test_reqol10_items_are_labelled_by_number_not_by_their_copyrighted_wording():
    assert [outcomes.REQOL_LABELS[k] for k in outcomes.REQOL_KEYS] == [
        f"Item {n}" for n in range(1, 11)
    ]


def test_more_help_is_kept_once_each_in_dialog_order():
    assert outcomes.checked_more_help(
        MeasureKind.DIALOG, ["friendships", "mental_health", "friendships"]
    ) == ["mental_health", "friendships"]


def test_more_help_must_name_dialog_items_and_only_dialog_asks_it():
    with pytest.raises(ValidationError) as error:
        outcomes.checked_more_help(MeasureKind.DIALOG, ["money_debt"])
    assert error.value.field == "more_help"
    with pytest.raises(ValidationError):
        outcomes.checked_more_help(MeasureKind.REQOL10, ["mental_health"])


def test_more_help_goals_are_in_the_persons_voice():
    goals = {item.key: item.goal for item in outcomes.DIALOG_ITEMS}
    assert goals["accommodation"] == "More help with my accommodation"
    assert goals["family_partner"] == "More help with my relationship with my family or partner"
    question = outcomes.DIALOG_BY_KEY["family_partner"].question
    assert question == "How satisfied are you with your relationship with your family or partner?"


def _measure(kind: MeasureKind, day: int, score: float, secondary: float) -> OutcomeMeasure:
    return OutcomeMeasure(
        id=day,
        kind=kind,
        recorded_on=dt.date(2025, 1, day),
        score=score,
        secondary_score=secondary,
    )


def test_charts_split_the_history_by_measure_oldest_first():
    history = [
        _measure(MeasureKind.DIALOG, 20, 4.5, 5.0),
        _measure(MeasureKind.REQOL10, 3, 22, 2),
        _measure(MeasureKind.DIALOG, 2, 3.25, 4.33),
    ]
    charts = outcomes.charts(history)
    quality, satisfaction = charts.dialog_series
    assert quality.points == [(dt.date(2025, 1, 2), 3.25), (dt.date(2025, 1, 20), 4.5)]
    assert satisfaction.points == [(dt.date(2025, 1, 2), 4.33), (dt.date(2025, 1, 20), 5.0)]
    assert charts.reqol_series[0].points == [(dt.date(2025, 1, 3), 22)]
