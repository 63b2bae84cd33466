"""Each e-mail goes out at most once, whoever delivers (workers, `tisc send-mail`, `tisc
daily`) and however slow the mail server; one that never answers fails the message after
``TISC_MAIL_TIMEOUT``; `tisc outbox` only reads."""

import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import settings_for
from tests.services.test_worker import deliveries, delivery_in
from tisc import create_app
from tisc.extensions import db
from tisc.mail import delivery
from tisc.mail.smtp import mail
from tisc.models import Delivery, OutboxMessage
from tisc.models.base import utcnow
from tisc.worker import Worker


def test_a_slow_deliverer_and_send_mail_beside_it_send_each_message_once(
    worker_app, make, monkeypatch
):
    """The worker's sends take four minutes each; `tisc send-mail` starts while it sends the
    third, twelve minutes after its claim: it takes back the fourth, which the worker has
    not begun, and not the third, which the worker is sending."""
    for _ in range(4):
        make.request(make.user("inventor"))  # four receipts
    clock = [utcnow()]
    monkeypatch.setattr(delivery, "utcnow", lambda: clock[0])
    sent, outputs = [], []
    worker_thread = threading.get_ident()

    def send_mail():
        outputs.append(worker_app.test_cli_runner().invoke(args=["tisc", "send-mail"]).output)

    def slow_send(message):
        sent.append(message.recipients[0])
        clock[0] += timedelta(minutes=4)
        if threading.get_ident() == worker_thread and len(sent) == 3:
            other = threading.Thread(target=send_mail)
            other.start()
            other.join()

    monkeypatch.setattr(mail, "send", slow_send)
    done = Worker(worker_app, daily_seconds=10**9).run_once()
    assert len(sent) == 4 and len(set(sent)) == 4
    assert done.sent == 3 and outputs[0].startswith("Sent 1,")
    assert [d for _, d, _ in deliveries(worker_app)] == [Delivery.SENT] * 4


def test_a_deliverer_whose_claim_was_taken_back_does_not_record_over_it(
    worker_app, make, monkeypatch
):
    make.request(make.user("inventor"))

    def send_while_taken_back(message):
        with worker_app.app_context():  # another deliverer's claim, made meanwhile
            db.session.execute(
                sa.update(OutboxMessage).values(
                    attempts=OutboxMessage.attempts + 1, claimed_at=utcnow()
                )
            )
            db.session.commit()

    monkeypatch.setattr(mail, "send", send_while_taken_back)
    assert delivery_in(worker_app).sent == 0
    assert deliveries(worker_app) == [("request_received", Delivery.SENDING, 2)]


def test_a_claim_is_taken_back_only_after_longer_than_a_send_can_take(worker_app):
    with worker_app.app_context():
        assert delivery.taken_back_after() == timedelta(minutes=10)
        worker_app.config["TISC_MAIL_TIMEOUT"] = 60
        assert delivery.taken_back_after() == delivery.EXCHANGES_PER_SEND * timedelta(minutes=1)


@pytest.fixture
def stalled_server():
    """A mail server that takes connections and never says a word: they wait in the
    listening socket's queue, never accepted."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    yield listener.getsockname()[1]
    listener.close()  # frees a sender still waiting, when the timeout is missing


@pytest.fixture
def stalled_app(clean, database, stalled_server):
    app = create_app(
        settings_for(database)
        | {
            "TISC_WORKER": True,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": stalled_server,
            "MAIL_SUPPRESS_SEND": False,  # a real SMTP connection, though testing
            "TISC_MAIL_TIMEOUT": 0.5,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_mail_server_that_never_answers_fails_the_message_and_the_round_ends(stalled_app, make):
    make.request(make.user("inventor"))
    rounds = []
    worker = Worker(stalled_app, daily_seconds=10**9)
    running = threading.Thread(target=lambda: rounds.append(worker.run_once()), daemon=True)
    running.start()
    running.join(timeout=20)  # a bound, not a measure: 0.5 s is expected
    assert not running.is_alive(), "the worker waits for the mail server for ever"
    assert (rounds[0].sent, rounds[0].failed) == (0, 1)
    assert deliveries(stalled_app) == [("request_received", Delivery.FAILED, 1)]
    with stalled_app.app_context():
        failed = db.session.scalar(sa.select(OutboxMessage))
        assert "timed out" in failed.last_error
        assert failed.next_attempt_at is not None  # tried again after the back-off


def test_a_worker_told_to_stop_while_sending_sends_no_more_and_gives_the_rest_back(
    worker_app, make, monkeypatch
):
    for _ in range(3):
        make.request(make.user("inventor"))
    worker = Worker(worker_app, daily_seconds=10**9)
    sent = []

    def send_then_sigterm(message):
        sent.append(message.recipients[0])
        worker.stopping.set()  # what SIGTERM does

    monkeypatch.setattr(mail, "send", send_then_sigterm)
    assert worker.run_once().sent == 1
    assert len(sent) == 1
    assert deliveries(worker_app) == [
        ("request_received", Delivery.SENT, 1),
        ("request_received", Delivery.QUEUED, 0),
        ("request_received", Delivery.QUEUED, 0),
    ]


def test_the_cli_delivers_a_backlog_in_batches_the_size_of_the_workers(
    worker_app, make, monkeypatch
):
    monkeypatch.setattr(delivery, "BATCH", 2)
    for _ in range(5):
        make.request(make.user("inventor"))
    limits = []
    real_claimed = delivery._claimed

    def claimed(retry, limit, *rest):
        limits.append(limit)
        return real_claimed(retry, limit, *rest)

    monkeypatch.setattr(delivery, "_claimed", claimed)
    monkeypatch.setattr(mail, "send", lambda message: None)
    result = worker_app.test_cli_runner().invoke(args=["tisc", "send-mail"])
    assert result.output.startswith("Sent 5,")
    assert limits == [2, 2, 2]


def test_the_cli_tries_each_message_once_when_the_mail_server_fails(worker_app, make, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 2)
    for _ in range(5):
        make.request(make.user("inventor"))
    monkeypatch.setattr(mail, "send", lambda message: (_ for _ in ()).throw(OSError("down")))
    result = worker_app.test_cli_runner().invoke(args=["tisc", "daily"])
    assert "Sent 0, kept 0, failed 5." in result.output
    receipts = [row for row in deliveries(worker_app) if row[0] == "request_received"]
    assert receipts == [("request_received", Delivery.FAILED, 1)] * 5


def test_the_outbox_command_prints_and_leaves_queued_messages_queued(worker_app, make):
    inventor = make.user("inventor")
    make.request(inventor)
    with mail.record_messages() as sent:
        result = worker_app.test_cli_runner().invoke(args=["tisc", "outbox"])
    assert result.exit_code == 0
    assert sent == []
    assert deliveries(worker_app) == [("request_received", Delivery.QUEUED, 0)]
    assert f"queued to {inventor.email}" in result.output
    assert "received" in result.output  # its text, rendered for printing only
    with worker_app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.subject)) is None
