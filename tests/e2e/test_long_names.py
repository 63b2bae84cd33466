"""A name of one long word (the name field takes 120 letters, and nothing stops a person
from typing them without a space) wraps on every page that shows it, on a phone and a
desktop: none of them scrolls sideways. Screenshots go to tests/e2e/screenshots/names/
(not committed), to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.test_main_journey import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).parent / "screenshots" / "names"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
LONG_NAME = ("Әлия" + "Нұрланқызы" * 11 + "Ж" * 6)[:120]


@pytest.fixture
def long_named(site, app):
    """An inventor and a staff member with long one-word names, a request between them
    with a message each way and a note, and the office's coordinator."""
    make = Factory(app)
    inventor = make.user("inventor", name=LONG_NAME)
    staff = make.user("staff", centre="kbtu", name=LONG_NAME[::-1])
    reference = make.request_in("in_progress", inventor, staff)
    make.act(staff, reference, "ask", text="Қай елде патенттелген?")
    make.act(inventor, reference, "reply", text="Қазақстанда ғана.")
    make.act(staff, reference, "note", text="Тек әріптестер үшін.")
    return {"inventor": inventor, "staff": staff, "coordinator": make.user("coordinator"),
            "reference": reference}  # fmt: skip


PAGES = {
    "inventor": ["/requests/{reference}", "/requests", "/account"],
    "staff": ["/requests/{reference}", "/desk", "/desk/dashboard"],
    "coordinator": ["/office", "/office/staff", "/office/audit"],
}


@pytest.mark.parametrize("who", PAGES)
def test_a_long_one_word_name_wraps_on_every_page_that_shows_it(page: Page, site, long_named,
                                                                 who):  # fmt: skip
    person = long_named[who]
    sign_in(page, site, person.email, person.password)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = []
    for path in PAGES[who]:
        path = path.format(reference=long_named["reference"])
        for name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(site + path)
            shot = f"{who}-{path.strip('/').replace('/', '-')}-{name}.png"
            page.screenshot(path=str(SHOTS / shot), full_page=True)
            extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if extra > 0:
                wide.append(f"{path} at {width} px: {extra} px wider than the screen")
    assert not wide, "\n".join(wide)


LONG_TITLE = "Полиметилметакрилатфторэтиленпропиленгексафторпропиленоксидсополимер" * 2


def test_a_long_one_word_title_breaks_inside_its_two_lines_in_the_lists(page: Page, site, app):
    """A list clips a title to two lines with an ellipsis; a word longer than the column
    once ran past its edge instead, hidden, with no ellipsis to say there is more (seen on
    a phone, where there is no pointer to show the title's tooltip)."""
    make = Factory(app)
    inventor, staff = make.user("inventor"), make.user("staff", centre="kbtu")
    make.request(inventor, title=LONG_TITLE)
    hidden = []
    for person, path in [(inventor, "/requests"), (staff, "/desk")]:
        page.context.clear_cookies()
        sign_in(page, site, person.email, person.password)
        for width, height in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(site + path)
            clip = page.locator(".list-table .clip", has_text=LONG_TITLE[:20]).first
            past = clip.evaluate("element => element.scrollWidth - element.clientWidth")
            if past > 0:
                hidden.append(f"{path} at {width} px: {past} px of the title past its edge")
    assert not hidden, "\n".join(hidden)
