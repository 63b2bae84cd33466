"""A saved reply inserted by the page's own script (under the strict CSP), at the cursor."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_main_journey import open_action, sign_in
from tests.factories import Factory

pytestmark = pytest.mark.e2e


def test_a_saved_reply_goes_into_the_question_without_reloading(page: Page, site: str, app):
    make = Factory(app)
    staff = make.user("staff", centre="kbtu")
    inventor = make.user("inventor", name="Әлия <Нұрланқызы>")
    reference = make.request_in("in_progress", inventor, staff)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, site, staff.email, staff.password)
    page.get_by_role("link", name="Desk").click()
    page.get_by_role("link", name="Saved replies").click()
    page.get_by_role("link", name="New saved reply").click()
    page.get_by_label("Title").fill("Нарықтар")
    page.get_by_label("Text in Kazakh").fill("Құрметті {name}, {reference} бойынша: қай елдерде?")
    page.get_by_role("button", name="Save reply").click()

    page.goto(f"{site}/requests/{reference}")
    panel = open_action(page, "Ask the inventor a question")
    question = panel.get_by_label("Question to the inventor")
    question.fill("Сәлем. ")
    url = page.url
    panel.get_by_label("Saved reply").select_option(label="Нарықтар")
    panel.get_by_role("button", name="Insert reply").click()
    expect(question).to_have_value(
        f"Сәлем. Құрметті Әлия <Нұрланқызы>, {reference} бойынша: қай елдерде?"
    )
    assert page.url == url  # inserted in place: nothing reloaded, nothing typed lost
    panel.get_by_role("button", name="Send question").click()
    expect(page.get_by_text(f"Құрметті Әлия <Нұрланқызы>, {reference} бойынша")).to_be_visible()
    assert errors == []  # the CSP blocked nothing
