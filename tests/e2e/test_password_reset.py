"""A forgotten password, reset with the link from the e-mail, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import Factory
from tests.mail import link_in, outbox

pytestmark = pytest.mark.e2e


def test_reset_a_forgotten_password_from_the_emailed_link(page: Page, site: str, app):
    person = Factory(app).user("inventor", name="Әлия")
    page.goto(f"{site}/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("If an account uses")).to_be_visible()

    (message,) = outbox(app, kind="password_reset", to=person.email)
    link = link_in(message)
    # The e-mail links to the configured site; follow it on the test server.
    page.goto(site + "/" + link.split("/", 3)[3])
    page.get_by_label("New password", exact=True).fill("жаңа-құпия-сөз-2026")
    page.get_by_label("Repeat the new password").fill("жаңа-құпия-сөз-2026")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password is saved. Please sign in.")).to_be_visible()

    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill("жаңа-құпия-сөз-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.account-menu > summary")).to_have_text("Әлия")

    page.goto(site + "/" + link.split("/", 3)[3])  # used: says so, with no form to fill
    expect(page.get_by_text("This link has already been used")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_have_count(0)
