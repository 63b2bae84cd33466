"""A sent e-mail's copy in the outbox (subject, texts, what they were made from) is emptied
``TISC_MAIL_KEEP_DAYS`` after sending; the row stays, and so do messages not sent."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import settings_for
from tests.sql import statements
from tisc import create_app
from tisc.domain.policy import Policy
from tisc.extensions import db
from tisc.mail import delivery
from tisc.mail.smtp import mail
from tisc.models import Delivery, OutboxMessage
from tisc.models.base import utcnow
from tisc.services import outbox, schedule

KEEP_30_DAYS = Policy(keep_sent_mail_days=30)


@pytest.fixture
def mail_app(clean, database):
    """The app with a mail server, so that delivered messages are sent (not kept)."""
    app = create_app(settings_for(database) | {"MAIL_SERVER": "smtp.tisc-test.kz"})
    yield app
    with app.app_context():
        db.engine.dispose()


def sent_mail(app, make, requests: int) -> list[int]:
    """Submit ``requests`` requests and send their e-mail; the sent messages' ids."""
    staff = make.user("staff", centre="kbtu")
    for number in range(requests):
        make.request(make.user("inventor"), title=f"Confidential brick {number}")
    with app.app_context(), mail.record_messages() as outgoing:
        delivery.deliver(limit=10_000)
        assert outgoing  # really sent, through Flask-Mail
        ids = db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.delivery == Delivery.SENT)
            .order_by(OutboxMessage.id)
        ).all()
    assert len(ids) >= requests and staff
    return list(ids)


def sent_days_ago(app, ids: list[int], days: float) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(sent_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def copies(app) -> dict[int, tuple]:
    with app.app_context():
        columns = (
            OutboxMessage.id, OutboxMessage.delivery, OutboxMessage.subject,
            OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.context,
            OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.sent_at,
        )  # fmt: skip
        rows = db.session.execute(sa.select(*columns))
        return {row.id: tuple(row)[1:] for row in rows}


def empty_old_copies(app, policy: Policy = KEEP_30_DAYS) -> int:
    with app.app_context():
        now = utcnow()
        return outbox.empty_old_copies(now.date(), now, policy)


def test_copies_sent_before_the_keeping_time_are_emptied_and_their_rows_stay(mail_app, make):
    old = sent_mail(mail_app, make, requests=2)
    recent = [i for i in sent_mail(mail_app, make, requests=1) if i not in old]
    sent_days_ago(mail_app, old, 31)
    sent_days_ago(mail_app, recent, 29)
    before = copies(mail_app)
    assert all(before[i][1] and "Confidential brick" in before[i][2] for i in old)

    assert empty_old_copies(mail_app) == len(old)

    after = copies(mail_app)
    assert set(after) == set(before)  # every row stays
    for i in old:
        delivered, subject, text, html, context, *kept = after[i]
        assert (delivered, subject, text, html, context) == (Delivery.SENT, None, None, None, {})
        assert kept == list(before[i][5:])  # kind, address, when sent
    for i in recent:
        assert after[i] == before[i]
    assert empty_old_copies(mail_app) == 0  # the next day: nothing more


def test_only_sent_messages_lose_their_copies(mail_app, make):
    ids = sent_mail(mail_app, make, requests=2)
    sent_days_ago(mail_app, ids, 400)
    kept, failed, given_up = ids[:3]
    with mail_app.app_context():
        for message_id, state in ((kept, Delivery.KEPT), (failed, Delivery.FAILED),
                                  (given_up, Delivery.GAVE_UP)):  # fmt: skip
            db.session.get(OutboxMessage, message_id).delivery = state
        db.session.commit()
    before = copies(mail_app)

    assert empty_old_copies(mail_app) == len(ids) - 3

    after = copies(mail_app)
    assert [after[i] for i in (kept, failed, given_up)] == [
        before[i] for i in (kept, failed, given_up)
    ]


def test_the_keeping_time_is_the_policys(mail_app, make):
    ids = sent_mail(mail_app, make, requests=1)
    sent_days_ago(mail_app, ids, 31)
    assert empty_old_copies(mail_app, Policy(keep_sent_mail_days=60)) == 0
    assert empty_old_copies(mail_app, Policy(keep_sent_mail_days=30)) == len(ids)


def test_a_backlog_is_emptied_in_several_short_transactions(mail_app, make, monkeypatch):
    ids = sent_mail(mail_app, make, requests=2)
    sent_days_ago(mail_app, ids, 31)
    monkeypatch.setattr(outbox, "EMPTIED_PER_TRANSACTION", 2)
    seen = []

    def updated(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE"):
            seen.append("update")

    def committed(session):
        seen.append("commit")

    with mail_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", updated)
        sa.event.listen(db.session, "after_commit", committed)
        try:
            now = utcnow()
            assert outbox.empty_old_copies(now.date(), now, KEEP_30_DAYS) == len(ids)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", updated)
            sa.event.remove(db.session, "after_commit", committed)
    updates = -(-len(ids) // 2)  # two at a time
    assert "".join(word[0] for word in seen).replace("c", "") == "u" * updates
    assert "uu" not in "".join(word[0] for word in seen)  # each in a transaction of its own
    assert all(copies(mail_app)[i][1] is None for i in ids)


def test_the_daily_jobs_empty_old_copies(mail_app, make):
    ids = sent_mail(mail_app, make, requests=1)
    sent_days_ago(mail_app, ids, 31)
    with mail_app.app_context():
        assert schedule.run_due(KEEP_30_DAYS)["old_mail_copies"] == len(ids)


def test_sqlite_finds_the_copies_to_empty_by_their_index(mail_app, make):
    sent_mail(mail_app, make, requests=1)
    with mail_app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL plans from statistics; the index is the same
        with statements(db.engine, with_parameters=True) as sent:
            now = utcnow()
            outbox.empty_old_copies(now.date(), now, KEEP_30_DAYS)
        statement, parameters = next((s, p) for s, p in sent if "body_text IS NOT NULL" in s)
        cursor = db.session.connection().connection.cursor()
        plan = " ".join(
            row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        )
        assert "ix_outbox_messages_copies" in plan, plan


def test_the_outbox_command_says_a_copy_was_emptied(mail_app, make):
    ids = sent_mail(mail_app, make, requests=1)
    sent_days_ago(mail_app, ids, 31)
    empty_old_copies(mail_app)
    printed = mail_app.test_cli_runner().invoke(args=["tisc", "outbox", "--limit", "50"]).output
    assert "its copy is emptied" in printed
    assert "Confidential brick" not in printed
