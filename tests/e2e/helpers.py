"""What the journeys do to pages: sign in and out, accessibility checks, screenshots."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from hubs.config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what NHS services must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page: Page, email: str) -> None:
    """Sign in through the real form with the demo password, and land on the start page."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TestingConfig.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `make assets` (npm ci)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def axe_check(page: Page, name: str) -> None:
    """Run axe-core on the page as it is now with the WCAG 2.x A/AA rules; expect none broken.

    The app's CSP (`script-src 'self'`) refuses inline scripts, so `page.add_script_tag`
    (an inline <script>) is blocked. `page.evaluate` runs through the DevTools protocol,
    which the page's CSP does not govern, so axe is injected that way and the pages are
    checked under their real policy (no `bypass_csp`)."""
    # A click resolves once the next page starts; check it styled and scripted, as seen.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """tags => window.axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => ({violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))
            }))}))""",
        WCAG_TAGS,
    )
    violations = results["violations"]
    assert not violations, f"axe: {len(violations)} violation(s) on {name} ({page.url}):\n" + (
        _describe(violations)
    )


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot to tests/e2e/artifacts/ for people to review."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_page(page: Page, name: str) -> None:
    """Every page a journey visits: accessibility, then a screenshot."""
    axe_check(page, name)
    screenshot(page, name)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it reflows)."""
    return int(
        page.evaluate(
            "() => document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def settle_header(page: Page) -> None:
    """Wait for the header's first layout pass to finish. The NHS.UK header observes its
    navigation list; the observer's first callback (always sent after `observe`) makes it
    re-append every item on the next animation frame, which can land after the load event.
    A Tab pressed before then is lost to the body when its link is moved: a person at human
    speed never sees it, a test pressing Tab at once sometimes did."""
    page.evaluate(
        """async () => {
            const nav = document.querySelector('.nhsuk-header__navigation');
            if (!nav) return;
            const frame = () => new Promise((done) => requestAnimationFrame(done));
            let last = null, same = 0;
            for (let i = 0; i < 120 && same < 3; i++) {
                await frame();
                same = nav.innerHTML === last ? same + 1 : 0;
                last = nav.innerHTML;
            }
        }"""
    )


def focused(page: Page) -> dict[str, Any]:
    """The focused element: tag, id, text, href, where it is, and whether focus shows."""
    return dict(
        page.evaluate(
            r"""() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                // NHS.UK draws focus as a yellow box-shadow or outline; its transparent
                // outline only serves Windows high-contrast mode and does not count here.
                const transparent = /rgba\(.*,\s*0\)$|transparent/.test(style.outlineColor);
                const outline = style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) > 0 && !transparent;
                return {
                    tag: el.tagName.toLowerCase(), id: el.id,
                    text: (el.innerText || el.value || '').trim().slice(0, 80),
                    href: el.getAttribute('href'),
                    inMain: !!el.closest('main'), inHeader: !!el.closest('header'),
                    inNav: !!el.closest('.nhsuk-header__navigation'),
                    visible: box.width > 1 && box.height > 1,
                    focusShown: outline || (style.boxShadow && style.boxShadow !== 'none'),
                };
            }"""
        )
    )
