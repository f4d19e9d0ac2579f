"""Each indicator on a small hand-built data set with a known answer (national definitions).

Group sizes are multiples of 5 from 10 upwards where the answer should be exact, so the
rounding of suppression leaves the expected figures unchanged."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from hubs.reporting.indicators import BY_ID, INDICATORS, Breakdown, Granularity, Priority
from hubs.reporting.models import ActivityType as A
from hubs.reporting.stats import rate_ratio
from tests.reporting.conftest import JAN, population_for, run_refresh, value

FEB = dt.date(2026, 2, 1)
Q4 = dt.date(2026, 1, 1)  # 2025/26 Q4: January to March 2026
YEAR = dt.date(2025, 4, 1)  # 2025/26


def test_every_indicator_is_declared_with_a_priority_target_direction_and_definition():
    ids = [i.id for i in INDICATORS]
    assert len(ids) == len(set(ids))
    for indicator in INDICATORS:
        assert indicator.title and indicator.definition and indicator.numerator
        assert isinstance(indicator.priority, Priority)
        assert indicator.periods
        assert Breakdown.TOTAL not in indicator.breakdowns
    assert BY_ID["eip_two_weeks"].target == 60
    assert BY_ID["transitions_no_gap"].target == 100
    assert BY_ID["discharges_onward_plan"].target == 100


def test_eip_counts_treatment_started_within_fourteen_days_of_referral(events):
    for days, n in ((3, 5), (14, 10), (15, 5)):  # 14 days meets the standard, 15 does not
        events.add(
            A.EIP_TREATMENT_STARTED,
            JAN + dt.timedelta(days=days),
            started_on=JAN,
            value=days,
            times=n,
        )
    events.save()
    run_refresh()
    eip = value("eip_two_weeks")
    assert (eip.numerator, eip.denominator, eip.value) == (15, 20, 75.0)
    team = value("eip_two_weeks", area=events.team.neighbourhood.code)
    assert team.value == 75.0 and team.team_id == events.team.id


def test_four_week_standard_and_median_use_the_days_the_clock_recorded(events):
    # The clock's value is the days from the spell's first referral to the stop.
    referred = dt.date(2025, 12, 20)
    for days in [28] * 10 + [29] * 5 + [40] * 5:  # every clock stops in January
        events.add(
            A.FOUR_WEEK_CLOCK_STOPPED,
            referred + dt.timedelta(days=days),
            started_on=referred,
            value=days,
        )
    events.save()
    run_refresh()
    stopped = value("four_week_wait")
    assert (stopped.numerator, stopped.denominator, stopped.value) == (10, 20, 50.0)
    median = value("four_week_median")
    assert median.value == 28.5  # mean of the 10th and 11th of 20 waits
    assert median.denominator == 20 and median.numerator is None


def test_a_median_of_fewer_than_eight_waits_is_hidden(events):
    for days in (10, 12, 20, 30, 31, 33, 35):
        events.add(A.FOUR_WEEK_CLOCK_STOPPED, JAN + dt.timedelta(days=1), value=days)
    events.save()
    run_refresh()
    median = value("four_week_median")
    assert median.value is None and median.value_suppressed
    assert median.denominator is None and median.denominator_suppressed


ELEMENTS = ("bmi", "blood_pressure", "glucose", "cholesterol", "smoking", "alcohol")


def _health_check(events, person, days, elements=ELEMENTS):  # type: ignore[no-untyped-def]
    for element, day in zip(elements, days, strict=True):
        events.add(A.HEALTH_CHECK_ELEMENT, day, person=person, detail=element)


def test_health_check_is_complete_only_with_all_six_elements_in_the_twelve_months(events):
    window_start = dt.date(2025, 2, 1)  # January 2026's 12 months: Feb 2025 to Jan 2026
    inside = [window_start, *[JAN + dt.timedelta(days=i) for i in range(5)]]
    for n in range(10):
        _health_check(events, f"complete-{n}", inside)
    for n in range(5):  # blood pressure 12 months and a day before the end: too old
        _health_check(events, f"stale-{n}", [JAN, dt.date(2025, 1, 31), *[JAN] * 4])
    for n in range(3):  # five elements only
        _health_check(events, f"five-{n}", [JAN] * 5, ELEMENTS[:5])
    for n in range(2):  # six records, but the same element six times
        _health_check(events, f"repeat-{n}", [JAN] * 6, ("bmi",) * 6)
    events.save()
    run_refresh()
    january = value("smi_health_check")
    assert (january.numerator, january.denominator, january.value) == (10, 20, 50.0)
    # A month later the 1 February 2025 element has dropped out of the window.
    assert value("smi_health_check", FEB).numerator == 0
    # A quarter's figure is the snapshot at its last day (31 March 2026).
    assert value("smi_health_check", Q4, Granularity.QUARTER).numerator == 0


def test_employment_status_asked_counts_people_in_contact_who_were_asked(events):
    for n in range(20):
        events.add(A.FIRST_CONTACT, JAN, person=f"p{n}")
        events.add(A.ASSESSMENT, JAN, person=f"p{n}")  # one person, whatever their events
    for n in range(15):
        events.add(A.EMPLOYMENT_STATUS_ASKED, JAN, person=f"p{n}")
    for n in range(5):  # asked, but never in contact in the window: not in the cohort
        events.add(A.EMPLOYMENT_STATUS_ASKED, JAN, person=f"other-{n}")
    events.save()
    run_refresh()
    asked = value("employment_status_asked")
    assert (asked.numerator, asked.denominator, asked.value) == (15, 20, 75.0)


def test_ips_referrals_and_people_supported_into_or_kept_in_work(events):
    events.add(A.IPS_REFERRAL, JAN, times=15)
    for n in range(10):
        events.add(A.IPS_OUTCOME, JAN, person=f"w{n}", detail="into_work")
        events.add(A.IPS_OUTCOME, JAN, person=f"w{n}", detail="kept_work")  # same people
    events.add(A.IPS_OUTCOME, JAN, detail="not_accepted", times=10)
    events.save()
    run_refresh()
    assert value("ips_referrals").value == 15
    assert value("ips_into_work").value == 10


def test_transitions_count_only_those_with_zero_days_without_a_lead_worker(events):
    events.add(A.TRANSITION_COMPLETED, JAN, value=0, detail="aspire_to_hub", times=10)
    events.add(A.TRANSITION_COMPLETED, JAN, value=0, detail="camhs_to_adult", times=10)
    events.add(A.TRANSITION_COMPLETED, JAN, value=3, detail="camhs_to_adult", times=10)
    events.save()
    run_refresh()
    assert value("transitions_no_gap").value == 66.7
    kinds = {
        kind: value("transitions_no_gap", breakdown="kind", breakdown_value=kind).value
        for kind in ("aspire_to_hub", "camhs_to_adult")
    }
    assert kinds == {"aspire_to_hub": 100.0, "camhs_to_adult": 50.0}


def test_young_people_supported_through_transitions_are_14_to_25_counted_once(events):
    for n in range(10):
        events.add(A.TRANSITION_STARTED, JAN, person=f"y{n}", age_band="14-17")
        events.add(A.TRANSITION_COMPLETED, JAN, person=f"y{n}", age_band="14-17")
    events.add(A.TRANSITION_STARTED, JAN, age_band="18-25", times=10)
    events.add(A.TRANSITION_STARTED, JAN, age_band="26-34", times=10)  # too old
    events.save()
    run_refresh()
    assert value("young_people_transitions").value == 20


def test_discharges_with_an_onward_plan_exclude_none_and_missing(events):
    events.add(A.DISCHARGED, JAN, detail="gp", times=10)
    events.add(A.DISCHARGED, JAN, detail="self_management", times=5)
    events.add(A.DISCHARGED, JAN, detail="none", times=3)
    events.add(A.DISCHARGED, JAN, detail=None, times=2)
    events.save()
    run_refresh()
    discharges = value("discharges_onward_plan")
    assert (discharges.numerator, discharges.denominator, discharges.value) == (15, 20, 75.0)


def test_friends_and_family_positive_share_counts_very_good_and_good(events):
    for answer, n in ((1, 10), (2, 5), (4, 3), (6, 2)):  # 6 = don't know, still a response
        events.add(A.FRIENDS_AND_FAMILY, JAN, value=answer, times=n)
    events.save()
    run_refresh()
    assert value("fft_positive").value == 75.0
    assert value("fft_responses").value == 20


def test_i_statements_are_counted_and_suppressed_like_any_count(events):
    events.add(A.I_STATEMENT, JAN, times=12)
    events.add(A.FRIENDS_AND_FAMILY, JAN, value=1, times=30)
    events.save()
    run_refresh()
    assert value("i_statements").value == 10  # 12 rounds to the nearest 5
    assert value("fft_responses").value == 30


def test_older_peoples_access_is_people_aged_65_and_over_per_thousand_of_that_population(
    hubs, events
):
    team = events.team
    for n in range(20):  # twenty people, two referrals each
        events.add(A.REFERRAL_RECEIVED, JAN, person=f"o{n}", age_band="75+", times=2)
    events.add(A.REFERRAL_RECEIVED, JAN, age_band="55-64", times=10)  # under 65
    events.save()
    population = population_for(
        hubs, {("65-74", "female", "White"): 6000, ("75+", "female", "White"): 4000}
    )
    population.people[(team.neighbourhood.code, "26-34", "female", "White")] = 50000  # not 65+
    run_refresh(population)
    older = value("older_people_access", Q4, Granularity.QUARTER, area=team.neighbourhood.code)
    assert (older.numerator, older.denominator, older.value) == (20, 10000, 2.0)
    city = value("older_people_access", Q4, Granularity.QUARTER)
    assert (city.numerator, city.denominator, city.value) == (20, 20000, 1.0)


def test_access_rate_ratio_by_ethnic_group_has_a_log_method_confidence_interval(hubs, events):
    population = population_for(
        hubs[:1],
        {("26-34", "female", "Asian or Asian British"): 10000, ("26-34", "female", "White"): 90000},
    )
    events.add(A.REFERRAL_RECEIVED, JAN, ethnic_group="Asian or Asian British", times=20)
    events.add(A.REFERRAL_RECEIVED, JAN, ethnic_group="White", times=90)
    events.add(A.REFERRAL_RECEIVED, JAN, ethnic_group="Not stated", times=10)
    events.save()
    run_refresh(population)
    asian = value(
        "access_by_ethnicity",
        Q4,
        Granularity.QUARTER,
        breakdown="ethnic_group",
        breakdown_value="Asian or Asian British",
    )
    # 20 per 10,000 against 90 per 90,000: twice the rate of everyone else.
    spread = 1.959964 * math.sqrt(1 / 20 + 1 / 90)
    assert asian.value == pytest.approx(2.0)
    assert asian.ci_low == pytest.approx(math.exp(math.log(2) - spread), abs=0.001)
    assert asian.ci_high == pytest.approx(math.exp(math.log(2) + spread), abs=0.001)
    assert (asian.numerator, asian.denominator) == (20, 10000)
    white = value(
        "access_by_ethnicity",
        Q4,
        Granularity.QUARTER,
        breakdown="ethnic_group",
        breakdown_value="White",
    )
    assert white.value == pytest.approx(0.5)
    not_stated = value(
        "access_by_ethnicity",
        Q4,
        Granularity.QUARTER,
        breakdown="ethnic_group",
        breakdown_value="Not stated",
    )
    assert not_stated.numerator == 10 and not_stated.value is None  # counted, not compared


def test_rate_ratio_statistics_match_the_log_method():
    result = rate_ratio(20, 10000, 90, 90000)
    assert result is not None
    assert result.ratio == 2.0 and result.low < 2 < result.high and result.differs
    assert rate_ratio(0, 100, 5, 100) is None


def test_access_by_deprivation_compares_each_quintile_with_the_rest(hubs, events):
    population = population_for(hubs[:1], {})
    for q in range(1, 6):
        population.by_quintile[(events.team.neighbourhood.code, str(q))] = 20000
    events.add(A.REFERRAL_RECEIVED, JAN, imd_quintile=1, times=40)
    for q in range(2, 6):
        events.add(A.REFERRAL_RECEIVED, JAN, imd_quintile=q, times=10)
    events.save()
    run_refresh(population)
    most_deprived = value(
        "access_by_deprivation",
        Q4,
        Granularity.QUARTER,
        breakdown="imd_quintile",
        breakdown_value="1",
    )
    assert most_deprived.value == pytest.approx(4.0)  # 40 per 20,000 vs 40 per 80,000


def test_opted_out_people_are_excluded_from_every_indicator_value(db, hubs, events):
    population = population_for(hubs, {("75+", "female", "White"): 5000})

    def everything(opted_out: bool) -> None:
        for event_type in A:
            events.add(
                event_type,
                JAN,
                value=1,
                detail="bmi",
                age_band="75+",
                opted_out=opted_out,
                times=10,
            )
        events.save()

    everything(opted_out=False)
    run_refresh(population)
    from tests.reporting.test_refresh import stored_rows

    before = stored_rows()
    everything(opted_out=True)
    run_refresh(population)
    assert stored_rows() == before
    assert value("fft_responses").value == 10  # not 20
