"""Sending the outbox, after the transaction that queued it.

Each message is claimed (so that two processes never send it twice),
rendered once in its recipient's language (:mod:`tisc.mail.compose`), then
sent through Flask-Mail when a mail server is configured, or kept in the
outbox when none is (the ``/account/mailbox`` page shows it). A mail server
that fails leaves the message ``failed`` for ``flask --app wsgi tisc
send-mail`` to retry; the action that queued it is already committed and
stays done.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

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


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    failed: int = 0


def deliver(*, retry: bool = False, limit: int = BATCH) -> DeliveryReport:
    """Render and send queued messages; with ``retry``, failed and interrupted ones too."""
    ready = _deliverable(retry)
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(ready).order_by(OutboxMessage.id).limit(limit)
        )
    )
    db.session.commit()  # end the read before the writes below
    outcomes = Counter(_deliver_one(message_id, retry) for message_id in ids)
    return DeliveryReport(
        sent=outcomes[Delivery.SENT], kept=outcomes[Delivery.KEPT], failed=outcomes[Delivery.FAILED]
    )


def _deliverable(retry: bool):
    condition = OutboxMessage.delivery == Delivery.QUEUED
    if retry:
        interrupted = sa.and_(
            OutboxMessage.delivery == Delivery.SENDING,
            OutboxMessage.claimed_at < utcnow() - STUCK_AFTER,
        )
        condition = condition | (OutboxMessage.delivery == Delivery.FAILED) | interrupted
    return condition


@use_case
def _claim(message_id: int, retry: bool) -> bool:
    """Mark the message as being sent, unless another worker got there first."""
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _deliverable(retry))
        .values(delivery=Delivery.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=utcnow())
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
def _record(message_id: int, delivery: Delivery, error: str = "") -> None:
    message = db.session.get(OutboxMessage, message_id)
    message.delivery = delivery
    message.last_error = error[:2000]
    if delivery is Delivery.SENT:
        message.sent_at = utcnow()


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
    _record(message_id, outcome, error)
    return outcome
