"""The header's menu on a phone, in a real browser: what a finger taps is big enough."""

import pytest
from playwright.sync_api import Browser

from tests.e2e.test_sessions import IPHONE, signed_in
from tests.factories import Factory

pytestmark = pytest.mark.e2e
TOUCH = 44  # px, WCAG 2.5.5's target size


def _opened(page):
    page.get_by_role("button", name="Menu").click()
    page.locator("#nav.show").wait_for()


def test_the_opened_menu_s_language_and_account_links_are_finger_sized(
    browser: Browser, site: str, app
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{site}/")
    _opened(page)
    for target in ("Sign in", "Register"):
        box = page.locator(".site-header-tools").get_by_role("link", name=target).bounding_box()
        assert box["height"] >= TOUCH, target
    language = page.locator(".language-menu > summary").bounding_box()
    assert language["height"] >= TOUCH
    context.close()

    person = Factory(app).user()
    context, page = signed_in(browser, site, person, IPHONE, 390)
    _opened(page)
    page.locator(".account-menu > summary").click()
    name = page.locator(".account-menu > summary").bounding_box()
    first = page.locator(".account-menu .header-menu-list a").first.bounding_box()
    language = page.locator(".language-menu > summary").bounding_box()
    assert name["height"] >= TOUCH and first["height"] >= TOUCH
    assert first["y"] >= name["y"] + name["height"]  # the list opens under its name
    assert language["y"] + language["height"] <= name["y"]  # not pushed beside it
    context.close()
