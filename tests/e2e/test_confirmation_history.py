"""Back after a confirmed action (review 10, finding 10): the confirmation was a page a POST
made, and Back landed on Chromium's "Confirm form resubmission" (net::ERR_CACHE_MISS)."""

import pytest
from playwright.sync_api import Page, Route

from tests.e2e.test_main_journey import sign_in
from tests.factories import PASSWORD, Factory

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scripts", ["loaded", "still loading"])
def test_back_after_withdrawing_gets_the_request_page_not_a_resubmission(
    page: Page, site, app, scripts
):
    """With the scripts "still loading", they are held back until the person has confirmed, as
    on a slow line where the button shows before the page has loaded (CI clicked that fast)."""
    make = Factory(app)
    inventor = make.user("inventor", email="back@tisc-test.kz")
    reference = make.request(inventor, title="Қайтарылатын сұрау")
    sign_in(page, site, "back@tisc-test.kz", PASSWORD)
    page.goto(f"{site}/requests/{reference}?do=withdraw")
    held: list[Route] = []
    if scripts == "still loading":
        page.route("**/bootstrap.min.js", lambda route: held.append(route))
    page.locator("form[action$='/withdraw'] [type=submit]").first.click()
    page.get_by_role("button", name="Yes, withdraw request").click()
    page.wait_for_url(f"{site}/requests/{reference}", wait_until="commit")
    for route in held:
        route.abort()
    page.unroute("**/bootstrap.min.js")
    page.wait_for_load_state()
    back = page.go_back()
    assert back is not None and back.status == 200
    assert page.url == f"{site}/requests/{reference}?do=withdraw"
    assert page.get_by_role("heading", name="Қайтарылатын сұрау").is_visible()
    assert make.row(reference)["status"] == "withdrawn"
