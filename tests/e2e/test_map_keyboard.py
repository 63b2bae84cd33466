"""The maps by keyboard and in every language: region outlines are not Tab stops, every
stop has a name, a skip link leads past each large map, a popup takes the focus and gives
it back on Escape, and Leaflet's own texts come from our catalogues."""

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from tests.e2e.test_main_journey import sign_in
from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
    const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), inMap: e.closest('.folium-map') !== null,
            inPopup: e.closest('.leaflet-popup') !== null, title: e.title};
}"""


def in_language(app, language: str, text: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(text)


def tab_through_the_map(page: Page, map_id: str) -> list[dict]:
    """From the map's own element, Tab until the focus leaves the map: what took it."""
    page.locator(f"#{map_id}").focus()
    stops = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inMap"]:
            return stops
        expect(page.locator(":focus")).to_have_accessible_name(re.compile(r"\S"))
        stops.append(focused)
    raise AssertionError("the focus never left the map")


@pytest.mark.parametrize(
    ("path", "map_id", "role"),
    [("/map", "map_network", None), ("/office/coverage", "map_coverage", "coordinator"),
     ("/office/dashboard", "map_figures", "coordinator")],
)  # fmt: skip
def test_a_maps_tab_stops_are_named_and_skip_the_region_outlines(
    page: Page, site, app, path, map_id, role
):
    make = Factory(app)
    if role:
        make.request_in("completed", make.user(), make.user("staff"), region="KZ-75")
        sign_in(page, site, make.user(role).email, PASSWORD)
    page.goto(site + path)
    expect(page.locator(f"#{map_id} path.leaflet-interactive").first).to_be_attached()
    stops = tab_through_the_map(page, map_id)
    # Markers (div), zoom buttons and links (a), the layers' checkboxes (input): no outline.
    assert {stop["tag"] for stop in stops} <= {"div", "a", "input"}, stops


@pytest.mark.parametrize(
    ("path", "map_id", "target", "role"),
    [("/map", "map_network", "The same centres as a list", None),
     ("/office/coverage", "map_coverage", None, "coordinator"),
     ("/office/dashboard", "map_figures", None, "coordinator")],
)  # fmt: skip
def test_a_skip_link_leads_past_a_large_map(page: Page, site, app, path, map_id, target, role):
    if role:
        sign_in(page, site, Factory(app).user(role).email, PASSWORD)
    page.goto(site + path)
    skip = page.get_by_role("link", name="Skip the map")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert not focused["inMap"]
    if target:
        expect(page.locator(":focus")).to_have_accessible_name(target)
    else:  # what follows the map: the coverage's legend, the dashboard's region table
        assert page.evaluate(
            "(id) => document.getElementById(id)"
            ".compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING",
            map_id,
        )


def test_a_popup_takes_the_focus_and_escape_gives_it_back(page: Page, site):
    page.goto(f"{site}/map")
    marker = page.locator("#map_network .tisc-marker[title='Karaganda Buketov University']")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Karaganda Buketov University")
    assert page.evaluate(FOCUSED)["inPopup"]
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_accessible_name("Centre page")
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()
    # The close button gives the focus back too.
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-close-button").click()
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_leaflets_texts_are_in_the_pages_language(page: Page, site, app, language):
    def text(msgid):
        translated = in_language(app, language, msgid)
        assert translated != msgid  # a translation exists, or this test would prove nothing
        return translated

    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    page.goto(f"{site}/map")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", text("Zoom in"))
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", text("Zoom out"))
    expect(page.locator(".leaflet-control-layers-toggle")).to_have_attribute(
        "title", text("Layers")
    )
    expect(
        page.locator('.leaflet-control-attribution a[href="https://leafletjs.com"]')
    ).to_have_attribute("title", text("A JavaScript library for interactive maps"))
    scale = page.locator(".leaflet-control-scale-line")
    expect(scale).to_have_count(1)  # kilometres only, no miles
    expect(scale).to_have_text(re.compile(rf"^\d+ ({text('km')}|{text('m')})$"))

    page.locator("#map_network .tisc-marker").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute(
        "aria-label", text("Close")
    )
    page.keyboard.press("Escape")

    # Zoomed out, the centres gather into groups, each named by how many it holds.
    page.evaluate("map_network.setZoom(2, {animate: false})")
    clusters = page.locator("#map_network .marker-cluster")
    expect(clusters.first).to_be_visible()
    for cluster in clusters.all():
        count = cluster.inner_text().strip()
        expect(cluster).to_have_attribute(
            "title", text("Centres in this group: %(count)s").replace("%(count)s", count)
        )


@pytest.mark.parametrize(
    ("key", "motion"), [("Enter", "no-preference"), ("Enter", "reduce"), ("Space", "no-preference")]
)
def test_a_group_of_centres_is_named_and_opens_from_the_keyboard(page: Page, site, key, motion):
    """A group's name was its digit ("2"), and Enter did nothing (markercluster answers
    clicks only): the centres in it were out of a keyboard's reach. Without animation the
    map zooms at once, and markercluster then gives the focus to the map: it comes back."""
    page.emulate_media(reduced_motion=motion)
    page.goto(f"{site}/map")
    expect(page.locator("#map_network .tisc-marker").first).to_be_attached()
    page.evaluate("map_network.setZoom(2, {animate: false})")
    cluster = page.locator("#map_network .marker-cluster").first
    expect(cluster).to_be_visible()
    count = cluster.inner_text().strip()
    expect(cluster).to_have_accessible_name(f"Centres in this group: {count}")
    zoom = page.evaluate("map_network.getZoom()")
    cluster.evaluate("e => { e.dataset.pressed = 'yes'; }")  # told from what replaces it
    cluster.focus()
    page.keyboard.press(key)
    # Zoomed in, the focus on the group's first centre, or the smaller group holding it
    # (not the group pressed, which had the focus before: waiting on it would not wait).
    page.wait_for_function("zoom => map_network.getZoom() > zoom", arg=zoom)
    moved_to = "#map_network :focus:not([data-pressed])"
    expect(page.locator(f"{moved_to}.tisc-marker, {moved_to}.marker-cluster")).to_have_count(1)


def test_a_proposed_centre_is_named_by_its_label_and_opens_it(page: Page, site, app):
    sign_in(page, site, Factory(app).user("coordinator").email, PASSWORD)
    page.goto(f"{site}/office/coverage")
    proposal = page.locator("#map_coverage .tisc-proposal-icon").first
    name = re.compile(r"^Proposal \d: .+, \+[\d,]+ people$")  # not the disc's digit
    expect(proposal).to_have_accessible_name(name)
    proposal.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_have_text(name)


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_map_moves_without_animation_for_whoever_asks_for_less_motion(page: Page, site, motion):
    page.emulate_media(reduced_motion=motion)
    page.goto(f"{site}/map")
    expect(page.locator("#map_network .tisc-marker").first).to_be_attached()
    animated = page.evaluate(
        "[map_network.options.zoomAnimation, map_network.options.fadeAnimation,"
        " map_network.options.inertia, L.MarkerClusterGroup.prototype.options.animate]"
    )
    assert animated == ([False] * 4 if motion == "reduce" else [True] * 4)
