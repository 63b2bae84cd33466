"""Signing out one other device from the account page, in a real browser: the list names
each browser and system, fits a phone, and the device signed out is signed out at its
next page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.factories import Factory

pytestmark = pytest.mark.e2e

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"


def signed_in(browser: Browser, site: str, person, agent: str, width: int):
    context = browser.new_context(
        user_agent=agent, viewport={"width": width, "height": 844}, locale="en-GB"
    )
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{site}/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def test_a_phone_signs_out_the_laptop_from_the_account_page(browser: Browser, site: str, app):
    person = Factory(app).user("inventor")
    laptop, laptop_page = signed_in(browser, site, person, WINDOWS_FIREFOX, 1280)
    phone, page = signed_in(browser, site, person, IPHONE, 390)
    try:
        page.goto(f"{site}/account")
        this_one = page.locator("li", has_text="Safari on iPhone")
        expect(this_one.get_by_text("this browser")).to_be_visible()
        expect(this_one.get_by_role("button")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        violations = Axe().run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []

        page.locator("li", has_text="Firefox on Windows").get_by_role(
            "button", name="Sign out this device"
        ).click()
        expect(page.get_by_text("“Firefox on Windows” is signed out.")).to_be_visible()
        expect(page.get_by_text("Firefox on Windows", exact=True)).to_have_count(0)

        laptop_page.goto(f"{site}/account")
        expect(laptop_page).to_have_url(re.compile(r"/login"))
        page.goto(f"{site}/account")
        expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    finally:
        laptop.close()
        phone.close()
