"""The strategy indicators, declared as data in one place (DESIGN §5, issue 7).

Each indicator names the Leeds Mental Health Strategy priority it reports on, what it counts
(numerator and denominator, in plain words shown on the page), how often (month, quarter,
financial year), which breakdowns it offers, its target and which direction is good, and a
*recipe*: which activity events it reads and which of them count. `hubs.reporting.compute`
turns a recipe into set-based SQL over `activity_events`; nothing else decides a number.

Every value excludes people who opted out of secondary use of their data: the strategy
indicators are a secondary use, so their events never count, in any numerator or
denominator.
"""

from __future__ import annotations

from hubs.reporting.definitions import (
    ALL_PERIODS,
    BREAKDOWN_LABELS,
    BREAKDOWN_ORDER,
    PEOPLE_BREAKDOWNS,
    POPULATION_PERIODS,
    PRIORITY_TITLES,
    TOTAL_VALUE,
    UNKNOWN_VALUE,
    VALUE_LABELS,
    Breakdown,
    Count,
    Direction,
    Granularity,
    Indicator,
    Median,
    PopulationRate,
    Priority,
    RateRatio,
    Recipe,
    Rolling,
    Share,
    Unit,
    Where,
    value_label,
)
from hubs.reporting.models import ActivityType

A = ActivityType

