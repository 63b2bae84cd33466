"""Sending the outbox, after the transaction that queued it.

Messages are claimed in batches (so that two processes never send one twice),
each rendered once in its recipient's language (:mod:`tisc.mail.compose`), then
sent through Flask-Mail when a mail server is configured, or kept in the
outbox when none is (the ``/account/mailbox`` page shows it). A mail server
that fails, or stops answering for ``TISC_MAIL_TIMEOUT`` seconds, leaves the
message ``failed`` for ``flask --app wsgi tisc send-mail`` to retry; the action
that queued it is already committed and stays done; it is tried again later
(back-off) and given up after ``TISC_MAIL_MAX_ATTEMPTS`` attempts, which the
coordinator sees.

Each message is sent at most once. A claim is marked by the message's ``attempts``,
which every claim raises: the deliverer holds the message again (its ``claimed_at``
set to now) just before sending it and records the outcome just after, each only
while the claim is still its own. Another deliverer takes a claim back only when it
is older than a send can take (:func:`taken_back_after`): its deliverer is gone, or
has not begun that message and will find the claim lost.
"""

import logging
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from tisc.extensions import db
from tisc.mail.compose import load_for_rendering, render, said_alike
from tisc.models import Delivery, OutboxMessage
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case

log = logging.getLogger(__name__)
BATCH = 50
STUCK_AFTER = timedelta(minutes=10)  # a "sending" message older than this was interrupted
# A generous count of one send's exchanges with the server (connect, greeting, EHLO,
# STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, the text, QUIT), each waiting at most
# TISC_MAIL_TIMEOUT: a claim is never taken back sooner than that many timeouts.
EXCHANGES_PER_SEND = 20
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    failed: int = 0
    claimed: int = 0  # messages this deliverer claimed (some may have been taken back)
    last_id: int = 0  # the highest id claimed


def deliver(
    *,
    retry: bool = False,
    limit: int = BATCH,
    after: int = 0,
    stopping: threading.Event | None = None,
) -> DeliveryReport:
    """Render and send queued messages, and failed ones whose next attempt is due;
    with ``retry`` (an operator's ``tisc send-mail``), every failed one now. Only
    messages whose id is above ``after``; once ``stopping`` is set, no further message
    is sent and the rest of the batch is given back.

    Rendering only reads, and no transaction is open while the mail server is talked
    to. Without a mail server the batch takes two short write transactions whatever its
    size (claim, record); with one, each message is held just before it is sent and its
    outcome recorded just after, one short transaction each, so that whatever happens
    later in the batch a message that went out is never left for another deliverer to
    send again. Messages said alike (a centre's staff told of one event) are rendered
    once per language."""
    claims = _claim(retry, limit, after)
    if not claims:
        return DeliveryReport()
    rendered, outcomes = _render(list(claims))
    delivered: Counter = Counter()
    if not current_app.config.get("MAIL_SERVER"):  # nothing leaves: one transaction
        outcomes |= dict.fromkeys(rendered, (Delivery.KEPT, ""))
        delivered.update(_record(claims, outcomes, rendered).values())
    else:
        if outcomes:  # those that could not be rendered
            delivered.update(_record(claims, outcomes, rendered).values())
        delivered.update(_send_each(claims, rendered, stopping).values())
    return DeliveryReport(
        sent=delivered[Delivery.SENT],
        kept=delivered[Delivery.KEPT],
        failed=delivered[Delivery.FAILED] + delivered[Delivery.GAVE_UP],
        claimed=len(claims),
        last_id=max(claims),
    )


def deliver_all(*, retry: bool = False) -> DeliveryReport:
    """Everything due, a batch at a time (the CLI's way: a batch is held for no longer
    than the worker's), each message tried once however many batches fail."""
    total = DeliveryReport()
    while True:
        report = deliver(retry=retry, limit=BATCH, after=total.last_id)
        total.sent += report.sent
        total.kept += report.kept
        total.failed += report.failed
        total.claimed += report.claimed
        total.last_id = max(total.last_id, report.last_id)
        if report.claimed < BATCH:
            return total


def taken_back_after() -> timedelta:
    """How old a claim must be for another deliverer to take its message back: longer
    than one send can take, since a deliverer holds each message again just before
    sending it."""
    timeout = timedelta(seconds=current_app.config["TISC_MAIL_TIMEOUT"])
    return max(STUCK_AFTER, EXCHANGES_PER_SEND * timeout)


def _deliverable(retry: bool, now: datetime):
    due_again = OutboxMessage.delivery == Delivery.FAILED
    if not retry:
        due_again = due_again & (OutboxMessage.next_attempt_at <= now)
    interrupted = sa.and_(
        OutboxMessage.delivery == Delivery.SENDING,
        OutboxMessage.claimed_at < now - taken_back_after(),
    )
    return (OutboxMessage.delivery == Delivery.QUEUED) | due_again | interrupted


