"""The measures themselves, pure: DIALOG and ReQoL-10 items, checking answers, scoring, and
the series the charts draw. No database, no actor: the services record, these compute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hubs.core.errors import ValidationError
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.referrals.models import NeedDomain


@dataclass(frozen=True)
class DialogItem:
    domain: NeedDomain
    subject: str  # in the person's voice: "my accommodation"
    is_life_domain: bool = True

    @property
    def key(self) -> str:
        return self.domain.value

    @property
    def label(self) -> str:
        return self.domain.label

    @property
    def question(self) -> str:
        return f"How satisfied are you with {self.subject.replace('my ', 'your ')}?"

    @property
    def goal(self) -> str:
        """The draft goal a "more help" answer becomes, in the person's own words."""
        return f"More help with {self.subject}"


DIALOG_ITEMS: tuple[DialogItem, ...] = (
    DialogItem(NeedDomain.MENTAL_HEALTH, "my mental health"),
    DialogItem(NeedDomain.PHYSICAL_HEALTH, "my physical health"),
    DialogItem(NeedDomain.JOB_SITUATION, "my job situation"),
    DialogItem(NeedDomain.ACCOMMODATION, "my accommodation"),
    DialogItem(NeedDomain.LEISURE_ACTIVITIES, "my leisure activities"),
    DialogItem(NeedDomain.FRIENDSHIPS, "my friendships"),
    DialogItem(NeedDomain.FAMILY_PARTNER, "my relationship with my family or partner"),
    DialogItem(NeedDomain.PERSONAL_SAFETY, "my personal safety"),
    DialogItem(NeedDomain.MEDICATION, "my medication", is_life_domain=False),
    DialogItem(NeedDomain.PRACTICAL_HELP, "my practical help", is_life_domain=False),
    DialogItem(
        NeedDomain.MEETINGS_WITH_PROFESSIONALS,
        "my meetings with mental health professionals",
        is_life_domain=False,
    ),
)
DIALOG_BY_KEY = {item.key: item for item in DIALOG_ITEMS}
LIFE_DOMAIN_KEYS = tuple(item.key for item in DIALOG_ITEMS if item.is_life_domain)
TREATMENT_KEYS = tuple(item.key for item in DIALOG_ITEMS if not item.is_life_domain)
DIALOG_MIN, DIALOG_MAX = 1, 7
DIALOG_RATINGS = {
    1: "Totally dissatisfied",
    2: "Very dissatisfied",
    3: "Fairly dissatisfied",
    4: "In the middle",
    5: "Fairly satisfied",
    6: "Very satisfied",
    7: "Totally satisfied",
}

# ReQoL-10 is copyrighted: the app never shows its item wording. Staff enter the scored
# value (0-4) of each item from the completed, scored paper form.
REQOL_KEYS = tuple(f"item_{n}" for n in range(1, 11))
REQOL_PHYSICAL_KEY = "physical_health"
REQOL_LABELS = {key: f"Item {n}" for n, key in enumerate(REQOL_KEYS, start=1)} | {
    REQOL_PHYSICAL_KEY: "Physical health item"
}
REQOL_MIN, REQOL_MAX = 0, 4


@dataclass(frozen=True)
class Scores:
    score: float  # DIALOG: quality of life (mean of 8); ReQoL-10: total 0-40
    secondary_score: float | None  # DIALOG: treatment satisfaction; ReQoL: physical item


def mean_2dp(values: Sequence[int]) -> float:
    """The mean rounded half up to 2 dp, as clinicians round by hand (4.125 -> 4.13)."""
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _item_label(key: str) -> str:
    item = DIALOG_BY_KEY.get(key)
    return (item.label if item else REQOL_LABELS.get(key, key)).lower()


def checked_answers(
    answers: Mapping[str, object], keys: Sequence[str], low: int, high: int
) -> dict[str, int]:
    """Every item answered with a whole number in range, and nothing else; else the first
    wrong item is named (so a form or API client can point at it)."""
    for key in answers:
        if key not in keys:
            raise ValidationError(f"'{key}' is not an item of this measure", field=key)
    for key in keys:
        value = answers.get(key)
        if value is None:
            raise ValidationError(f"Answer {_item_label(key)}", field=key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"Score {_item_label(key)} with a whole number from {low} to {high}", field=key
            )
    return {key: int(answers[key]) for key in keys}  # type: ignore[call-overload]


def score_dialog(answers: Mapping[str, object]) -> Scores:
    """Quality of life = mean of the 8 life domains; treatment satisfaction = mean of the 3."""
    ratings = clean_answers(MeasureKind.DIALOG, answers)
    return Scores(
        mean_2dp([ratings[k] for k in LIFE_DOMAIN_KEYS]),
        mean_2dp([ratings[k] for k in TREATMENT_KEYS]),
    )


def score_reqol10(answers: Mapping[str, object]) -> Scores:
    """Total of the ten items (0-40); the physical health item (0-4) reported separately."""
    items = clean_answers(MeasureKind.REQOL10, answers)
    return Scores(float(sum(items[k] for k in REQOL_KEYS)), float(items[REQOL_PHYSICAL_KEY]))


def score(kind: MeasureKind, answers: Mapping[str, object]) -> Scores:
    return score_dialog(answers) if kind == MeasureKind.DIALOG else score_reqol10(answers)


def clean_answers(kind: MeasureKind, answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as stored: every item of the measure, checked."""
    if kind == MeasureKind.DIALOG:
        return checked_answers(answers, tuple(DIALOG_BY_KEY), DIALOG_MIN, DIALOG_MAX)
    return checked_answers(answers, (*REQOL_KEYS, REQOL_PHYSICAL_KEY), REQOL_MIN, REQOL_MAX)


def checked_more_help(kind: MeasureKind, more_help: Iterable[str]) -> list[str]:
    """DIALOG items the person wants more help with, once each, in DIALOG order."""
    chosen = set(more_help)
    if chosen and kind != MeasureKind.DIALOG:
        raise ValidationError("Only DIALOG asks about more help", field="more_help")
    unknown = sorted(chosen - set(DIALOG_BY_KEY))
    if unknown:
        raise ValidationError(f"'{unknown[0]}' is not a DIALOG item", field="more_help")
    return [key for key in DIALOG_BY_KEY if key in chosen]


# --- Charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[dt.date, float]]


@dataclass(frozen=True)
class OutcomeCharts:
    dialog: list[OutcomeMeasure]
    reqol: list[OutcomeMeasure]

    @property
    def dialog_series(self) -> list[Series]:
        return [
            Series("Quality of life", [(m.recorded_on, m.score) for m in self.dialog]),
            Series(
                "Treatment satisfaction",
                [(m.recorded_on, float(m.secondary_score or 0)) for m in self.dialog],
            ),
        ]

    @property
    def reqol_series(self) -> list[Series]:
        return [Series("ReQoL-10 total", [(m.recorded_on, m.score) for m in self.reqol])]


def charts(measures: Iterable[OutcomeMeasure]) -> OutcomeCharts:
    """Split a history, oldest first, into the DIALOG and ReQoL-10 charts."""
    ordered = sorted(measures, key=lambda m: (m.recorded_on, m.id or 0))
    return OutcomeCharts(
        [m for m in ordered if m.kind == MeasureKind.DIALOG],
        [m for m in ordered if m.kind == MeasureKind.REQOL10],
    )
