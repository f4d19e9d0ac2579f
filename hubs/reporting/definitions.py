"""The vocabulary indicators are declared in: priorities, periods, units, breakdowns, and
the recipes that say which activity events make a number (`hubs.reporting.indicators`
declares the indicators themselves with these)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from hubs.reporting.models import AGE_BANDS, ETHNIC_GROUPS, ActivityType


class Priority(enum.StrEnum):
    """Priorities of the Leeds Mental Health Strategy delivery plan the indicators serve."""

    TIMELY_ACCESS = "timely_access"
    PHYSICAL_HEALTH = "physical_health"
    EMPLOYMENT = "employment"
    TRANSITIONS = "transitions"
    OLDER_PEOPLE = "older_people"
    INEQUALITIES = "inequalities"
    INTEGRATED_CARE = "integrated_care"
    PEOPLES_VOICE = "peoples_voice"

    @property
    def title(self) -> str:
        return PRIORITY_TITLES[self]


PRIORITY_TITLES = {
    Priority.TIMELY_ACCESS: "Improve timely access to mental health support and ensure that "
    "people receive a compassionate response",
    Priority.PHYSICAL_HEALTH: "Improve the physical health of people with serious mental illness",
    Priority.EMPLOYMENT: "Ensure education, training and employment is more accessible to "
    "people with mental health problems",
    Priority.TRANSITIONS: "Improve transition support and develop new mental health services "
    "for 14 to 25 year olds",
    Priority.OLDER_PEOPLE: "Ensure older people are able to access information, support and "
    "mental health treatment that meets their needs",
    Priority.INEQUALITIES: "Reduce mental health inequalities",
    Priority.INTEGRATED_CARE: "Improve the flexibility, integration and compassionate response "
    "of services",
    Priority.PEOPLES_VOICE: "People's voice",
}


class Granularity(enum.StrEnum):
    """Reporting periods. Quarters and years are NHS financial ones (April to March)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return {"month": "Monthly", "quarter": "Quarterly", "year": "Financial year"}[self.value]


class Direction(enum.StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    # A rate ratio: nearer 1 (equal access) is better; no red/amber/green.
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "higher": "Higher is better",
            "lower": "Lower is better",
            "none": "For comparison: no direction is better",
        }[self.value]


class Unit(enum.StrEnum):
    PERCENT = "percent"
    DAYS = "days"
    COUNT = "count"
    RATE_PER_1000 = "rate_per_1000"
    RATE_RATIO = "rate_ratio"


class Breakdown(enum.StrEnum):
    """Ways to split an indicator: columns of the activity store (DESIGN §5)."""

    TOTAL = "total"
    AGE_BAND = "age_band"
    SEX = "sex"
    ETHNIC_GROUP = "ethnic_group"
    IMD_QUINTILE = "imd_quintile"
    INTERPRETER = "interpreter_needed"
    # The event's detail code: transition kind, onward plan kind, IPS outcome.
    KIND = "kind"

    @property
    def label(self) -> str:
        return BREAKDOWN_LABELS[self]


BREAKDOWN_LABELS = {
    Breakdown.TOTAL: "No breakdown",
    Breakdown.AGE_BAND: "Age band",
    Breakdown.SEX: "Sex",
    Breakdown.ETHNIC_GROUP: "Ethnic group",
    Breakdown.IMD_QUINTILE: "Deprivation quintile (IMD)",
    Breakdown.INTERPRETER: "Needs an interpreter",
    Breakdown.KIND: "Kind",
}

TOTAL_VALUE = "all"
UNKNOWN_VALUE = "unknown"

#: The order breakdown values are listed in (others alphabetically after these).
BREAKDOWN_ORDER: dict[Breakdown, tuple[str, ...]] = {
    Breakdown.AGE_BAND: AGE_BANDS,
    Breakdown.SEX: ("female", "male", "indeterminate", "not_known"),
    Breakdown.ETHNIC_GROUP: ETHNIC_GROUPS,
    Breakdown.IMD_QUINTILE: ("1", "2", "3", "4", "5", UNKNOWN_VALUE),
    Breakdown.INTERPRETER: ("yes", "no"),
}

