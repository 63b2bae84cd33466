"""The directory in a real browser: "Use my position" sends the browser's position and
the centres come back with their distances, nearest first."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.e2e
ATYRAU = {"latitude": 47.1, "longitude": 51.92}


def test_use_my_position_lists_the_centres_nearest_first(browser: Browser, site: str):
    context = browser.new_context(
        locale="en-GB", geolocation=ATYRAU, permissions=["geolocation"], base_url=site
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/centres")

    with page.expect_navigation():
        page.get_by_role("button", name="Use my position").click()

    assert errors == []
    query = parse_qs(urlsplit(page.url).query)
    assert query["lat"] == ["47.1000"] and query["lon"] == ["51.9200"]
    assert "submit" not in query  # the button's label stays out of the shared URL
    distances = page.locator(".centre-card .distance")
    expect(distances.first).to_be_visible()
    kilometres = [int(text.split()[0].replace(",", "")) for text in distances.all_inner_texts()]
    assert len(kilometres) == page.locator(".centre-card").count() > 1
    assert kilometres == sorted(kilometres)
    expect(page.locator(".centre-card h2").first).to_contain_text("Atyrau")
    context.close()


def test_apply_leaves_no_button_label_in_the_url(page, site: str):
    page.goto(f"{site}/centres")
    page.get_by_label("Search", exact=True).fill("university")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["university"]}


def test_a_position_not_shared_is_said_aloud(browser: Browser, site: str):
    """Without the permission the message appears as an alert, which screen readers read."""
    context = browser.new_context(locale="en-GB", base_url=site)
    page = context.new_page()
    page.goto("/centres")
    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_role("alert")).to_have_text("Your browser did not share your position.")
    context.close()


def test_on_a_phone_the_first_centres_come_before_the_filters(browser: Browser, site: str):
    context = browser.new_context(
        locale="en-GB", base_url=site, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/centres")
    filters = page.locator("details.filters-disclosure")
    expect(filters).not_to_have_attribute("open", "")
    first = page.locator(".centre-card").first
    assert first.bounding_box()["y"] < 844  # on the first screen
    page.get_by_text("Search and filters").click()
    expect(page.get_by_label("Search", exact=True)).to_be_visible()
    page.goto("/centres?lat=100&lon=1")  # a filter that is wrong stays in view
    expect(filters).to_have_attribute("open", "")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/centres")  # a wider screen shows them open
    expect(page.get_by_label("Search", exact=True)).to_be_visible()
    context.close()
