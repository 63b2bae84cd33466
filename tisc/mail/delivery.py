"""Sending the outbox, after the transaction that queued it.

Each message is claimed (so that two processes never send it twice),
rendered once in its recipient's language (:mod:`tisc.mail.compose`), then
sent through Flask-Mail when a mail server is configured, or kept in the
outbox when none is (the ``/account/mailbox`` page shows it). A mail server
that fails leaves the message ``failed`` for ``flask --app wsgi tisc
send-mail`` to retry; the action that queued it is already committed and
stays done; it is tried again later (back-off) and given up after
``TISC_MAIL_MAX_ATTEMPTS`` attempts, which the coordinator sees.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from tisc.extensions import db, mail
from tisc.mail.compose import render
from tisc.models import Delivery, OutboxMessage
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case

log = logging.getLogger(__name__)
BATCH = 50
STUCK_AFTER = timedelta(minutes=10)  # a "sending" message older than this was interrupted
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    failed: int = 0


def deliver(*, retry: bool = False, limit: int = BATCH) -> DeliveryReport:
    """Render and send queued messages, and failed ones whose next attempt is due;
    with ``retry`` (an operator's ``tisc send-mail``), every failed one now."""
    now = utcnow()
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(_deliverable(retry, now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    db.session.commit()  # end the read before the writes below
    outcomes = Counter(_deliver_one(message_id, retry) for message_id in ids)
    return DeliveryReport(
        sent=outcomes[Delivery.SENT],
        kept=outcomes[Delivery.KEPT],
        failed=outcomes[Delivery.FAILED] + outcomes[Delivery.GAVE_UP],
    )


def _deliverable(retry: bool, now: datetime):
    due_again = OutboxMessage.delivery == Delivery.FAILED
    if not retry:
        due_again = due_again & (OutboxMessage.next_attempt_at <= now)
    interrupted = sa.and_(
        OutboxMessage.delivery == Delivery.SENDING, OutboxMessage.claimed_at < now - STUCK_AFTER
    )
    return (OutboxMessage.delivery == Delivery.QUEUED) | due_again | interrupted


def next_attempt_after(attempts: int, now: datetime) -> datetime:
    """Back-off after a failed attempt: 1, 2, 4 … minutes, at most six hours."""
    return now + min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


@use_case
def _claim(message_id: int, retry: bool) -> bool:
    """Mark the message as being sent, unless another process got there first."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _deliverable(retry, now))
        .values(delivery=Delivery.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


@use_case
def _rendered(message_id: int) -> Message:
    """The message ready for Flask-Mail, rendered now if it was not yet."""
    message = db.session.get(OutboxMessage, message_id)
    if message.subject is None:
        render(message)
    return Message(
        subject=message.subject,
        recipients=[message.to_address],
        body=message.body_text,
        html=message.body_html,
    )


@use_case
def _record(message_id: int, delivery: Delivery, error: str = "") -> Delivery:
    """The attempt's outcome; a failure is retried later, or given up after the last attempt."""
    message = db.session.get(OutboxMessage, message_id)
    now = utcnow()
    if delivery is Delivery.FAILED:
        if message.attempts >= current_app.config["TISC_MAIL_MAX_ATTEMPTS"]:
            delivery = Delivery.GAVE_UP
        else:
            message.next_attempt_at = next_attempt_after(message.attempts, now)
    message.delivery = delivery
    message.last_error = error[:2000]
    if delivery is Delivery.SENT:
        message.sent_at = now
    return delivery


def _deliver_one(message_id: int, retry: bool) -> Delivery | None:
    if not _claim(message_id, retry):
        return None
    email = _rendered(message_id)
    if not current_app.config.get("MAIL_SERVER"):
        outcome, error = Delivery.KEPT, ""
    else:
        try:
            mail.send(email)
        except Exception as failure:  # any failure of the mail server leaves it for a retry
            log.warning("sending outbox message %s failed: %s", message_id, failure)
            outcome, error = Delivery.FAILED, f"{type(failure).__name__}: {failure}"
        else:
            outcome, error = Delivery.SENT, ""
    return _record(message_id, outcome, error)
