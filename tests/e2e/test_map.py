"""The public map in a real browser, offline: it initialises, every centre is there,
nothing comes from another origin, and hostile names stay text."""

import random
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_main_journey import sign_in
from tests.factories import PASSWORD, Factory
from tisc.extensions import db
from tisc.models import Centre, CentreService, City
from tisc.models.base import utcnow

pytestmark = pytest.mark.e2e
HOSTILE = '<img src=x onerror="window.__hacked=1">`${window.__hacked=2}`'
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def add_centres(app, count: int) -> None:
    """``count`` active centres scattered over Kazakhstan, inserted in bulk."""
    rng = random.Random(42)
    with app.app_context():
        cities = db.session.scalars(sa.select(City)).all()
        now = utcnow()
        rows = []
        for n in range(count):
            city = rng.choice(cities)
            rows.append({
                "slug": f"bulk-{n}", "kind": "tisc", "status": "active" if n % 10 else "planned",
                "name_kk": f"Орталық {n}", "name_ru": f"Центр {n}", "name_en": f"Centre {n}",
                "city_id": city.id, "lat": city.lat + rng.uniform(-0.5, 0.5),
                "lon": city.lon + rng.uniform(-0.5, 0.5), "languages": ["kk"],
                "created_at": now, "updated_at": now,
                **{f"{name}_{code}": "" for name in ("host_institution", "address", "opening_hours")
                   for code in ("kk", "ru", "en")},
                "phone": "", "email": "", "website": "", "description_kk": "", "description_ru": "",
                "description_en": "",
            })  # fmt: skip
        db.session.execute(sa.insert(Centre), rows)
        ids = db.session.scalars(sa.select(Centre.id).where(Centre.slug.like("bulk-%"))).all()
        db.session.execute(
            sa.insert(CentreService), [{"centre_id": i, "service": "training"} for i in ids]
        )
        db.session.commit()


def markers_on_map(page: Page) -> int:
    """Centres shown: single markers plus the numbers on the clusters."""
    return page.evaluate(
        """() => document.querySelectorAll('#map_network .tisc-marker').length +
                 [...document.querySelectorAll('#map_network .marker-cluster span')]
                     .reduce((sum, span) => sum + parseInt(span.textContent, 10), 0)"""
    )


def test_the_map_works_offline_with_two_thousand_centres(page: Page, site: str, app):
    add_centres(app, 2000)
    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith(site)
            and request.resource_type in ("script", "stylesheet")
            else None
        ),
    )
    page.goto(f"{site}/map")
    expect(page.locator("#map_network .leaflet-marker-icon").first).to_be_visible()
    assert page.evaluate("typeof L") == "object"
    assert markers_on_map(page) == 2000 + 4  # the four partner TISCs too
    assert foreign == []
    assert page.locator(".leaflet-control-layers").is_visible()
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map-2000-centres.png"))
    assert (SCREENSHOTS / "map-2000-centres.png").stat().st_size > 20_000


def test_a_hostile_centre_name_shows_as_text_in_its_popup(page: Page, site: str, app):
    Factory(app).centre("hostile", name=HOSTILE, city="Aktau")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{site}/map")
    markers = page.locator("#map_network .tisc-marker")
    expect(markers.first).to_be_visible()
    # Its marker by its accessible name (a DOM property: the title is never parsed as HTML).
    hostile = page.evaluate(
        """(name) => [...document.querySelectorAll('#map_network .tisc-marker')]
                .findIndex(m => m.title === name)""",
        HOSTILE,
    )
    assert hostile >= 0
    # By keyboard, as a screen-reader user would: a click can miss a marker that the map is
    # still moving into place (seen on a loaded CI machine); focus and Enter cannot.
    markers.nth(hostile).focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(HOSTILE)
    assert page.evaluate("window.__hacked") is None
    assert popup.locator("img").count() == 0
    assert dialogs == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_on_a_phone_the_attribution_leaves_the_scale_readable(page: Page, site: str, language):
    page.set_viewport_size({"width": 390, "height": 900})
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    for path in ("/map", "/centres/kbtu"):
        page.goto(site + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".leaflet-control-scale").first).to_be_visible()
        credit = page.locator(".leaflet-control-attribution").first.bounding_box()
        scale = page.locator(".leaflet-control-scale").first.bounding_box()
        beside = credit["x"] >= scale["x"] + scale["width"]
        above_or_below = (credit["y"] >= scale["y"] + scale["height"]
                          or scale["y"] >= credit["y"] + credit["height"])  # fmt: skip
        assert beside or above_or_below, (path, credit, scale)