def next_attempt_after(attempts: int, now: datetime) -> datetime:
    """Back-off after a failed attempt: 1, 2, 4 … minutes, at most six hours."""
    return now + min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def _claim(retry: bool, limit: int, after: int = 0) -> dict[int, int]:
    """Mark up to ``limit`` due messages as being sent; the ones this process got, each
    with its ``attempts``, which marks this claim (every claim raises it).

    Whether any is due is looked at by a read first, so that a round with nothing due does
    not wait for the turn to write. The batch is chosen inside the write, among the
    messages still due then (on PostgreSQL, skipping those another worker is claiming at
    that moment): two workers take two batches, and each message is sent once."""
    now = utcnow()
    due = _deliverable(retry, now) & (OutboxMessage.id > after)
    if not db.session.scalar(sa.select(sa.exists().where(due))):
        return {}
    return _claimed(retry, limit, now, after)


@use_case
def _claimed(retry: bool, limit: int, now: datetime, after: int = 0) -> dict[int, int]:
    # The batch is chosen once, in a materialized CTE: as a subquery of the UPDATE,
    # PostgreSQL may run it again for each row it looks at (the inner side of a nested
    # loop), and SKIP LOCKED then finds other rows each time while another worker claims:
    # one worker took twelve messages of a batch of six, and the other none.
    batch = (
        sa.select(OutboxMessage.id)
        .where(_deliverable(retry, now), OutboxMessage.id > after)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("batch")
        .prefix_with("MATERIALIZED")
    )
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(sa.select(batch.c.id)), _deliverable(retry, now))
        .values(delivery=Delivery.SENDING, attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .returning(OutboxMessage.id, OutboxMessage.attempts)
        .execution_options(synchronize_session=False)
    )
    return {message_id: attempts for message_id, attempts in sorted(claimed)}


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
    from tisc.mail import smtp  # Flask-Mail: loaded by a process that sends (see smtp)

    try:
        smtp.send(text.subject, text.to_address, text.body_text, text.body_html)
    except Exception as failure:  # any failure of the mail server leaves it for a retry
        log.warning("sending outbox message %s failed: %s", message_id, failure)
        return Delivery.FAILED, f"{type(failure).__name__}: {failure}"
    return Delivery.SENT, ""


def _send_each(
    claims: dict[int, int], rendered: dict[int, Rendered], stopping: threading.Event | None
) -> dict[int, Delivery]:
    """Send the rendered messages one by one, each held just before and recorded just
    after; a message another deliverer took back meanwhile is left to it."""
    recorded: dict[int, Delivery] = {}
    ids = list(rendered)
    for position, message_id in enumerate(ids):
        if stopping is not None and stopping.is_set():
            _give_back(claims, ids[position:])
            break
        if not _hold(message_id, claims):
            log.warning("outbox message %s was taken back by another deliverer", message_id)
            continue
        outcome = _send(message_id, rendered[message_id])
        recorded |= _record(claims, {message_id: outcome}, rendered)
    return recorded


def _still_claimed(claims: dict[int, int], ids: list[int]) -> list[OutboxMessage]:
    """Those of ``ids`` whose claim is still the one this deliverer made, read afresh and
    locked until the transaction ends (on SQLite, the writer's turn is held already)."""
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.delivery == Delivery.SENDING)
        .order_by(OutboxMessage.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return [message for message in messages if message.attempts == claims[message.id]]


@use_case
def _hold(message_id: int, claims: dict[int, int]) -> bool:
    """Renew the claim on a message about to be sent, if it is still this deliverer's, so
    that it is not taken back before the send is over (:func:`taken_back_after`)."""
    for message in _still_claimed(claims, [message_id]):
        message.claimed_at = utcnow()
        return True
    return False


@use_case
def _give_back(claims: dict[int, int], ids: list[int]) -> None:
    """Messages claimed but not tried (the deliverer is stopping): due again at once, as
    they were, for the next deliverer."""
    for message in _still_claimed(claims, ids):
        message.attempts -= 1
        message.delivery = Delivery.FAILED if message.attempts else Delivery.QUEUED
        message.next_attempt_at = utcnow()


@use_case
def _record(
    claims: dict[int, int], outcomes: dict[int, Outcome], rendered: dict[int, Rendered]
) -> dict[int, Delivery]:
    """Each attempt's outcome, with the text sent (kept for the mailbox page and for a
    retry); a failure is retried later, or given up after the last attempt. Only where
    the claim is still this deliverer's: one taken back is the other deliverer's to
    record."""
    now = utcnow()
    recorded = {}
    for message in _still_claimed(claims, list(outcomes)):
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
