"""The request lists in each language, on a desktop and a phone: every service's name is
shown whole (wrapped, never cut short with an ellipsis) and no list is wider than the
screen. Screenshots go to tests/e2e/screenshots/lists/ (not committed), to look at."""

from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page

from tests.e2e.test_main_journey import sign_in
from tests.factories import Factory
from tisc.domain.catalogue import Service
from tisc.extensions import db
from tisc.formatting import list_words, service_label
from tisc.models import TrainingEvent

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).parent / "screenshots" / "lists"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

# Each cell of the column named ``label`` (the phone's cards name it beside the value):
# its text, and whether any part of it is hidden - clipped to so many lines or cut with
# an ellipsis.
CELLS = """(label) => [...document.querySelectorAll("td[data-label]")]
    .filter(cell => cell.dataset.label === label)
    .map(cell => ({
        text: cell.innerText.trim(),
        cut: [cell, ...cell.querySelectorAll("*")].some(element => {
            const style = getComputedStyle(element);
            const hides = style.overflowX !== "visible" || style.overflowY !== "visible"
                || style.textOverflow === "ellipsis";
            return hides && (element.scrollWidth > element.clientWidth
                             || element.scrollHeight > element.clientHeight);
        }),
    }))"""


@pytest.fixture
def every_service(site, app):
    """A request for each service of the catalogue, at a centre that offers them all; the
    lists their inventor, the centre's staff and the national office open."""
    make = Factory(app)
    make.centre("every-service", services=[s.value for s in Service],
                name_kk="Академик Е. А. Бөкетов атындағы Қарағанды университетінің ТИҚО",
                name_ru="ЦПТИ Карагандинского университета имени академика Е. А. Букетова",
                name_en="TISC of the Karaganda University named after E. A. Buketov")  # fmt: skip
    inventor = make.user("inventor")
    for service in Service:  # titles that take their column's room, as people's do
        title = f"Көмір шаңын басатын биоыдырайтын көбік: {service.value}"
        make.request(inventor, service=service.value, centre="every-service", title=title)
    staff = make.user("staff", centre="every-service")
    return {"inventor": (inventor, "/requests"), "staff": (staff, "/desk"),
            "coordinator": (make.user("coordinator"), "/office")}  # fmt: skip


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("role", ["inventor", "staff", "coordinator"])
def test_every_service_is_named_whole_in_the_lists(page: Page, site, app, every_service,
                                                   role, language):  # fmt: skip
    person, path = every_service[role]
    sign_in(page, site, person.email, person.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    with app.test_request_context(), force_locale(language):
        column = list_words()["service"]
        names = sorted(service_label(service) for service in Service)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(site + path)
        page.screenshot(path=str(SHOTS / f"{role}-{language}-{width_name}.png"), full_page=True)
        cells = page.evaluate(CELLS, column)
        if sorted(cell["text"] for cell in cells) != names:
            problems.append(f"{width_name}: the list names {[c['text'] for c in cells]}")
        cut = [cell["text"] for cell in cells if cell["cut"]]
        problems += [f"{width_name}: «{text}» is cut short" for text in cut]
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            problems.append(f"{width_name}: {wide}px wider than the screen")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_centres_events_are_cards_on_a_phone(page: Page, site, app, language):
    """Every part of an event, its Edit link too, on the screen: the table once scrolled
    sideways in its own box, five of its seven columns out of sight."""
    make = Factory(app)
    staff = make.user("staff", centre="kbtu")
    with app.app_context():
        db.session.add(TrainingEvent(
            centre_id=make.centre_id("kbtu"), title="Патенттік іздеу бойынша семинар",
            held_on=date(2026, 3, 12), format="workshop", language="kk", audience="students",
            participants=25,
        ))  # fmt: skip
        db.session.commit()
    sign_in(page, site, staff.email, staff.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/desk/events")
    cells = page.locator("#events tbody td")
    assert cells.count() == 7
    for cell in cells.all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell.inner_text(), box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / f"events-{language}-phone.png"), full_page=True)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_staff_accounts_name_each_centre_whole(page: Page, site, app, language):
    """Wrapped, not cut at two lines: "Академик Е. А. Бөкетов атындағы…" lost the word
    that tells the university, with the whole name in a tooltip no finger reaches."""
    make = Factory(app)
    for slug in ("karaganda-buketov", "kbtu", "atyrau-university"):
        make.user("staff", centre=slug)
    coordinator = make.user("coordinator")
    sign_in(page, site, coordinator.email, coordinator.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    with app.test_request_context(), force_locale(language):
        column = gettext("Centre")
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{site}/office/staff")
        cells = page.evaluate(CELLS, column)
        assert len(cells) == 4  # the three staff members and the coordinator
        assert not [cell["text"] for cell in cells if cell["cut"]], (width, cells)
