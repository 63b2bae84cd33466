"""Every page, for each role, in each language, at a desktop's and a phone's width:
a screenshot to look at (tests/e2e/screenshots/, not committed), axe-core's audit with
no serious or critical violation, and no page wider than the screen.

One browser context per role and language, its page reused for every address, so the
whole tour stays within a few minutes. The pages are the same on either database: the
tour runs on SQLite only.
"""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import Centre, SavedReply, ServiceRequest, User
from tisc.services import audit, demo, suspension

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
LANGUAGES = ["kk", "ru", "en"]
SERIOUS = {"serious", "critical"}
DEMO = {
    "inventor": "inventor@tisc-demo.kz",
    "staff": "staff.nu@tisc-demo.kz",
    "coordinator": "coordinator@tisc-demo.kz",
}
_axe = Axe()
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.122 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def tour(app, live_server):
    """The demo's people and requests, and every page each role opens."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the pages are the same on PostgreSQL; the tour runs once, on SQLite")
    from tests.conftest import wipe

    wipe(app)
    with app.app_context():
        demo.load_demo(app.extensions["tisc.policy"])
    _work_left_to_the_worker(app)
    _signed_in_on_a_phone_too(app)
    with app.app_context():
        pages = _pages()
    # As deployed with a worker that has not got to it yet: the pages showing what is
    # left to do must not do it themselves after their response, as they would without.
    with_worker = app.config["TISC_WORKER"]
    app.config["TISC_WORKER"] = True
    try:
        yield live_server, pages
    finally:
        app.config["TISC_WORKER"] = with_worker
    wipe(app)


def _work_left_to_the_worker(app) -> None:
    """A centre outside the demo, suspended while its request waits for the worker, and
    its staff member deactivated likewise: the suspension page and the staff table then
    show what is still to be done."""
    from tests.factories import Factory
    from tisc.services import accounts, handover

    make = Factory(app)
    make.centre("shymkent-tisc", city="Shymkent", name_en="Shymkent TISC",
                name_ru="ЦПТИ Шымкента", name_kk="Шымкент ТИҚО")  # fmt: skip
    staff = make.user("staff", centre="shymkent-tisc", name="Дәурен Сәрсенов")
    make.request_in("in_progress", make.user("inventor"), staff, centre="shymkent-tisc")
    kept = suspension.MOVED_IN_REQUEST, handover.UNASSIGNED_AT_ONCE
    suspension.MOVED_IN_REQUEST = handover.UNASSIGNED_AT_ONCE = 0
    try:
        with app.app_context():
            coordinator = db.session.scalar(
                sa.select(User).where(User.email == DEMO["coordinator"])
            )
            suspension.suspend(coordinator, "shymkent-tisc", "Closed.", make.policy)
            accounts.set_staff_active(staff.id, False, by=coordinator)
    finally:
        suspension.MOVED_IN_REQUEST, handover.UNASSIGNED_AT_ONCE = kept


def _signed_in_on_a_phone_too(app) -> None:
    """Each demo person is signed in on a phone as well: the account page lists it with
    its button to sign that device out."""
    from tisc.services import sessions

    with app.app_context():
        for email in DEMO.values():
            person = db.session.scalar(sa.select(User).where(User.email == email))
            sessions.start(person, remember=True, user_agent=PHONE)


def _pages() -> dict[str, dict[str, str]]:
    def reference(status: Status, **where) -> str | None:
        query = sa.select(ServiceRequest.reference).where(ServiceRequest.status == status)
        for column, value in where.items():
            query = query.where(getattr(ServiceRequest, column) == value)
        return db.session.scalar(query.order_by(ServiceRequest.id))

    staff = db.session.scalar(sa.select(User).where(User.email == DEMO["staff"]))
    inventor = db.session.scalar(sa.select(User).where(User.email == DEMO["inventor"]))
    mine = {"inventor_id": inventor.id}
    ours = {"centre_id": staff.centre_id}
    ours_replies = sa.select(SavedReply.id).where(SavedReply.centre_id == staff.centre_id)
    reply = db.session.scalar(ours_replies.order_by(SavedReply.id))
    any_ref = db.session.scalar(sa.select(ServiceRequest.reference).order_by(ServiceRequest.id))
    centre = db.session.scalar(sa.select(Centre.slug).where(Centre.slug == "kbtu"))
    pages = {
        "visitor": {
            "home": "/", "centres": "/centres", "centre": f"/centres/{centre}", "map": "/map",
            "login": "/login", "register": "/register", "forgot": "/password/forgot",
            "statistics": "/statistics", "api-docs": "/api/v1/docs",
        },
        "inventor": {
            "mine": "/requests", "new": "/requests/new", "account": "/account",
            "mailbox": "/account/mailbox",
            "submitted": reference(Status.SUBMITTED, **mine),
            "waiting": reference(Status.AWAITING_INVENTOR, **mine),
            "completed": reference(Status.COMPLETED, **mine),
            "declined": reference(Status.DECLINED, **mine),
            "search": "/requests?q=a", "tokens": "/account/tokens",
            "statistics": "/statistics",  # the figures kept for everyone, in their own frame
        },
        "staff": {
            "desk": "/desk", "mine": "/desk?assignee=me", "search": "/desk?q=TISC",
            "centre": "/desk/centre", "replies": "/desk/replies",
            "reply": f"/desk/replies/{reply}/edit" if reply else None,
            "new": reference(Status.SUBMITTED, **ours),
            "working": reference(Status.IN_PROGRESS, **ours),
            "waiting": reference(Status.AWAITING_INVENTOR, **ours),
            "transfer": reference(Status.SUBMITTED, **ours),
            "colleague": reference(Status.SUBMITTED, **ours),
            "account": "/account", "dashboard": "/desk/dashboard", "events": "/desk/events",
            "event": "/desk/events/new", "tokens": "/account/tokens",
        },
        "coordinator": {
            "office": "/office", "search": f"/office?q={any_ref}",
            "request": f"/office/requests/{any_ref}", "coverage": "/office/coverage",
            "centres": "/office/centres", "centre": "/office/centres/kbtu/edit",
            "suspend": "/office/centres/kbtu/suspend", "staff": "/office/staff",
            "suspended": "/office/centres/shymkent-tisc/suspend",  # its requests still moving
            "move": f"/office/staff/{staff.id}/move",
            "mail": "/office/mail", "account": "/account", "dashboard": "/office/dashboard",
            "wipo": "/office/reports/wipo", "events": "/office/events", "audit": "/office/audit",
        },
    }  # fmt: skip
    for role in ("inventor", "staff"):
        for name, path in list(pages[role].items()):
            if path and re.fullmatch(r"TISC-\d{4}-\d{5}", path):
                pages[role][name] = f"/requests/{path}"
    for name in ("transfer", "colleague"):
        if pages["staff"][name]:
            pages["staff"][name] += "?do=" + ("assign" if name == "colleague" else name)
    return {role: {k: v for k, v in paths.items() if v} for role, paths in pages.items()}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(DEMO) + ["visitor"])
def test_every_page_is_accessible_fits_the_screen_and_is_photographed(
    browser: Browser, tour, role, language
):
    site, pages = tour
    width, height = WIDTHS["desktop"]
    context = browser.new_context(viewport={"width": width, "height": height})
    # Nothing leaves the machine: map tiles and the like are not fetched.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    try:
        _sign_in(page, site, role, language)
        problems = []
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            folder = SHOTS / role / f"{language}-{width_name}"
            folder.mkdir(parents=True, exist_ok=True)
            for name, path in pages[role].items():
                problems += _visit(page, site + path, folder / f"{name}.png", name)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def _sign_in(page, site: str, role: str, language: str) -> None:
    if role != "visitor":
        page.goto(f"{site}/login")
        page.fill("#email", DEMO[role])
        page.fill("#password", demo.DEMO_PASSWORD)
        page.locator("form[method=post] input[type=submit]").click()
        page.wait_for_load_state()
    page.request.post(f"{site}/locale", form={"locale": language, "next": "/"})


def _visit(page, url: str, shot: Path, name: str) -> list[str]:
    response = page.goto(url)
    page.wait_for_load_state("load")
    where = f"{shot.parent.parent.name}/{shot.parent.name}/{name} ({url})"
    if response is None or response.status >= 400:
        return [f"{where}: HTTP {response.status if response else '?'}"]
    problems = []
    page.screenshot(path=str(shot), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if wide > 0:
        problems.append(f"{where}: {wide}px wider than the screen")
    if page.viewport_size["width"] >= 1200:  # a desktop shows every figure without scrolling
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-responsive .figures-table')]"
            ".map(t => t.parentElement).filter(r => r.scrollWidth > r.clientWidth)"
            ".map(r => r.getAttribute('aria-label'))"
        )
        problems += [f"{where}: the table {label!r} scrolls sideways" for label in hidden]
    results = _axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(f"{where}: {violation['id']} ({violation['impact']}): {targets}")
    return problems


def test_kazakh_letters_are_in_the_same_typeface_as_the_rest(browser: Browser, tour):
    site, _pages = tour
    page = browser.new_page()
    try:
        page.goto(f"{site}/")
        page.request.post(f"{site}/locale", form={"locale": "kk", "next": "/"})
        page.goto(f"{site}/")
        page.evaluate("document.fonts.ready")
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert family.startswith('"Noto Sans Variable"')
        # The font is loaded from our origin and has every Kazakh letter.
        assert page.evaluate(
            "document.fonts.load('16px \"Noto Sans Variable\"', 'құңғөүһіәҚҰҢҒӨҮҺІӘ')"
            ".then(faces => faces.length > 0 && document.fonts.check("
            "'16px \"Noto Sans Variable\"', 'құңғөүһіә'))"
        )
    finally:
        page.close()


def test_every_action_on_a_request_is_reached_by_keyboard_and_visibly_focused(
    browser: Browser, tour
):
    site, pages = tour
    page = browser.new_page()
    try:
        _sign_in(page, site, "staff", "en")
        page.goto(site + pages["staff"]["new"])
        seen, unmarked = [], []
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:
                continue
            seen.append(focused["text"])
            if not focused["visible"]:
                unmarked.append(focused["text"])
        for control in ("Take it", "or assign to a colleague", "More actions", "Send message"):
            assert any(control in text for text in seen), (control, seen)
        assert not unmarked, unmarked
        # The menu opens from the keyboard and its entries follow.
        page.locator("details.action-menu > summary").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert "note" in page.evaluate("document.activeElement.textContent").lower()
    finally:
        page.close()


# The focused element: its text, and whether it shows it has the focus (an outline or a
# box shadow, as :focus-visible draws them).
FOCUSED = """(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadowed = style.boxShadow && style.boxShadow !== "none";
    return {text: (element.innerText || element.value || element.name || element.tagName).trim(),
            visible: outlined || shadowed};
})()"""


def test_a_recorded_change_s_new_value_does_not_look_like_a_link(browser: Browser, tour, app):
    """The audit trail's value after a change is tinted, not underlined as links are; the
    value before stays struck through, so the two differ without their colours too."""
    site, _pages = tour
    with app.app_context():
        audit.record("centre.edited", None, "centre:kbtu", {"phone": "+7 727 1"},
                     {"phone": "+7 727 2"})  # fmt: skip
        db.session.commit()
    page = browser.new_page()
    try:
        _sign_in(page, site, "coordinator", "en")
        page.goto(f"{site}/office/audit?action=centre.edited")
        style = "(e) => { const s = getComputedStyle(e); return [s.textDecorationLine, s.backgroundColor]; }"  # noqa: E501
        after = page.locator(".audit-change ins", has_text="+7 727 2").evaluate(style)
        before = page.locator(".audit-change del", has_text="+7 727 1").evaluate(style)
        assert after[0] == "none"
        assert after[1] not in ("rgba(0, 0, 0, 0)", "transparent")
        assert before[0] == "line-through"
    finally:
        page.close()
