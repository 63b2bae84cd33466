"""Filings followed up: 3, 6 and 12 months after completion, once each, with a fake clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.factories import COMPLETION
from tisc.domain.policy import Policy
from tisc.domain.workflow import Action
from tisc.extensions import db
from tisc.mail import delivery
from tisc.models import OutboxMessage, User
from tisc.services import filing_followups, requests, schedule

ALMATY = ZoneInfo("Asia/Almaty")
DONE = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)  # completed 15 January, 11:00 in Almaty


def completed(make, inventor, staff, when=DONE) -> str:
    """A request submitted ten days before ``when`` and completed then."""
    with make.app.app_context():
        draft = requests.Draft(
            service="prior_art_search", title="Кірпіш", description="Secret.",
            region_code="KZ-75", preferred_language="kk", confidentiality_ack=True,
            send_anyway=True,
        )  # fmt: skip
        inventor_row = db.session.get(User, inventor.id)
        reference = requests.submit(
            inventor_row, draft, make.policy, now=when - timedelta(days=10)
        ).reference
        for action, given in [
            (Action.ASSIGN, {"assignee_id": staff.id}), (Action.START, {}),
            (Action.COMPLETE, COMPLETION),
        ]:  # fmt: skip
            requests.perform(
                db.session.get(User, staff.id), reference, action,
                requests.ActionInput(**given), make.policy, now=when,
            )  # fmt: skip
    return reference


def sent(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [
            (m.dedupe_key, m.context)
            for m in db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.kind == "filing_followup")
                .order_by(OutboxMessage.id)
            )
        ]


def run(app, when: datetime) -> dict:
    with app.app_context():
        return schedule.run_due(Policy(), when)


def test_three_six_and_twelve_months_once_each_and_twice_a_day_sends_nothing_twice(make):
    inventor, staff = make.user(locale="ru"), make.user("staff", centre="kbtu")
    reference = completed(make, inventor, staff)
    request_id = make.row(reference)["id"]
    before = datetime(2026, 4, 14, 3, 0, tzinfo=UTC)  # a day short of three months
    assert run(make.app, before).get("filing_followups") == 0
    three = datetime(2026, 4, 15, 7, 0, tzinfo=UTC)
    assert run(make.app, three)["filing_followups"] == 1
    assert run(make.app, three + timedelta(hours=5)) == {}  # the same day: already run
    with make.app.app_context():  # and the job on its own, twice the same day
        assert filing_followups.queue_filing_followups(three.date(), three) == 0
    assert run(make.app, three + timedelta(days=1))["filing_followups"] == 0  # still in window
    six = datetime(2026, 7, 16, 3, 0, tzinfo=UTC)
    twelve = datetime(2027, 1, 20, 3, 0, tzinfo=UTC)
    assert run(make.app, six)["filing_followups"] == 1
    assert run(make.app, twelve)["filing_followups"] == 1
    assert run(make.app, datetime(2027, 6, 1, 3, 0, tzinfo=UTC))["filing_followups"] == 0
    assert [key for key, _ in sent(make.app)] == [
        f"filing-followup:{request_id}:{months}" for months in (3, 6, 12)
    ]
    with make.app.app_context():
        delivery.deliver()
        message = db.session.scalar(  # the first, three months on
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == "filing_followup")
            .order_by(OutboxMessage.id)
            .limit(1)
        )
        assert message.locale == "ru"  # the inventor's language
        assert f"/requests/{reference}?do=record_filing#action-record_filing" in message.body_text
        assert "3 месяца назад" in message.body_text


def test_no_follow_up_once_a_filing_is_reported_or_the_inventor_opted_out(make, client):
    staff = make.user("staff", centre="kbtu")
    filer, quiet = make.user(), make.user()
    filed = completed(make, filer, staff)
    make.act(filer, filed, "record_filing", ip_right="patent", office="kazpatent",
             application_number="2026/0042.1", filed_on=DONE.date())  # fmt: skip
    completed(make, quiet, staff)
    from tests.factories import login

    login(client, quiet)
    client.post("/account/notifications", data={"enabled": []})
    assert run(make.app, datetime(2026, 4, 15, 7, 0, tzinfo=UTC))["filing_followups"] == 0
    assert sent(make.app) == []
