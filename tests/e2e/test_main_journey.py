"""The main journey, in a real browser, across three roles."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import Factory

pytestmark = pytest.mark.e2e

DESCRIPTION = "Шахталарға арналған көбік: крахмал мен сапонин негізінде. CONFIDENTIAL-42"


def sign_in(page: Page, site: str, email: str, password: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.locator("details.account-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()


def open_action(page: Page, name: str):
    """Open an action's panel on the request page; the panel."""
    panel = page.locator("details.action-panel", has=page.locator("summary", has_text=name))
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def test_request_from_submission_to_rating(page: Page, site: str, app):
    make = Factory(app)
    staff = make.user("staff", centre="karaganda-buketov", name="Айгерім Сейітқызы")
    coordinator = make.user("coordinator")

    # The inventor registers and submits.
    page.goto(site)
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Full name").fill("Әлия Нұрланқызы")
    page.get_by_label("E-mail").fill("aliya@tisc-test.kz")
    page.get_by_label("Password", exact=True).fill("өте-құпия-сөз-2026")
    page.get_by_label("Repeat the password").fill("өте-құпия-сөз-2026")
    page.get_by_label("You are asking as").select_option("startup_sme")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Ask for a patent-information service")).to_be_visible()
    page.get_by_label("Service").select_option("prior_art_search")
    page.get_by_label("Title").fill("Көмір шаңын басатын көбік")
    page.get_by_label("Description of the invention or question").fill(DESCRIPTION)
    page.get_by_label("IPC classes").fill("A62D 1/00")
    page.get_by_label("Your region").select_option("KZ-35")
    page.get_by_label("Preferred language").select_option("kk")
    page.get_by_label(re.compile("I understand that my description")).check()
    page.get_by_role("button", name="Submit request").click()
    # The reason is shown under "Handled by" and kept on the timeline.
    reason = (
        "A centre in your region offering “Prior-art search”. It works in your language (Kazakh)."
    )
    expect(page.get_by_text(reason)).to_have_count(2)
    reference = re.search(r"TISC-\d{4}-\d{5}", page.content())[0]
    expect(page.locator(".alert-success")).to_contain_text(reference)
    sign_out(page)

    # Staff of the routed centre land on their desk, take the request, start and ask:
    # each time the page shows the next step.
    sign_in(page, site, staff.email, staff.password)
    expect(page).to_have_url(f"{site}/desk")
    page.get_by_role("link", name=reference).click()
    banner = page.locator(".next-step")
    expect(banner).to_contain_text("nobody at your centre has taken it yet")
    banner.get_by_role("button", name="Take it").click()
    expect(banner).to_contain_text("Assigned to you")
    banner.get_by_role("button", name="Start work").click()
    expect(banner).to_contain_text("Complete it when the result is ready")
    panel = open_action(page, "Ask the inventor a question")
    panel.get_by_label("Question to the inventor").fill("Көбік қанша уақыт сақталады?")
    panel.get_by_role("button", name="Send question").click()
    expect(page.locator(".badge", has_text="Awaiting inventor")).to_be_visible()
    expect(banner).to_contain_text("Waiting for the inventor's answer")
    sign_out(page)

    # The inventor replies.
    sign_in(page, site, "aliya@tisc-test.kz", "өте-құпия-сөз-2026")
    page.get_by_role("link", name="My requests").click()
    page.get_by_role("link", name=reference).click()
    banner = page.locator(".next-step")
    expect(banner).to_contain_text("The centre is waiting for your answer — reply by")
    expect(banner.get_by_text("Көбік қанша уақыт сақталады?")).to_be_visible()
    banner.get_by_label("Your reply").fill("Екі тәулікке дейін.")
    banner.get_by_role("button", name="Send reply").click()
    expect(page.locator(".badge", has_text="In progress")).to_be_visible()
    sign_out(page)

    # Staff complete with an outcome.
    sign_in(page, site, staff.email, staff.password)
    page.goto(f"{site}/requests/{reference}")
    panel = open_action(page, "Complete the request")
    panel.get_by_label("Outcome").select_option("prior_art_found")
    panel.get_by_label("Summary of the result for the inventor").fill("Үш ұқсас патент табылды.")
    panel.get_by_label("Hours spent").fill("4.5")
    panel.get_by_label("Documents cited").fill("3")
    panel.get_by_role("button", name="Complete request").click()
    expect(page.locator(".badge", has_text="Completed")).to_be_visible()
    sign_out(page)

    # The inventor sees the result and rates it.
    sign_in(page, site, "aliya@tisc-test.kz", "өте-құпия-сөз-2026")
    page.goto(f"{site}/requests/{reference}")
    expect(
        page.get_by_role("heading", name=re.compile("Result: Relevant prior art found"))
    ).to_be_visible()
    expect(page.get_by_text("Үш ұқсас патент табылды.")).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("What you can do next")
    panel = open_action(page, "Rate the service")
    panel.get_by_label("5 — Excellent: it answered everything I needed").check()
    panel.get_by_label("Comment (optional)").fill("Рақмет!")
    panel.get_by_role("button", name="Send rating").click()
    expect(page.locator(".rating")).to_have_attribute("aria-label", "5 out of 5")
    sign_out(page)

    # The coordinator sees the metadata, not the description.
    sign_in(page, site, coordinator.email, coordinator.password)
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Relevant prior art found")).to_be_visible()
    expect(page.get_by_text("Karaganda Buketov University").first).to_be_visible()
    assert "CONFIDENTIAL-42" not in page.content()
    assert "Көмір шаңын" not in page.content()
    page.goto(f"{site}/requests/{reference}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
