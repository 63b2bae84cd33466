"""The header's menu in a real browser: on a phone what a finger taps is big enough; on a
wide screen a long name cut short in the header is whole in its menu."""

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_sessions import IPHONE, WINDOWS_FIREFOX, signed_in
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


def test_a_long_name_cut_short_in_the_header_is_whole_in_its_menu(browser: Browser, site: str, app):
    name = "Айгерім Сейітқызы Нұрмағамбетова-Жұмабаева"
    person = Factory(app).user("staff", centre="karaganda-buketov", name=name)
    context, page = signed_in(browser, site, person, WINDOWS_FIREFOX, 1280)
    shown = page.locator(".account-menu > summary .account-name")
    assert shown.evaluate("e => e.scrollWidth > e.clientWidth")  # cut short, with "…"
    page.locator(".account-menu > summary").click()
    whole = page.locator(".account-menu .header-menu-who")
    expect(whole).to_have_text(f"Signed in as {name}")
    assert whole.evaluate("e => e.scrollWidth <= e.clientWidth")
    box, viewport = whole.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    context.close()

    # On a phone the name, on its own line in the opened navigation, is whole: no need to
    # say it again in its menu.
    context, page = signed_in(browser, site, person, IPHONE, 390)
    _opened(page)
    page.locator(".account-menu > summary").click()
    shown = page.locator(".account-menu > summary .account-name")
    assert shown.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(shown).to_have_text(name)
    expect(page.locator(".account-menu .header-menu-who")).to_be_hidden()
    context.close()


def test_escape_folds_the_phone_menu_after_closing_a_menu_inside_it(
    browser: Browser, site: str, app
):
    """Escape first closes the language list open inside the phone's menu, then the menu
    itself, the focus back on the button that opened it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{site}/")
        _opened(page)
        page.locator(".language-menu > summary").click()
        page.keyboard.press("Escape")
        expect(page.locator(".language-menu")).not_to_have_attribute("open", "")
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # still open
        page.keyboard.press("Escape")
        expect(page.locator("#nav")).not_to_have_class(re.compile(r"\bshow\b"))
        expect(page.get_by_role("button", name="Menu")).to_be_focused()
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()


def test_escape_in_the_go_to_field_empties_it_before_folding_the_phone_menu(
    browser: Browser, site: str, app
):
    person = Factory(app).user("staff", centre="kbtu")
    context, page = signed_in(browser, site, person, IPHONE, 390)
    try:
        _opened(page)
        field = page.locator("#go-to-reference")
        field.fill("2026-4")
        field.press("Escape")
        expect(field).to_have_value("")
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # still open
        field.press("Escape")
        expect(page.locator("#nav")).not_to_have_class(re.compile(r"\bshow\b"))
    finally:
        context.close()
