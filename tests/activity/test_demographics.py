"""Breakdowns instead of identifying details: age band, ethnic group, IMD quintile."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.activity.demographics import IMD_CSV, age_band, ethnic_group, imd_quintile
from hubs.people.models import ETHNIC_CATEGORIES
from hubs.reporting.models import AGE_BANDS, ETHNIC_GROUPS

BORN = dt.date(2000, 3, 15)


@pytest.mark.parametrize(
    ("on", "band"),
    [
        (dt.date(2014, 3, 14), "0-13"),
        (dt.date(2014, 3, 15), "14-17"),
        (dt.date(2018, 3, 14), "14-17"),
        (dt.date(2018, 3, 15), "18-25"),
        (dt.date(2026, 3, 14), "18-25"),
        (dt.date(2026, 3, 15), "26-34"),
        (dt.date(2065, 3, 15), "65-74"),
        (dt.date(2075, 3, 15), "75+"),
    ],
)
def test_age_band_is_the_age_on_the_event_day(on, band):
    assert age_band(BORN, on) == band


def test_a_leap_day_birthday_turns_over_on_the_first_of_march():
    born = dt.date(2008, 2, 29)
    assert age_band(born, dt.date(2026, 2, 28)) == "14-17"
    assert age_band(born, dt.date(2026, 3, 1)) == "18-25"


def test_every_age_lands_in_one_of_the_store_bands():
    assert {age_band(BORN, BORN + dt.timedelta(days=365 * years)) for years in range(101)} == set(
        AGE_BANDS
    )


def test_every_ethnic_category_maps_to_an_nhs_top_level_group():
    assert {ethnic_group(code) for code in ETHNIC_CATEGORIES} == set(ETHNIC_GROUPS)
    assert ethnic_group("H") == "Asian or Asian British"
    assert ethnic_group(None) == ethnic_group("??") == "Not known"


def test_imd_quintile_prefers_the_postcode_sector_then_the_district():
    assert imd_quintile("LS7 3QQ") == 1  # sector LS7 3
    assert imd_quintile("ls73qq") == 1
    assert imd_quintile("LS7 9ZZ") == imd_quintile("LS7 1AA")  # the district's value
    assert imd_quintile("LS7 9ZZ") in {1, 2, 3, 4, 5}


@pytest.mark.parametrize("postcode", [None, "", "LS7", "ZZ99 9ZZ", "not a postcode"])
def test_unknown_postcodes_have_no_quintile(postcode):
    assert imd_quintile(postcode) is None


def test_the_shipped_imd_file_says_it_is_illustrative():
    header = IMD_CSV.read_text(encoding="utf-8").splitlines()[0]
    assert "ILLUSTRATIVE" in header and "FICTIONAL" in header