def test_map_popups_take_the_page_s_typeface_over_leaflet_s(page: Page, site: str):
    """leaflet.css, loaded after ours, sets the map's font: a Kazakh name in a popup was set
    in Leaflet's stack, beside the page's Noto Sans."""
    page.goto(site + "/map")
    marker = page.locator(".leaflet-marker-icon").first
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    font = "el => getComputedStyle(el).fontFamily"
    assert popup.evaluate(font) == page.locator("body").evaluate(font)


def test_the_coverage_map_on_a_phone_is_shaped_like_the_country(page: Page, site: str, app):
    """Not 70vh: on a 390 px phone that was a box 591 px tall with Kazakhstan in a quarter."""
    coordinator = Factory(app).user("coordinator")
    sign_in(page, site, coordinator.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/office/coverage")
    box = page.locator("#map_coverage").bounding_box()
    assert 260 <= box["height"] <= 0.8 * 390, box  # the country is about twice as wide as tall
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/office/coverage")
    assert page.locator("#map_coverage").bounding_box()["height"] > 400


def test_on_a_phone_the_layers_list_is_folded_until_asked_for(browser: Browser, site: str, app):
    """Open, it covered the upper right quarter of a phone's map (QA, twenty-third session):
    there it is Leaflet's layers button, opened by a tap, Enter or Space (the focus then on
    its first switch) and folded by a tap on the map, Escape (the focus back on the button) or
    Tab out of it; on a wider screen the list is open."""
    coordinator = Factory(app).user("coordinator")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = phone.new_page()
        sign_in(page, site, coordinator.email, PASSWORD)
        control = page.locator(".leaflet-control-layers")
        toggle, switch = control.locator(".leaflet-control-layers-toggle"), control.locator("label")
        expanded = re.compile("leaflet-control-layers-expanded")
        for path in ("/office/coverage", "/map"):
            page.goto(site + path)
            expect(control).not_to_have_class(expanded)
            expect(switch.first).to_be_hidden()
            toggle.tap()
            expect(control).to_have_class(expanded)
            expect(switch.first).to_be_visible()
            page.locator(".leaflet-container").tap(position={"x": 20, "y": 150})
            expect(control).not_to_have_class(expanded)
            expect(toggle).to_have_attribute("aria-expanded", "false")
            toggle.focus()
            page.keyboard.press("Enter")
            expect(control).to_have_class(expanded)
            expect(switch.first.locator("input")).to_be_focused()
            page.keyboard.press("Escape")
            expect(control).not_to_have_class(expanded)
            expect(toggle).to_be_focused()
            expect(toggle).to_have_attribute("aria-expanded", "false")
            page.keyboard.press(" ")  # a button opens on Space too
            expect(control).to_have_class(expanded)
            expect(switch.first.locator("input")).to_be_focused()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            page.keyboard.press("Escape")
            page.keyboard.press("Enter")
            expect(control).to_have_class(expanded)
            for _ in range(control.locator("input").count()):
                page.keyboard.press("Tab")  # past the last switch, out of the list
            expect(control).not_to_have_class(expanded)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(site + "/office/coverage")
        expect(control).to_have_class(expanded)
    finally:
        phone.close()


def test_the_layers_switches_are_targets_a_finger_can_hit(page: Page, site: str):
    """Leaflet's lines were 21 px high with 13 px boxes, touching each other (WCAG 2.5.8
    asks at least 24 px)."""
    page.goto(site + "/map")
    labels = page.locator(".leaflet-control-layers label")
    expect(labels.first).to_be_visible()
    for label in labels.all():
        assert label.bounding_box()["height"] >= 24


def test_a_centres_marker_is_a_target_a_finger_hits(browser: Browser, site: str):
    """At least 24 by 24 px (WCAG 2.5.8) on a phone: the disc drawn is smaller, the target
    around it is not (it was 18 by 18)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)  # fmt: skip
    page = context.new_page()
    try:
        page.goto(f"{site}/map")
        marker = page.locator("#map_network .tisc-marker").first
        expect(marker).to_be_visible()
        box = marker.bounding_box()
        # To a hundredth of a pixel: a marker placed at a fraction of one measured
        # 23.99998 px wide once (the layout's rounding, not a smaller target).
        assert round(box["width"], 2) >= 24 and round(box["height"], 2) >= 24, box
        disc = marker.evaluate("m => getComputedStyle(m, '::after').width")
        assert disc == "18px"
        # The legend's swatches draw the same disc, in their own 14 px (it once took the page).
        for swatch in page.locator(".legend-marker").all():
            drawn = swatch.evaluate("m => getComputedStyle(m, '::after').width")
            assert drawn == "14px", drawn
    finally:
        context.close()
