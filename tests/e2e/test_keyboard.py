"""With a keyboard only: a form sent back with errors leads to them, the skip link shows,
and a menu Tabbed out of closes rather than covering what has the focus."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_main_journey import sign_in
from tests.factories import Factory

pytestmark = pytest.mark.e2e

FOCUSED_IN_VIEW = """() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
}"""


@pytest.mark.parametrize(("language", "prefix"), [("kk", "Қате: "), ("en", "Error: ")])
def test_a_form_sent_back_with_errors_takes_the_focus_to_its_summary(
    page: Page, site, app, language, prefix
):
    """The password form sits two screens down the account page on a phone."""
    person = Factory(app).user("inventor")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, person.email, person.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    page.goto(f"{site}/account")
    page.locator("#current_password").fill("not-the-password")
    page.locator("#new_password").fill("short")
    page.locator("#confirm").fill("other")
    page.locator("#confirm").press("Enter")

    summary = page.locator("[data-form-problems]")
    expect(summary).to_be_focused()
    page.wait_for_function(FOCUSED_IN_VIEW)
    assert page.title().startswith(prefix)
    # Each error links to its field.
    summary.locator('a[href="#new_password"]').click()
    expect(page.locator("#new_password")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_skip_link_shows_above_the_header_when_focused(page: Page, site):
    page.goto(f"{site}/centres")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    topmost = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a.skip-link') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert topmost, "the header is painted over the skip link"


def test_a_menu_tabbed_out_of_closes(page: Page, site, app):
    make = Factory(app)
    staff = make.user("staff", centre="kbtu")
    reference = make.request_in("in_progress", make.user("inventor"), staff)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, staff.email, staff.password)
    page.goto(f"{site}/requests/{reference}")
    menu = page.locator("details.action-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    for _item in range(menu.locator(".action-menu-list a").count() + 1):
        page.keyboard.press("Tab")
    assert not menu.evaluate("element => element.contains(document.activeElement)")
    expect(menu).not_to_have_attribute("open", "")


def _serious(page: Page) -> list[str]:
    from tests.e2e.test_every_page import SERIOUS, _axe

    violations = _axe.run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in violations
            if v["impact"] in SERIOUS]  # fmt: skip


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_forms_in_their_error_states_pass_axe(page: Page, site, app, language):
    """The tour audits pages as first loaded; errors are red text on tinted boxes."""
    make = Factory(app)
    inventor = make.user("inventor")
    reference = make.request_in("awaiting_inventor", inventor, make.user("staff", centre="kbtu"))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, inventor.email, inventor.password)
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})
    page.goto(f"{site}/requests/new")
    page.locator("main form[enctype] [type=submit]").last.click()
    expect(page.locator("[data-form-problems]")).to_be_focused()
    problems = _serious(page)
    page.goto(f"{site}/requests/{reference}")
    page.locator("form[action$='/reply'] [type=submit]").last.click()
    expect(page.locator("[data-form-problems]")).to_be_focused()
    assert not problems + _serious(page)


@pytest.mark.parametrize("path", ["/office", "/office/centres"])
def test_the_office_pages_fit_a_320_px_screen_in_kazakh(page: Page, site, app, path):
    coordinator = Factory(app).user("coordinator")
    page.set_viewport_size({"width": 320, "height": 700})
    sign_in(page, site, coordinator.email, coordinator.password)
    page.request.post(f"{site}/locale", form={"locale": "kk", "next": "/"})
    page.goto(site + path)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow];
}"""


def tab_to(page: Page, selector: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


BLACK, YELLOW = "rgb(11, 12, 12)", "rgb(255, 209, 102)"


@pytest.mark.parametrize(
    ("selector", "outer"),
    [(".site-header input", YELLOW), (".site-header a.nav-link", YELLOW),
     ("main .form-select", BLACK), ("main .btn", BLACK), ("main a:not(.btn)", BLACK)],
    ids=["the header's reference box", "a header link", "a select", "a button", "a link"],
)  # fmt: skip
def test_the_focus_shows_as_a_white_ring_in_a_dark_one(page: Page, site, app, selector, outer):
    """Bootstrap's pale blue glow (about 1.4:1 on white, all but invisible on the header's
    blue) won over our outline on fields and buttons; links had a yellow one (1.6:1). On
    the header's blue the outer ring is yellow."""
    page.emulate_media(reduced_motion="reduce")  # Bootstrap's rings fade in otherwise
    person = Factory(app).user("staff")
    sign_in(page, site, person.email, person.password)
    page.goto(site + "/desk")
    tab_to(page, selector)
    assert page.evaluate(RING) == ["solid", "2px", "rgb(255, 255, 255)", f"{outer} 0px 0px 0px 4px"]


def test_the_arrows_drawn_beside_menus_are_not_read_out(page: Page, site, app):
    """A screen reader read "Language: English ▾" and "More actions ▾": the arrows are
    drawn by CSS with an empty text alternative."""
    person = Factory(app).user("inventor")
    sign_in(page, site, person.email, person.password)
    page.goto(f"{site}/requests")
    menus = page.locator("details.header-menu > summary")
    expect(menus.first).to_be_attached()
    for menu in menus.all():
        assert "▾" in menu.evaluate("e => getComputedStyle(e, '::after').content")
        expect(menu).not_to_have_accessible_name(re.compile("▾"))


def test_what_a_page_says_on_coming_back_takes_the_focus(page: Page, site):
    """A message there when the page loaded ("Please sign in to open this page.") was not
    read by a screen reader unless asked: it takes the focus, as a form's errors do."""
    page.goto(f"{site}/requests")  # sends a visitor to sign in, saying why
    message = page.locator("[data-page-message]")
    expect(message).to_contain_text("Please sign in")
    expect(message).to_be_focused()
    page.keyboard.press("Tab")  # and the form follows it
    expect(page.locator("main :focus")).to_have_count(1)


def test_a_message_does_not_take_the_focus_from_a_menu_opened_first(page: Page, site, app):
    """CI once clicked the account menu before the page had finished loading: the message
    then took the focus, which closed the menu under the pointer. Here a script opens the
    menu just before the page's own scripts start, as a quick person would."""
    person = Factory(app).user("inventor")
    sign_in(page, site, person.email, person.password)
    page.goto(f"{site}/account")
    page.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => {
            if (!document.querySelector("[data-page-message]")) return;
            const summary = document.querySelector("details.account-menu > summary");
            summary.parentElement.open = true;
            summary.focus();
        });"""
    )
    page.get_by_role("button", name="Save", exact=True).click()  # comes back saying so
    expect(page.locator("[data-page-message]")).to_contain_text("Your account is saved.")
    expect(page.locator("details.account-menu > summary")).to_be_focused()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