VALUE_LABELS = {
    Breakdown.SEX: {
        "female": "Female",
        "male": "Male",
        "indeterminate": "Indeterminate",
        "not_known": "Not known",
    },
    Breakdown.IMD_QUINTILE: {"1": "1 (most deprived)", "5": "5 (least deprived)"},
    Breakdown.INTERPRETER: {"yes": "Needs an interpreter", "no": "No interpreter needed"},
    Breakdown.KIND: {
        "aspire_to_hub": "Aspire to hub",
        "camhs_to_adult": "CAMHS to adult services",
        "hub_step_down": "Hub step-down",
        "into_work": "Into work",
        "kept_work": "Kept their job",
        "gp": "Their GP",
        "service": "A primary care or VCSE offer",
        "self_management": "Self-management with a crisis plan",
        "none": "No onward plan",
    },
}


def value_label(breakdown: Breakdown, value: str) -> str:
    """How a breakdown value is written for people (codes stay codes in exports)."""
    if value == TOTAL_VALUE:
        return "All"
    if value == UNKNOWN_VALUE:
        return "Not known"
    label = VALUE_LABELS.get(breakdown, {}).get(value)
    if label:
        return label
    return value.replace("_", " ").capitalize() if breakdown == Breakdown.KIND else value


# --- Recipes: what a number is made of ---------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A condition on one event's `value` or `detail`: op is one of <=, ==, in, not in."""

    column: str
    op: str
    operand: float | tuple[object, ...]


@dataclass(frozen=True)
class Share:
    """Events of `events` in the period; the numerator is those meeting `numerator`."""

    events: tuple[ActivityType, ...]
    numerator: Where


@dataclass(frozen=True)
class Median:
    """The median of `value` over events in the period (8 values or more)."""

    events: tuple[ActivityType, ...]


@dataclass(frozen=True)
class Count:
    """Events in the period, or distinct people with one (`people=True`)."""

    events: tuple[ActivityType, ...]
    people: bool = False
    where: Where | None = None
    age_bands: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rolling:
    """People in a 12-month cohort at the end of each period, and how many of them had the
    numerator events in those 12 months (optionally at least `distinct_details` different
    detail codes among `detail_in`, e.g. all six health check elements)."""

    cohort: tuple[ActivityType, ...]
    numerator: tuple[ActivityType, ...]
    detail_in: tuple[str, ...] | None = None
    distinct_details: int | None = None
    months: int = 12


@dataclass(frozen=True)
class PopulationRate:
    """Distinct people with `events` in the period per 1,000 population (from the CSV)."""

    events: tuple[ActivityType, ...]
    age_bands: tuple[str, ...] | None = None
    per: int = 1000


@dataclass(frozen=True)
class RateRatio:
    """Access rate of each group of `by` divided by the rate of everyone else in the area,
    with a 95% confidence interval (log method; see `hubs.reporting.stats`)."""

    events: tuple[ActivityType, ...]
    by: Breakdown
    per: int = 1000


Recipe = Share | Median | Count | Rolling | PopulationRate | RateRatio

ALL_PERIODS = (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR)
POPULATION_PERIODS = (Granularity.QUARTER, Granularity.YEAR)
PEOPLE_BREAKDOWNS = (
    Breakdown.AGE_BAND,
    Breakdown.SEX,
    Breakdown.ETHNIC_GROUP,
    Breakdown.IMD_QUINTILE,
    Breakdown.INTERPRETER,
)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    priority: Priority
    numerator: str
    denominator: str
    definition: str
    recipe: Recipe
    unit: Unit
    periods: tuple[Granularity, ...] = ALL_PERIODS
    breakdowns: tuple[Breakdown, ...] = PEOPLE_BREAKDOWNS
    target: float | None = None
    direction: Direction = Direction.HIGHER
    # How close to the target still counts as amber rather than red.
    amber_within: float = 0.0
    kind_label: str = "Kind"
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def all_breakdowns(self) -> tuple[Breakdown, ...]:
        return (Breakdown.TOTAL, *self.breakdowns)

    @property
    def default_period(self) -> Granularity:
        return self.periods[0]

    def breakdown_label(self, breakdown: Breakdown) -> str:
        return self.kind_label if breakdown == Breakdown.KIND else breakdown.label
