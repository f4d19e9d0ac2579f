"""More journeys end to end in Chromium: the wellbeing connector, the manager, the person's plans.

Like tests/e2e/test_journeys.py, each signs in as its user with the demo password, goes only
through the real pages, and runs axe-core (WCAG 2.x A and AA) on every page it visits, error
states included. They share the session's live server and demo data, so none of them relies
on anything another journey changes (lead workers, care teams, suggestions).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import check_page, sign_in

SUPPORT_LOG = re.compile(r"/support/people/(\d+)$")


def error_summary_shown(page: Page) -> None:
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()


# --- Wellbeing connector: caseload, quick log, activity types, signposting ----------------


def test_connector_quick_logs_a_contact_and_signposts_from_their_caseload(page: Page) -> None:
    sign_in(page, "connector@hatch.demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.locator("main")).to_contain_text(re.compile(r"weighted \d+"))
    check_page(page, "connector-01-caseload")

    person_link = page.locator("main table a[href^='/support/people/']").first
    name = person_link.inner_text().strip()
    match = SUPPORT_LOG.search(person_link.get_attribute("href") or "")
    assert match, "the caseload links each person to their support log"
    person_id = match.group(1)
    log_button = page.get_by_role("button", name=f"Log contact with {name}")

    # The quick log without the minutes: the full form comes back with the error.
    log_button.click()
    error_summary_shown(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    check_page(page, "connector-02-quick-log-error")

    page.go_back()
    page.locator(f"#mode-{person_id}").select_option(label="Phone")
    page.locator(f"#duration-{person_id}").fill("25")
    page.get_by_role("button", name=f"Log contact with {name}").click()
    expect(page.get_by_role("status")).to_contain_text("Contact logged")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Contact on "))
    check_page(page, "connector-03-contact-details")

    # Expand it: what was done (the activity types), where, and the next step.
    page.get_by_label("Where").fill("The library (e2e)")
    page.get_by_label("Benefits or money advice").check()
    page.get_by_label("Link to a community group").check()
    page.get_by_label("Next step", exact=True).fill("Go with them to the walking group (e2e)")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status")).to_contain_text("Contact details saved")
    expect(page).to_have_url(SUPPORT_LOG)
    contact_row = page.get_by_role("row").filter(has_text="The library (e2e)")
    expect(contact_row).to_contain_text("Benefits or money advice")
    expect(contact_row).to_contain_text("Link to a community group")
    check_page(page, "connector-04-support-log-with-contact")

    # Signpost: search the offers for this person, choose one.
    page.get_by_role("link", name="Find a community offer").first.click()
    expect(page.locator("main")).to_contain_text(f"For {name}")
    check_page(page, "connector-05-offers-for-person")
    signpost_link = page.get_by_role("link", name=re.compile(rf"^Signpost {name} to this")).first
    offer = (signpost_link.inner_text().split(":", 1)[-1]).strip()
    signpost_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signpost to a community offer")
    check_page(page, "connector-06-signpost")

    # Sent without an offer: the error summary; then with it.
    offer_select = page.get_by_label("Community offer or service")
    offer_select.select_option(value="")
    page.get_by_role("button", name="Record signposting").click()
    error_summary_shown(page)
    check_page(page, "connector-07-signpost-error")
    page.get_by_label("Community offer or service").select_option(label=offer)
    follow_up = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14)
    page.get_by_label("Follow up on").fill(follow_up.isoformat())
    page.get_by_label("Note").fill("Signposted in the e2e journey")
    page.get_by_role("button", name="Record signposting").click()
    expect(page.get_by_role("status")).to_contain_text("Signposting recorded")

    # Both are on the person's support log.
    expect(page).to_have_url(re.compile(rf"/support/people/{person_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    signposted = page.get_by_role("row").filter(has_text="Signposted in the e2e journey")
    expect(signposted).to_contain_text(offer)
    expect(signposted).to_contain_text("Not yet")
    expect(page.get_by_role("row").filter(has_text="The library (e2e)")).to_contain_text(
        "Benefits or money advice"
    )
    check_page(page, "connector-08-support-log-with-signposting")


# --- Manager: weighted caseloads, breaches, moving a person to another worker -------------


def worker_row(page: Page, role: str) -> Locator:
    return (
        page.locator("#workers ~ .app-table-scroll table")
        .first.get_by_role("row")
        .filter(has_text=role)
    )


def people_count(page: Page, role: str) -> int:
    return int(worker_row(page, role).locator("td").nth(1).inner_text())


def test_manager_sees_weighted_caseloads_and_breaches_and_moves_a_person(page: Page) -> None:
    from_role, to_role = "Occupational therapist", "Social worker"
    sign_in(page, "manager@hatch.demo")
    page.get_by_role("link", name="Hub caseloads").click()
    expect(page.locator("main .nhsuk-caption-l")).to_have_text("Hub caseloads")
    hub_url = page.url
    # The weighting is stated, and each worker has a weighted caseload.
    expect(page.locator("main")).to_contain_text("How the weighting works.")
    expect(page.get_by_role("columnheader", name="Weighted by need")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        re.compile(r"\d+ open referrals?: \d+ past the standard, \d+ due within a week")
    )
    expect(page.get_by_role("heading", name="No contact in 28 days")).to_be_visible()
    check_page(page, "manager-01-hub-caseloads")
    before_from, before_to = people_count(page, from_role), people_count(page, to_role)
    from_name = worker_row(page, from_role).locator("td a").first.inner_text().strip()
    to_name = worker_row(page, to_role).locator("td a").first.inner_text().strip()
    assert before_from > 0

    worker_row(page, from_role).get_by_role("link", name=f"Move people from {from_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move people between workers")
    check_page(page, "manager-02-move-people")

    # Sent with nobody chosen, no new worker and no reason: the error summary.
    page.get_by_role("button", name="Move the people chosen").click()
    error_summary_shown(page)
    check_page(page, "manager-03-move-people-error")

    people = page.locator("main form[method='post'] .nhsuk-checkboxes__item")
    label = people.first.locator("label").inner_text()
    person_name = label.split(":", 1)[0].replace(" (lead worker)", "").strip()
    people.first.locator("input").check()
    target = page.get_by_label("Move them to")
    option = target.locator("option").filter(has_text=to_name).first.get_attribute("value")
    target.select_option(value=option)
    page.get_by_label("Reason").fill("Rebalancing caseloads by need (e2e)")
    page.get_by_role("button", name="Move the people chosen").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Moved 1 person from {from_name} to {to_name}"
    )
    expect(page).to_have_url(hub_url)
    assert people_count(page, from_role) == before_from - 1
    assert people_count(page, to_role) in {before_to, before_to + 1}
    check_page(page, "manager-04-moved")

    # The person is now on the new worker's caseload.
    worker_row(page, to_role).get_by_role("link", name=to_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload of {to_name}")
    expect(page.locator("main table").first.get_by_role("link", name=person_name)).to_be_visible()
    check_page(page, "manager-05-new-worker-caseload")


# --- Person: agreed care plan and safety plan, a suggested change, the PDF, who looked ----


def test_person_sees_their_plans_suggests_a_change_and_downloads_the_pdf(page: Page) -> None:
    sign_in(page, "person1@demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")

    page.get_by_role("link", name="My care plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your care plan")
    expect(page.locator("main")).to_contain_text(re.compile(r"Version \d+, agreed with you on"))
    check_page(page, "plans-01-care-plan")

    page.get_by_role("link", name="My safety plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your safety plan")
    expect(page.locator("main")).to_contain_text("This is the safety plan you agreed")
    check_page(page, "plans-02-safety-plan")

    # Suggest a change: sent empty first, then with a section and the words.
    page.get_by_role("link", name="Suggest a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Suggest a change to your safety plan"
    )
    check_page(page, "plans-03-suggest-change")
    page.get_by_role("button", name="Send to my care team").click()
    error_summary_shown(page)
    check_page(page, "plans-04-suggest-change-error")
    page.get_by_label("Which part of your safety plan?").select_option(label="What keeps me going")
    suggestion = "My dog, and the allotment on Sundays (e2e)"
    page.get_by_label("What you would like it to say").fill(suggestion)
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your care team will look at your suggestion"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Your safety plan")
    suggested = page.get_by_role("row").filter(has_text=suggestion)
    expect(suggested).to_contain_text("What keeps me going")
    expect(suggested).to_contain_text("Waiting for your care team")
    check_page(page, "plans-05-suggestion-sent")

    # The PDF, downloaded through the link on the page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download it as a PDF to keep on your phone").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF")

    # Who has looked at the record: their own download is listed.
    page.get_by_role("link", name="My record").first.click()
    expect(page.get_by_role("heading", name="Who has looked at your record")).to_be_visible()
    downloaded = page.get_by_role("row").filter(has_text="Downloaded your safety plan")
    expect(downloaded.first).to_contain_text("You")
    check_page(page, "plans-06-who-has-looked")


def test_a_person_opening_another_persons_plan_link_gets_not_found(
    new_page: Callable[..., Page],
) -> None:
    other = new_page()
    sign_in(other, "person2@demo")
    other.get_by_role("link", name="My care plan").first.click()
    their_name = other.locator(".nhsuk-header__account-item").first.inner_text()
    href = other.locator("a.app-version-link").get_attribute("href")
    assert href and href.startswith("/my/care-plan/")

    person = new_page()
    sign_in(person, "person1@demo")
    person.goto(href)
    expect(person.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(person.locator("main")).not_to_contain_text(their_name.split(" (")[0])
    check_page(person, "plans-other-persons-link-not-found")