CONTACT_EVENTS = (
    A.REFERRAL_ACCEPTED,
    A.FIRST_CONTACT,
    A.SECOND_CONTACT,
    A.ASSESSMENT,
    A.CARE_PLAN_AGREED,
    A.FIRST_INTERVENTION,
    A.OUTCOME_MEASURE,
)
HEALTH_CHECK_ELEMENTS = ("bmi", "blood_pressure", "glucose", "cholesterol", "smoking", "alcohol")
OLDER_BANDS = ("65-74", "75+")
YOUNG_PEOPLE_BANDS = ("14-17", "18-25")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="four_week_wait",
        title="Care started within 4 weeks of referral",
        priority=Priority.TIMELY_ACCESS,
        numerator="Spells whose 4-week clock stopped within 28 days",
        denominator="Spells whose 4-week clock stopped in the period",
        definition="Of the people whose 4-week clock stopped in the period (they had an "
        "assessment, an agreed care plan, a first intervention and a baseline outcome "
        "measure), the share who waited 28 days or less from the first referral of their "
        "spell. Referrals within 5 days of each other form one spell (Community Mental "
        "Health Framework). Counted in the month the clock stopped.",
        recipe=Share((A.FOUR_WEEK_CLOCK_STOPPED,), Where("value", "<=", 28)),
        unit=Unit.PERCENT,
        source="Clock stops from the 4-week clock (DESIGN §4)",
        notes=(
            "No percentage target is set nationally: the standard is the 28-day wait itself "
            "(see the median wait).",
        ),
    ),
    Indicator(
        id="four_week_median",
        title="Median wait to care starting (days)",
        priority=Priority.TIMELY_ACCESS,
        numerator="Median days from referral to the 4-week clock stopping",
        denominator="Spells whose 4-week clock stopped in the period",
        definition="The middle value of the waits, in days, of the spells whose 4-week clock "
        "stopped in the period. Shown only when 8 or more waits lie behind it.",
        recipe=Median((A.FOUR_WEEK_CLOCK_STOPPED,)),
        unit=Unit.DAYS,
        target=28,
        direction=Direction.LOWER,
        amber_within=7,
    ),
    Indicator(
        id="eip_two_weeks",
        title="Early intervention in psychosis: treatment within 2 weeks",
        priority=Priority.TIMELY_ACCESS,
        numerator="People who started treatment within 14 days of referral",
        denominator="People who started EIP treatment in the period",
        definition="Of the people accepted onto the early intervention in psychosis "
        "caseload with a care coordinator and a NICE-recommended package started in the "
        "period, the share who waited 14 days or less from referral (national EIP access "
        "standard: at least 60%).",
        recipe=Share((A.EIP_TREATMENT_STARTED,), Where("value", "<=", 14)),
        unit=Unit.PERCENT,
        target=60,
        amber_within=5,
    ),
    Indicator(
        id="smi_health_check",
        title="SMI physical health check complete (all six elements)",
        priority=Priority.PHYSICAL_HEALTH,
        numerator="People with all six elements recorded in the 12 months to the period end",
        denominator="People with any health check element recorded in those 12 months",
        definition="At the end of each period, of the people whose physical health check is "
        "tracked by a hub (people with serious mental illness), the share with all six "
        "elements done in the previous 12 months: BMI, blood pressure, glucose or HbA1c, "
        "cholesterol, smoking status and alcohol use. National target 60%.",
        recipe=Rolling(
            cohort=(A.HEALTH_CHECK_ELEMENT,),
            numerator=(A.HEALTH_CHECK_ELEMENT,),
            detail_in=HEALTH_CHECK_ELEMENTS,
            distinct_details=len(HEALTH_CHECK_ELEMENTS),
        ),
        unit=Unit.PERCENT,
        target=60,
        amber_within=10,
        notes=(
            "The activity store has no SMI register event, so the people counted are those "
            "with at least one health check element recorded in the 12 months.",
        ),
    ),
    Indicator(
        id="employment_status_asked",
        title="People asked about their employment status",
        priority=Priority.EMPLOYMENT,
        numerator="People asked about employment in the 12 months to the period end",
        denominator="People in contact with a hub in those 12 months",
        definition="At the end of each period, of the people in contact with a hub in the "
        "previous 12 months (accepted, seen, assessed, planned or measured), the share "
        "asked about their employment status in those 12 months.",
        recipe=Rolling(cohort=CONTACT_EVENTS, numerator=(A.EMPLOYMENT_STATUS_ASKED,)),
        unit=Unit.PERCENT,
    ),
    Indicator(
        id="ips_referrals",
        title="Referrals to Individual Placement and Support (IPS)",
        priority=Priority.EMPLOYMENT,
        numerator="Referrals to IPS employment support made in the period",
        denominator="None: a count",
        definition="How many referrals to IPS employment support (Leeds Mind) were made in "
        "the period.",
        recipe=Count((A.IPS_REFERRAL,)),
        unit=Unit.COUNT,
    ),
    Indicator(
        id="ips_into_work",
        title="People supported into work or to keep their job",
        priority=Priority.EMPLOYMENT,
        numerator="People with an IPS outcome of into work or kept work in the period",
        denominator="None: a count of people",
        definition="How many different people IPS supported into paid work, or to keep "
        "their job, with the outcome recorded in the period.",
        recipe=Count(
            (A.IPS_OUTCOME,), people=True, where=Where("detail", "in", ("into_work", "kept_work"))
        ),
        unit=Unit.COUNT,
        breakdowns=(*PEOPLE_BREAKDOWNS, Breakdown.KIND),
        kind_label="Outcome",
    ),
    Indicator(
        id="transitions_no_gap",
        title="Transitions with no days without a lead worker",
        priority=Priority.TRANSITIONS,
        numerator="Transitions completed with 0 days without a lead worker",
        denominator="Transitions completed in the period",
        definition="Of the step-down transitions completed in the period (Aspire to a hub, "
        "CAMHS to adult services, hub step-down), the share in which the person never went "
        "a day without a named lead worker (the no-gap rule; target 100%).",
        recipe=Share((A.TRANSITION_COMPLETED,), Where("value", "<=", 0)),
        unit=Unit.PERCENT,
        target=100,
        amber_within=5,
        breakdowns=(Breakdown.KIND, *PEOPLE_BREAKDOWNS),
        kind_label="Transition",
    ),
    Indicator(
        id="young_people_transitions",
        title="Young people aged 14 to 25 supported through a transition",
        priority=Priority.TRANSITIONS,
        numerator="People aged 14 to 25 with a transition started or completed in the period",
        denominator="None: a count of people",
        definition="How many different young people aged 14 to 25 started or completed a "
        "supported transition (CAMHS to adult services, Aspire to a hub) in the period.",
        recipe=Count(
            (A.TRANSITION_STARTED, A.TRANSITION_COMPLETED),
            people=True,
            age_bands=YOUNG_PEOPLE_BANDS,
        ),
        unit=Unit.COUNT,
        breakdowns=(Breakdown.AGE_BAND, Breakdown.SEX, Breakdown.ETHNIC_GROUP),
    ),
    Indicator(
        id="older_people_access",
        title="Older people (65+) accessing hubs, per 1,000 people aged 65+",
        priority=Priority.OLDER_PEOPLE,
        numerator="People aged 65 or over referred in the period",
        denominator="People aged 65 or over living in the area (population CSV)",
        definition="Different people aged 65 or over with a referral received in the "
        "period, per 1,000 people aged 65 or over in the LCP (or the city). The delivery "
        "plan asks for older people's access as a share of the population, not a bare "
        "count.",
        recipe=PopulationRate((A.REFERRAL_RECEIVED,), age_bands=OLDER_BANDS),
        unit=Unit.RATE_PER_1000,
        periods=POPULATION_PERIODS,
        breakdowns=(Breakdown.AGE_BAND, Breakdown.SEX, Breakdown.ETHNIC_GROUP),
    ),
    Indicator(
        id="access_by_ethnicity",
        title="Access by ethnic group: rate ratio against everyone else",
        priority=Priority.INEQUALITIES,
        numerator="People of the group referred in the period, per 1,000 of the group",
        denominator="Everyone else referred, per 1,000 of everyone else (population CSV)",
        definition="For each NHS top-level ethnic group, the rate of people referred per "
        "1,000 population of that group, divided by the same rate for all other groups in "
        "the area. 1 means equal access; below 1, fewer people of the group reach a hub "
        "than its share of the population. The 95% confidence interval uses the log "
        "method: ratio times or divided by exp(1.96 x square root of (1/a + 1/b)), where a "
        "and b are the rounded counts of people in the group and in everyone else. People "
        "whose ethnicity is not stated or not known are counted but not compared.",
        recipe=RateRatio((A.REFERRAL_RECEIVED,), by=Breakdown.ETHNIC_GROUP),
        unit=Unit.RATE_RATIO,
        periods=POPULATION_PERIODS,
        breakdowns=(Breakdown.ETHNIC_GROUP,),
        direction=Direction.NONE,
    ),
    Indicator(
        id="access_by_deprivation",
        title="Access by deprivation quintile: rate ratio against everyone else",
        priority=Priority.INEQUALITIES,
        numerator="People of the quintile referred in the period, per 1,000 of the quintile",
        denominator="Everyone else referred, per 1,000 of everyone else (population CSV)",
        definition="For each national deprivation quintile (IMD, from the postcode of "
        "residence; 1 is the most deprived fifth), the rate of people referred per 1,000 "
        "population living in that quintile, divided by the rate for all other quintiles "
        "in the area, with a 95% confidence interval by the log method (see the ethnic "
        "group indicator).",
        recipe=RateRatio((A.REFERRAL_RECEIVED,), by=Breakdown.IMD_QUINTILE),
        unit=Unit.RATE_RATIO,
        periods=POPULATION_PERIODS,
        breakdowns=(Breakdown.IMD_QUINTILE,),
        direction=Direction.NONE,
    ),
    Indicator(
        id="discharges_onward_plan",
        title="Discharges with an onward support plan",
        priority=Priority.INTEGRATED_CARE,
        numerator="Discharges with an onward support plan recorded",
        denominator="Discharges from a hub episode in the period",
        definition="Of the people discharged from a hub in the period, the share with an "
        "onward support plan (GP, a community offer, or self-management with a crisis "
        "plan) recorded and shared with them. No one should be discharged to nothing "
        "(target 100%).",
        recipe=Share((A.DISCHARGED,), Where("detail", "not in", ("none",))),
        unit=Unit.PERCENT,
        target=100,
        amber_within=5,
        breakdowns=(*PEOPLE_BREAKDOWNS, Breakdown.KIND),
        kind_label="Onward plan",
    ),
    Indicator(
        id="fft_positive",
        title="Friends and family test: good or very good",
        priority=Priority.PEOPLES_VOICE,
        numerator="Responses rating the service good or very good",
        denominator="Friends and family test responses in the period",
        definition="Of the friends and family test responses given in the period, the share "
        "that rated their experience very good or good (the NHS England calculation: "
        "every response, including don't know, is in the denominator).",
        recipe=Share((A.FRIENDS_AND_FAMILY,), Where("value", "in", (1, 2))),
        unit=Unit.PERCENT,
    ),
    Indicator(
        id="fft_responses",
        title="Friends and family test responses",
        priority=Priority.PEOPLES_VOICE,
        numerator="Friends and family test responses in the period",
        denominator="None: a count",
        definition="How many friends and family test responses people gave in the period: "
        "how much of people's voice the hubs hear.",
        recipe=Count((A.FRIENDS_AND_FAMILY,)),
        unit=Unit.COUNT,
    ),
    Indicator(
        id="i_statements",
        title='"I statement" feedback',
        priority=Priority.PEOPLES_VOICE,
        numerator='Friends and family test answers that came with an "I statement"',
        denominator="None: a count",
        definition="How many people told the hub, in their own words, what their care meant "
        "to them. Only the count leaves the hub; the words stay with its managers.",
        recipe=Count((A.I_STATEMENT,)),
        unit=Unit.COUNT,
    ),
)

