"""The request page on a phone and a desktop, in each language: the "More actions" menu
opens wholly on the screen, and an internal note's badge wraps instead of widening the
page. Screenshots go to tests/e2e/screenshots/layout/ (not committed), to look at."""

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.test_main_journey import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).parent / "screenshots" / "layout"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

# The menu's box and each entry's, and how much of each entry's text is hidden.
BOXES = """(() => {
    const box = element => {
        const r = element.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    const list = document.querySelector(".action-menu-list");
    return {menu: box(list), entries: [...list.querySelectorAll("a")].map(a => ({
        text: a.textContent.trim(), ...box(a), hidden: a.scrollWidth - a.clientWidth}))};
})()"""


@pytest.fixture
def staff_request(site, app):
    """A staff member's request in progress with an internal note: the longest menu."""
    make = Factory(app)
    staff = make.user("staff", centre="kbtu", name="Дәурен Сәрсенов")
    reference = make.request_in("in_progress", make.user("inventor"), staff)
    make.act(staff, reference, "note", text="Тек әріптестер үшін.")
    return staff, reference


@pytest.fixture
def long_titled(app, staff_request):
    """Another of theirs, whose title fills the heading: the button goes under it."""
    staff, _reference = staff_request
    title = "Өздігінен жылитын кірпіш " * 6 + "Ө" * 50
    return Factory(app).request_in("in_progress", Factory(app).user("inventor"), staff,
                                   title=title[:200])  # fmt: skip


def open_as(page: Page, site: str, staff, language: str) -> None:
    sign_in(page, site, staff.email, staff.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    SHOTS.mkdir(parents=True, exist_ok=True)


def wider_than_the_screen(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_more_actions_menu_opens_wholly_on_the_screen(page: Page, site, staff_request,
                                                         long_titled, language):  # fmt: skip
    staff, reference = staff_request
    open_as(page, site, staff, language)
    problems = []
    for (name, (width, height)), (title, ref) in itertools.product(
        WIDTHS.items(), {"short": reference, "long": long_titled}.items()
    ):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{site}/requests/{ref}")
        page.locator("details.action-menu > summary").click()
        name = f"{name}-{title}"
        page.screenshot(path=str(SHOTS / f"menu-{language}-{name}.png"))
        boxes = page.evaluate(BOXES)
        menu = boxes["menu"]
        if menu["left"] < 0 or menu["right"] > width:
            problems.append(f"{name}: the menu spans {menu['left']}…{menu['right']} px")
        for entry in boxes["entries"]:
            if entry["left"] < 0 or entry["right"] > width or entry["hidden"] > 0:
                problems.append(f"{name}: «{entry['text']}» is cut off: {entry}")
        if menu["top"] < page.locator("details.action-menu > summary").bounding_box()["y"]:
            problems.append(f"{name}: the menu opens above its button")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_internal_notes_badge_wraps_within_a_phones_screen(page: Page, site, staff_request,
                                                              language):  # fmt: skip
    staff, reference = staff_request
    open_as(page, site, staff, language)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/requests/{reference}")
    badge = page.locator(".entry.note .badge").first
    badge.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"note-{language}-phone.png"))
    note = page.locator(".entry.note").first.bounding_box()
    box = badge.bounding_box()
    assert wider_than_the_screen(page) <= 0
    assert box["x"] >= note["x"] and box["x"] + box["width"] <= note["x"] + note["width"]
    assert badge.evaluate("b => b.scrollWidth <= b.clientWidth")  # nothing of it hidden
