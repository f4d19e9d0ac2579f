"""The pathways, tasks, feedback and reporting pages in Chromium, each checked by axe-core
(WCAG 2.x A and AA) with the demo data, reached through the navigation as their users would."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, sign_in


def follow_nav(page: Page, label: str) -> None:
    """Follow a navigation link and wait for its page (a busy machine can be slow to load)."""
    link = page.locator("header nav, .nhsuk-header__navigation").get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)}")
    )
    href = link.first.get_attribute("href")
    if link.first.is_visible():
        link.first.click()
    else:  # folded under the header's "More" menu on a narrow layout: the same address
        page.goto(href)
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"), timeout=15_000)


def test_manager_reaches_transitions_their_tasks_and_the_indicators(page: Page) -> None:
    sign_in(page, "manager@hatch.demo")
    follow_nav(page, "Transitions")
    expect(page.locator("h1")).to_contain_text("Transitions")
    check_page(page, "manager-transitions-board")
    page.locator("main a[href^='/transitions/']").first.click()
    expect(page).to_have_url(re.compile(r"/transitions/\d+$"))
    check_page(page, "manager-transition")

    follow_nav(page, "My tasks")
    expect(page.locator("main")).to_contain_text(re.compile("Transition|Waiting time|Emergency"))
    check_page(page, "manager-tasks")

    follow_nav(page, "Indicators")
    expect(page.locator("main svg").first).to_be_visible()
    check_page(page, "manager-indicators")
    page.locator("main a[href^='/reporting/indicators/']").first.click()
    check_page(page, "manager-indicator")


def test_analyst_starts_on_the_dashboard_and_reads_the_board_pack(page: Page) -> None:
    sign_in(page, "analyst@demo")
    expect(page).to_have_url(re.compile(r"/reporting/"))
    check_page(page, "analyst-dashboard")
    page.goto("/reporting/board-pack")
    check_page(page, "analyst-board-pack")


def test_person_sees_their_move_between_services_and_can_give_feedback(page: Page) -> None:
    sign_in(page, "person4@demo")
    follow_nav(page, "Moving on")
    expect(page.locator("main")).to_contain_text(re.compile("CAMHS|adult", re.I))
    check_page(page, "person-moving-on")
    follow_nav(page, "My record")
    page.get_by_role("link", name=re.compile("how your experience")).click()
    check_page(page, "person-feedback")
    page.get_by_role("button", name=re.compile("Send|Submit|Give")).click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, "person-feedback-error")