BY_ID: dict[str, Indicator] = {indicator.id: indicator for indicator in INDICATORS}


def get(indicator_id: str) -> Indicator | None:
    return BY_ID.get(indicator_id)


def by_priority() -> list[tuple[Priority, list[Indicator]]]:
    """The indicators under each priority, in the order of `Priority`."""
    return [
        (priority, [i for i in INDICATORS if i.priority == priority])
        for priority in Priority
        if any(i.priority == priority for i in INDICATORS)
    ]


# The vocabulary, importable from here with the indicators it describes.
__all__ = [
    "ALL_PERIODS",
    "BREAKDOWN_LABELS",
    "BREAKDOWN_ORDER",
    "BY_ID",
    "CONTACT_EVENTS",
    "HEALTH_CHECK_ELEMENTS",
    "INDICATORS",
    "OLDER_BANDS",
    "PEOPLE_BREAKDOWNS",
    "POPULATION_PERIODS",
    "PRIORITY_TITLES",
    "TOTAL_VALUE",
    "UNKNOWN_VALUE",
    "VALUE_LABELS",
    "YOUNG_PEOPLE_BANDS",
    "Breakdown",
    "Count",
    "Direction",
    "Granularity",
    "Indicator",
    "Median",
    "PopulationRate",
    "Priority",
    "RateRatio",
    "Recipe",
    "Rolling",
    "Share",
    "Unit",
    "Where",
    "by_priority",
    "get",
    "value_label",
]
