"""The dashboards in a real browser: Chart.js from our origin draws every chart from its
JSON block (no inline script, nothing blocked by the Content-Security-Policy), the regions'
map initialises, and the tables sort."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_main_journey import sign_in
from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.e2e


def test_the_network_dashboard_draws_its_charts(page: Page, site: str, app):
    make = Factory(app)
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    for region in ("KZ-75", "KZ-75", "KZ-71"):
        make.request_in("completed", inventor, staff, region=region, centre="kbtu")
    coordinator = make.user("coordinator")
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(site) else None)

    sign_in(page, site, coordinator.email, PASSWORD)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Network dashboard")).to_be_visible()
    expect(page.locator("#fig-received")).to_have_text("3")
    for chart in ("chart-per-month-data", "chart-on-time-data", "chart-turnaround-data",
                  "chart-satisfaction-data"):  # fmt: skip
        canvas = page.locator(f'canvas[data-source="{chart}"]')
        expect(canvas).to_be_visible()
        # dashboard_charts.js draws once its deferred scripts have run: wait for that, not a time.
        page.wait_for_function("c => Boolean(c.chart) && c.width > 0", arg=canvas.element_handle())
    # Counts tick in whole numbers, however small (three requests, not 0.5, 1, 1.5…).
    for chart, axis in (("chart-per-month-data", "y"), ("chart-turnaround-data", "x")):
        ticks = page.evaluate(
            '([source, axis]) => document.querySelector(`canvas[data-source="${source}"]`)'
            ".chart.scales[axis].ticks.map(t => t.value)",
            [chart, axis],
        )
        assert ticks and all(value == int(value) for value in ticks), (chart, ticks)
    page.wait_for_function("() => document.querySelector('#map_figures .leaflet-pane') !== null")
    received = page.locator('#by-centre th:has-text("Received") button')
    heads = page.locator("#by-centre thead th")
    expect(page.locator("#by-centre thead th[aria-sort]")).to_have_count(0)  # none sorted yet
    # Each header's button is a target of at least 24 by 24 px (WCAG 2.5.8); it was 23 high.
    for button in page.locator("table thead .sort-button").all():
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (button.inner_text(), box)
    received.click()
    expect(heads.nth(1)).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#by-centre + [role=status]")).to_have_text(
        "Sorted by Received, lowest first"
    )
    received.click()
    expect(page.locator("#by-centre thead th[aria-sort]")).to_have_count(1)  # that one only
    expect(page.locator("#by-centre + [role=status]")).to_have_text(
        "Sorted by Received, highest first"
    )
    expect(page.locator("#by-centre tbody tr").first).to_contain_text(
        "Kazakh-British Technical University"
    )
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert [url for url in foreign if "tile" not in url] == []
    # Printed, the page's buttons go, but not the tables' headings they are (print.css).
    page.emulate_media(media="print")
    expect(page.locator("#by-centre thead").get_by_text("Received")).to_be_visible()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()


def test_on_a_phone_the_cards_sort_from_a_select(page: Page, site: str, app):
    """On a phone the tables are cards, and their sorting headers are hidden: a select
    above the cards offers the same orders, and the order the page came in."""
    make = Factory(app)
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    for _ in range(2):
        make.request_in("completed", inventor, staff, centre="kbtu")
    coordinator = make.user("coordinator")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, coordinator.email, PASSWORD)
    page.goto(f"{site}/office/dashboard")
    cards = page.locator("#by-centre tbody tr")
    as_came = cards.all_inner_texts()
    # Each select says which table it sorts: the page has several.
    order = page.get_by_label("Sort by, Figures per centre", exact=True)
    expect(order).to_be_visible()
    assert "Received: highest first" in order.locator("option").all_inner_texts()

    order.select_option(label="Received: highest first")
    expect(cards.first).to_contain_text("Kazakh-British Technical University")
    expect(page.locator("#by-centre + [role=status]")).to_have_text(
        "Sorted by Received, highest first"
    )
    expect(page.locator("#by-centre thead th[aria-sort=descending]")).to_have_count(1)
    order.select_option(label="Centre: Z to A")
    names = page.locator("#by-centre tbody th").all_inner_texts()
    assert names == sorted(names, reverse=True)
    expect(page.locator("#by-centre + [role=status]")).to_have_text("Sorted by Centre, Z to A")
    order.select_option(label="As listed")
    assert cards.all_inner_texts() == as_came
    expect(page.locator("#by-centre + [role=status]")).to_have_text("As listed")
    expect(page.locator("#by-centre thead th[aria-sort]")).to_have_count(0)

    # On a wide screen the headers sort, and the select is not shown.
    page.set_viewport_size({"width": 1280, "height": 844})
    expect(order).to_be_hidden()
    page.locator('#by-month th:has-text("Month") button').click()
    expect(page.locator("#by-month + [role=status]")).to_have_text(
        "Sorted by Month, earliest first"
    )
