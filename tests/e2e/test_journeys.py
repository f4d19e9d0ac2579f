"""The user journeys that exist today, end to end through the real pages in Chromium.

Each journey signs in as its user with the demo password, clicks through the pages a person
would use, and runs axe-core (WCAG 2.x A and AA) on every page it visits, error states
included. Care plans, safety plans, connector support logs and manager caseloads are not
built yet; their journeys join this file when they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from nhs_number import REGION_SYNTHETIC, generate
from playwright.sync_api import Page, expect

from hubs.config import TestingConfig
from tests.e2e.helpers import (
    check_page,
    focused,
    horizontal_overflow,
    settle_header,
    sign_in,
    sign_out,
)

OpenPage = Callable[..., Page]

HATCH_PRACTICE = "Demo Harehills Surgery (fictional)"
HATCH_HUB = "HATCH community mental health hub"


def synthetic_nhs_number() -> str:
    """A valid NHS number from the 999 range that is never issued to a real person."""
    while True:
        number = generate(for_region=REGION_SYNTHETIC)[0]
        if number.startswith("999"):
            return number


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the app's clocks count whole UTC days


def referral_actions(page: Page) -> list[str]:
    """The action links the referral page offers under "What you can do"."""
    return page.locator("main a.nhsuk-action-link__link").all_inner_texts()


# --- Hub staff: intake, MDT triage, allocation -------------------------------------------


def record_referral_for_new_person(page: Page, given: str, family: str) -> str:
    """As the hub administrator: record a referral by need for someone new; return its URL."""
    page.get_by_role("link", name="Record a new referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")
    check_page(page, "staff-02-intake")
    page.get_by_label("NHS number").fill(synthetic_nhs_number())
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    page.get_by_label("Date of birth").fill("1994-03-17")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Registered GP practice").select_option(label=HATCH_PRACTICE)
    page.get_by_label("Who made the referral").select_option(label="GP")
    page.get_by_label("Referrer's name").fill("Dr Demo (fictional)")
    page.get_by_label("Date received").fill(utc_today().isoformat())
    page.get_by_label("Routine").check()
    page.get_by_label("Need", exact=True).first.select_option(label="Friendships")
    page.get_by_label("In the person's own words").first.fill("I haven't seen anyone in weeks")
    page.get_by_label("What matters to the person").fill("Getting out of the house again")
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_role("status")).to_contain_text(f"Referral recorded for {HATCH_HUB}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{given} {family}")
    return page.url


def test_hub_staff_record_triage_and_allocate_a_referral_by_need(page: Page) -> None:
    given, family = "Robin", "Testperson-Intake"
    sign_in(page, "admin@hatch.demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    check_page(page, "staff-01-triage-queue")
    referral_url = record_referral_for_new_person(page, given, family)
    check_page(page, "staff-03-referral-received")
    # An administrator logs referrals; the MDT decision is not theirs to record.
    assert "Record MDT triage decision" not in referral_actions(page)
    sign_out(page)

    sign_in(page, "nurse@hatch.demo")
    page.goto(referral_url)
    page.get_by_role("link", name="Record MDT triage decision").click()
    check_page(page, "staff-04-triage")
    page.get_by_label("MDT triage rationale").fill("Isolation is the main need: hub team")
    page.get_by_role("button", name="Record MDT triage decision").click()
    expect(page.get_by_role("status")).to_contain_text("Record MDT triage decision: done")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Triaged")
    assert "Record MDT triage decision" not in referral_actions(page)
    sign_out(page)

    sign_in(page, "manager@hatch.demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")
    check_page(page, "staff-05-manager-team")
    page.get_by_role("link", name="Triage queue").click()
    row = page.get_by_role("row").filter(has_text=f"{given} {family}")
    expect(row.locator(".app-clock-badge")).to_have_text(
        re.compile(r"4-week wait: 2[78] days left")
    )
    row.get_by_role("link", name=f"{given} {family}").click()
    page.get_by_role("link", name="Accept and allocate a lead worker").click()
    check_page(page, "staff-06-accept")
    page.get_by_role("button", name="Accept and allocate a lead worker").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_page(page, "staff-07-accept-error")
    page.get_by_label("Lead worker").select_option(label="Nia Demo-Nurse (Mental health nurse)")
    page.get_by_role("button", name="Accept and allocate a lead worker").click()
    expect(page.get_by_role("status")).to_contain_text("Accept and allocate a lead worker: done")
    summary = page.locator(".nhsuk-summary-list")
    expect(summary).to_contain_text("Accepted")
    expect(summary).to_contain_text("Nia Demo-Nurse")
    # Accepted: no triage, no second acceptance, nothing the state table forbids.
    assert referral_actions(page) == []
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)
    check_page(page, "staff-08-accepted")

    # The triage form reached by its address anyway is refused, in plain words.
    page.goto(f"{referral_url}/triage")
    page.get_by_role("button", name="Record MDT triage decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This action is not available")
    check_page(page, "staff-09-illegal-action-refused")

    # The manager changes the lead worker, first forgetting to choose one.
    page.goto(referral_url)
    page.get_by_role("link", name="Reassign lead worker").click()
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_page(page, "staff-10-reassign-error")
    page.get_by_label("New lead worker").select_option(label="Morgan Demo-Manager (Team manager)")
    page.get_by_label("Reason for the change").fill("Nia is on leave for a month")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("status")).to_contain_text("Lead worker changed")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Morgan Demo-Manager")
    check_page(page, "staff-11-reassigned")


# --- Person: own record, who looked at it, referrals; nobody else's record ---------------


def staff_looks_up(page: Page, name: str) -> tuple[str, str]:
    """As HATCH staff: find the person by name and open their record. Returns the URL and
    name of someone else on the same list (to try as the person later)."""
    sign_in(page, "nurse@hatch.demo")
    page.get_by_role("link", name="People", exact=True).click()
    check_page(page, "person-02-staff-people-list")
    others = page.locator("main table a")
    other = others.filter(has_not_text=name.split()[-1]).first
    other_url, other_name = other.get_attribute("href") or "", other.inner_text()
    page.get_by_label("Search by name or NHS number").fill(name)
    page.get_by_role("button", name="Search").click()
    family, given = name.split()[-1], " ".join(name.split()[:-1])
    page.get_by_role("link", name=f"{family}, {given}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    check_page(page, "person-03-staff-person-record")
    return other_url, other_name


def test_person_sees_their_record_who_looked_and_their_referrals(new_page: OpenPage) -> None:
    person = new_page()
    sign_in(person, "person1@demo")
    expect(person).to_have_url(re.compile(r"/my/$"))
    expect(person.get_by_role("heading", level=1)).to_have_text("Your record")
    name_row = person.locator(".nhsuk-summary-list__row").filter(has_text="Name")
    name = name_row.locator(".nhsuk-summary-list__value").inner_text().strip()
    check_page(person, "person-01-record")

    other_url, other_name = staff_looks_up(new_page(), name)

    person.reload()
    expect(person.get_by_role("heading", name="Who has looked at your record")).to_be_visible()
    looked = person.get_by_role("row").filter(has_text="nurse@hatch.demo")
    expect(looked.filter(has_text="looked at your details").first).to_be_visible()
    check_page(person, "person-04-record-with-access")

    person.get_by_role("link", name="My referrals").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Your referrals")
    card = person.locator(".nhsuk-card").first
    # person1 (the first demo person) has an accepted referral with a lead worker.
    expect(card).to_contain_text(f"You are being supported by {HATCH_HUB}")
    expect(card).to_contain_text("Your lead worker is")
    expect(card).not_to_contain_text(re.compile(r"\b(received|triaged|entered_in_error)\b"))
    check_page(person, "person-05-referrals")

    person.get_by_role("link", name="Ask for support").last.click()
    person.get_by_role("button", name="Send").click()
    expect(person.locator(".nhsuk-error-summary")).to_contain_text("Add at least one need")
    check_page(person, "person-06-ask-for-support-error")

    response = person.goto(other_url)
    assert response is not None and response.status in {403, 404}
    expect(person.locator("header.nhsuk-header")).to_be_visible()
    expect(person.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"You do not have permission to see this page|Page not found")
    )
    expect(person.locator("body")).not_to_contain_text(other_name.split(",")[0])
    check_page(person, "person-07-someone-elses-record")


# --- Another hub's referral is not found -------------------------------------------------


def test_staff_of_another_hub_get_not_found_for_a_hatch_referral(new_page: OpenPage) -> None:
    hatch = new_page()
    sign_in(hatch, "nurse@hatch.demo")
    first = hatch.locator("main table a").first
    referral_url, person_name = first.get_attribute("href") or "", first.inner_text()
    assert re.fullmatch(r"/referrals/\d+", referral_url)

    west_leeds = new_page()
    sign_in(west_leeds, "nurse@westleeds.demo")
    response = west_leeds.goto(referral_url)
    assert response is not None and response.status == 404
    expect(west_leeds.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(west_leeds.locator("body")).not_to_contain_text(person_name)
    check_page(west_leeds, "other-hub-referral-not-found")


# --- Forms sent empty: the NHS error summary links to the fields --------------------------


def follow_error_link(page: Page, message: str, field_id: str) -> None:
    """The summary is focused on load; its link exists and moves focus to the field."""
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, f"error link {href} points at no field"
    summary.get_by_role("link", name=message).click()
    assert focused(page)["id"] == field_id


def test_empty_forms_show_the_error_summary_linked_to_fields(page: Page) -> None:
    page.goto("/sign-in")
    check_page(page, "forms-01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    follow_error_link(page, "Enter your email address", "email")
    check_page(page, "forms-02-sign-in-error")

    sign_in(page, "admin@hatch.demo")
    page.goto("/referrals/new")
    page.get_by_role("button", name="Record referral").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    follow_error_link(page, "Enter who made the referral", "referrer_name")
    check_page(page, "forms-03-intake-error")

    # Past the form's own checks, the service's "needs" error links to the first need.
    page.get_by_label("Referrer's name").fill("Dr Demo (fictional)")
    page.get_by_label("Date received").fill(utc_today().isoformat())
    page.get_by_role("button", name="Record referral").click()
    follow_error_link(page, "Add at least one need", "needs-0-domain")
    check_page(page, "forms-04-intake-needs-error")


# --- Keyboard only: skip link, tab order, visible focus ----------------------------------


def tab_until(page: Page, reached: Callable[[dict], bool], limit: int = 30) -> list[dict]:
    """Press Tab until `reached` holds; every stop on the way must show where focus is."""
    page.wait_for_load_state("load")
    settle_header(page)
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        assert stop["visible"] and stop["focusShown"], f"focus not visible: {stops}"
        if reached(stop):
            return stops
    raise AssertionError(f"Tab never reached the target; stops: {[s['text'] for s in stops]}")


def skip_to_main(page: Page) -> None:
    """From page load, the first Tab is the skip link, shown when focused; it moves focus
    to the main content (the NHS.UK script, once loaded, focuses the target)."""
    stop = tab_until(page, lambda _: True)[0]
    assert stop["text"] == "Skip to main content" and stop["href"] == "#maincontent"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "maincontent"


def test_keyboard_only_person_journey(page: Page) -> None:
    page.goto("/sign-in")
    skip_to_main(page)
    tab_until(page, lambda stop: stop["id"] == "email")
    page.keyboard.type("person1@demo")
    tab_until(page, lambda stop: stop["id"] == "password")
    page.keyboard.type(TestingConfig.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")

    # The sign-in form was reached through the skip link, so the browser keeps #maincontent
    # across the redirect; start again from a plain load of the page.
    page.goto("/my/")
    skip_to_main(page)
    page.reload()
    # The first link to the referrals page: in the navigation, or in the page if a longer
    # navigation has folded it under "More".
    stops = tab_until(page, lambda stop: stop["href"] == "/my/referrals")
    assert stops[0]["text"] == "Skip to main content"
    assert any(stop["inNav"] and stop["text"] == "My record" for stop in stops)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your referrals")

    # Skip link, then header and navigation, then the main content, in reading order.
    stops = tab_until(page, lambda stop: stop["inMain"])
    nav = [i for i, stop in enumerate(stops) if stop["inNav"]]
    assert stops[0]["text"] == "Skip to main content" and nav and max(nav) < len(stops) - 1
    if stops[-1]["text"] != "Ask for support":
        tab_until(page, lambda stop: stop["inMain"] and stop["text"] == "Ask for support")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for support")

    tab_until(page, lambda stop: stop["tag"] == "button" and stop["text"] == "Send", limit=40)
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    tab_until(page, lambda stop: stop["text"] == "Add at least one need")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "needs-0-domain"


# --- Small screens: 320 CSS px, and 200% zoom ---------------------------------------------

# WCAG 1.4.10 reflow: content fits 320 CSS px without scrolling sideways. For 200% zoom
# (WCAG 1.4.4), Chromium zooming a 1280 px window to 200% lays the page out in a 640 CSS px
# viewport at device pixel ratio 2, so that viewport is emulated exactly; the CSS `zoom`
# property would not be equivalent, as media queries do not respond to it.
SMALL_SCREENS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}
SMALL_SCREEN_PAGES = {
    "person1@demo": [
        "/my/",
        "/my/referrals",
        "/my/care-plan",
        "/my/safety-plan",
        "/my/scores",
        "/my/care-team",
    ],
    "nurse@hatch.demo": ["/referrals/", "/people/"],
    "connector@hatch.demo": ["/caseloads/"],
    "manager@hatch.demo": ["/caseloads/teams/", "/team"],
    "person4@demo": ["/my/moving-on"],
}


@pytest.mark.parametrize("screen", SMALL_SCREENS)
def test_portal_and_triage_queue_fit_small_screens_and_200_percent_zoom(
    new_page: OpenPage, screen: str
) -> None:
    for email, paths in SMALL_SCREEN_PAGES.items():
        page = new_page(**SMALL_SCREENS[screen])
        sign_in(page, email)
        for path in paths:
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
            assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at {screen}"
            check_page(page, f"screen-{screen}-{path.strip('/').replace('/', '-')}")


# --- The other pages that exist today ----------------------------------------------------


def test_directory_accounts_and_password_pages_pass_axe(page: Page) -> None:
    sign_in(page, "sysadmin@demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    check_page(page, "other-01-admin-accounts")
    page.get_by_role("link", name="Directory").click()
    check_page(page, "other-02-directory-hubs")
    page.get_by_role("link", name="services and community offers").click()
    check_page(page, "other-03-directory-services")
    page.get_by_role("link", name="Change password").click()
    check_page(page, "other-04-change-password")
    page.get_by_role("button", name="Change password").click()
    follow_error_link(page, "Enter your current password", "current_password")
    check_page(page, "other-05-change-password-error")
