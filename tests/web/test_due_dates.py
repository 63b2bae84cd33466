"""A due date as people read it: work due at midnight is due the day that midnight ends,
on every page, list and export that shows it."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.factories import login
from tisc.extensions import db
from tisc.models import ServiceRequest

# Midnight before Saturday 9 January 2027 in Almaty: due by the end of Friday the 8th.
MIDNIGHT = datetime(2027, 1, 9, tzinfo=ZoneInfo("Asia/Almaty")).astimezone(UTC)
SHOWN = ("08.01.2027", "2027\u202fж. 08 қаң.", "2027-01-08")  # list, page (kk), export
NOT_SHOWN = ("09.01.2027", "2027\u202fж. 09 қаң.", "2027-01-09")


@pytest.fixture
def due_at_midnight(world, make):
    with make.app.app_context():
        db.session.execute(
            sa.update(ServiceRequest)
            .where(ServiceRequest.reference == world.reference)
            .values(due_at=MIDNIGHT)
        )
        db.session.commit()
    return world.reference


@pytest.mark.parametrize(
    ("who", "pages"),
    [
        ("staff", ["/desk", "/requests/{ref}", "/desk/export.csv"]),
        ("inventor", ["/requests", "/requests/{ref}"]),
        ("coordinator", ["/office", "/office/requests/{ref}", "/office/export.csv"]),
    ],
)
def test_the_day_before_a_due_midnight_is_shown(client, world, due_at_midnight, who, pages):
    login(client, world.people[who])
    client.post("/locale", data={"locale": "kk", "next": "/"})
    for page in pages:
        response = client.get(page.format(ref=due_at_midnight))
        assert response.status_code == 200, page
        text = response.get_data(as_text=True)
        assert any(date in text for date in SHOWN), page
        assert not any(date in text for date in NOT_SHOWN), page


def test_a_reply_by_date_at_midnight_is_the_day_before_too(world, make):
    """A question asked on a Saturday: its reminder and closing deadlines, counted in working
    days, fall at midnight; the inventor is told the last day to answer, not the next."""
    from tisc.domain.calendar import due_day
    from tisc.domain.next_step import reply_by
    from tisc.services import requests

    saturday_noon = datetime(2027, 1, 9, 12, tzinfo=ZoneInfo("Asia/Almaty")).astimezone(UTC)
    reference = make.request_in("awaiting_inventor", world.people["inventor"],
                                world.people["staff"])  # fmt: skip
    with make.app.app_context():
        db.session.execute(
            sa.update(ServiceRequest).where(ServiceRequest.reference == reference)
            .values(awaiting_since=saturday_noon, question_since=saturday_noon)
        )  # fmt: skip
        db.session.commit()
        row = db.session.scalar(
            sa.select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        deadline = reply_by(requests.state_of(row), make.policy)
    local = deadline.astimezone(ZoneInfo("Asia/Almaty"))
    assert (local.hour, local.minute) == (0, 0)  # the case this test is about
    shown = due_day(deadline, ZoneInfo("Asia/Almaty"))
    client = make.app.test_client()
    login(client, world.people["inventor"])
    page = client.get(f"/requests/{reference}").get_data(as_text=True)
    assert f"reply by {shown.day} {shown.strftime('%b')} {shown.year}" in page


def test_a_closed_request_s_due_date_shows_in_the_office_list_as_in_the_desk(
    client, world, make, due_at_midnight
):
    """Both lists (and the exports) keep a closed request's due date: beside the closing
    date it says whether the work was on time."""
    make.act(world.people["staff"], due_at_midnight, "decline", text="Out of scope")
    for who, page in (("staff", "/desk?status=all"), ("coordinator", "/office?status=all")):
        login(client, world.people[who])
        client.post("/locale", data={"locale": "kk", "next": "/"})
        text = client.get(page).get_data(as_text=True)
        rows = [row for row in re.findall(r"<tr.*?</tr>", text, re.S) if due_at_midnight in row]
        assert len(rows) == 1 and "Бас тартылды" in rows[0] and "08.01.2027" in rows[0], who


def test_a_due_date_moved_by_new_rules_is_told_on_the_request_page(client, world, make):
    """The inventor and the staff see the move and both dates on the timeline; the national
    office sees the step in the request's history."""
    from dataclasses import replace

    from tisc.domain.catalogue import Service
    from tisc.services import due_dates

    policy = make.policy
    longer = replace(policy, target_days={**policy.target_days, Service.PRIOR_ART_SEARCH: 16})
    with make.app.app_context():
        due_dates.follow_rules(policy)
        before = db.session.scalar(sa.select(ServiceRequest.due_at))
        assert due_dates.follow_rules(longer) == 1
        after = db.session.scalar(sa.select(ServiceRequest.due_at))
    assert after > before
    pages = {
        "inventor": f"/requests/{world.reference}",
        "staff": f"/requests/{world.reference}",
        "coordinator": f"/office/requests/{world.reference}",
    }
    label = "Due date moved: the working calendar or the service&#39;s target changed"
    for who, page in pages.items():
        client.post("/logout")
        login(client, world.people[who])
        text = client.get(page).get_data(as_text=True)
        assert text.count(label) == 1, who
        if who != "coordinator":
            assert f"Due date: {shown(before)} → {shown(after)}" in text, who
            assert before.isoformat() not in text, who  # the stored text is not shown as such
        else:  # the step's status, as it stayed
            assert "Submitted → Submitted" not in text and text.count("Submitted") >= 3
    client.post("/locale", data={"locale": "ru", "next": "/"})
    text = client.get(pages["coordinator"]).get_data(as_text=True)
    assert "Срок сдвинулся: изменился рабочий календарь или нормативный срок услуги" in text


def shown(due_at: datetime) -> str:
    """A due date as an English page says it in full: "23 Nov 2026"."""
    from tisc.domain.calendar import due_day

    day = due_day(due_at, ZoneInfo("Asia/Almaty"))
    return f"{day.day} {day.strftime('%b')} {day.year}"
