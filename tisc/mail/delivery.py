"""Sending the outbox, after the transaction that queued it.

Messages are claimed in batches (so that two processes never send one twice),
each rendered once in its recipient's language (:mod:`tisc.mail.compose`), then
sent through Flask-Mail when a mail server is configured, or kept in the
outbox when none is (the ``/account/mailbox`` page shows it). A mail server
that fails leaves the message ``failed`` for ``flask --app wsgi tisc
send-mail`` to retry; the action that queued it is already committed and
stays done; it is tried again later (back-off) and given up after
``TISC_MAIL_MAX_ATTEMPTS`` attempts, which the coordinator sees.
"""

import logging
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from tisc.extensions import db, mail
from tisc.mail.compose import load_for_rendering, render, said_alike
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
    with ``retry`` (an operator's ``tisc send-mail``), every failed one now.

    A batch takes two short write transactions whatever its size (claim, record);
    rendering only reads, and no transaction is open while the mail server is
    talked to. Messages said alike (a centre's staff told of one event) are rendered once
    per language."""
    ids = _claim(retry, limit)
    if not ids:
        return DeliveryReport()
    rendered, outcomes = _render(ids)
    for message_id, text in rendered.items():
        outcomes[message_id] = _send(message_id, text)
    delivered = Counter(_record(outcomes, rendered).values())
    return DeliveryReport(
        sent=delivered[Delivery.SENT],
        kept=delivered[Delivery.KEPT],
        failed=delivered[Delivery.FAILED] + delivered[Delivery.GAVE_UP],
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


def _claim(retry: bool, limit: int) -> list[int]:
    """Mark up to ``limit`` due messages as being sent; the ones this process got.

    Whether any is due is looked at by a read first, so that a round with nothing due does
    not wait for the turn to write. The batch is chosen inside the write, among the
    messages still due then (on PostgreSQL, skipping those another worker is claiming at
    that moment): two workers take two batches, and each message is sent once."""
    now = utcnow()
    if not db.session.scalar(sa.select(sa.exists().where(_deliverable(retry, now)))):
        return []
    return _claimed(retry, limit, now)


@use_case
def _claimed(retry: bool, limit: int, now: datetime) -> list[int]:
    # The batch is chosen once, in a materialized CTE: as a subquery of the UPDATE,
    # PostgreSQL may run it again for each row it looks at (the inner side of a nested
    # loop), and SKIP LOCKED then finds other rows each time while another worker claims:
    # one worker took twelve messages of a batch of six, and the other none.
    batch = (
        sa.select(OutboxMessage.id)
        .where(_deliverable(retry, now))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("batch")
        .prefix_with("MATERIALIZED")
    )
    claimed = db.session.scalars(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(sa.select(batch.c.id)), _deliverable(retry, now))
        .values(delivery=Delivery.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed)


@dataclass
class Rendered:
    """What a message says, in its recipient's language, and to whom."""

    to_address: str
    locale: str | None
    subject: str
    body_text: str
    body_html: str

    @classmethod
    def of(cls, message: OutboxMessage) -> "Rendered":
        return cls(
            message.to_address,
            message.locale,
            message.subject,
            message.body_text,
            message.body_html,
        )


Outcome = tuple[Delivery, str]  # and the error, if any


def _render(ids: list[int]) -> tuple[dict[int, Rendered], dict[int, Outcome]]:
    """The claimed messages' texts, rendered now if they were not yet (a read: no
    writer waits while it runs); a message that cannot be rendered fails, to be tried
    again later like a failed sending."""
    rendered, failures = {}, {}
    try:
        messages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        ).all()
        loaded = load_for_rendering(messages)  # noqa: F841 (held while rendering)
        first_alike: dict[str, int] = {}  # the first message rendered of those said alike
        for message in messages:
            alike = said_alike(message) if message.subject is None else None
            if alike in first_alike:
                same = rendered[first_alike[alike]]
                rendered[message.id] = replace(same, to_address=message.to_address)
                continue
            if message.subject is None:
                try:
                    render(message)
                except Exception as failure:  # one broken message must not hold up the rest
                    log.exception("rendering outbox message %s failed", message.id)
                    failures[message.id] = (Delivery.FAILED, f"{type(failure).__name__}: {failure}")
                    continue
                if alike is not None:
                    first_alike[alike] = message.id
            rendered[message.id] = Rendered.of(message)
    finally:
        db.session.rollback()  # the texts are saved with the outcome (``_record``)
    return rendered, failures


def _send(message_id: int, text: Rendered) -> Outcome:
    if not current_app.config.get("MAIL_SERVER"):
        return Delivery.KEPT, ""
    email = Message(
        subject=text.subject,
        recipients=[text.to_address],
        body=text.body_text,
        html=text.body_html,
    )
    try:
        mail.send(email)
    except Exception as failure:  # any failure of the mail server leaves it for a retry
        log.warning("sending outbox message %s failed: %s", message_id, failure)
        return Delivery.FAILED, f"{type(failure).__name__}: {failure}"
    return Delivery.SENT, ""


@use_case
def _record(outcomes: dict[int, Outcome], rendered: dict[int, Rendered]) -> dict[int, Delivery]:
    """Each attempt's outcome, with the text sent (kept for the mailbox page and for a
    retry); a failure is retried later, or given up after the last attempt."""
    now = utcnow()
    recorded = {}
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(list(outcomes)))
    )
    for message in messages:
        delivery, error = outcomes[message.id]
        if message.id in rendered and message.subject is None:
            text = rendered[message.id]
            message.locale, message.subject = text.locale, text.subject
            message.body_text, message.body_html = text.body_text, text.body_html
        if delivery is Delivery.FAILED:
            if message.attempts >= current_app.config["TISC_MAIL_MAX_ATTEMPTS"]:
                delivery = Delivery.GAVE_UP
            else:
                message.next_attempt_at = next_attempt_after(message.attempts, now)
        message.delivery = delivery
        message.last_error = error[:2000]
        if delivery is Delivery.SENT:
            message.sent_at = now
        recorded[message.id] = delivery
    return recorded
