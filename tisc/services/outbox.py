"""Reading the outbox: a person's kept messages (demo mailbox), the latest ones (CLI), and
those that could not be delivered, with how the rest stand (the coordinator's); and
emptying old copies of sent ones.

A sent message's row stays for good (who was told what kind of thing about which request,
when, and the key that keeps a digest from going twice); its copy of the text, which may
quote a request's messages or result, is emptied ``Policy.keep_sent_mail_days`` after
sending, so that the outbox does not keep confidential content, or grow by four rendered
e-mails a submission, for ever."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tisc.domain.policy import Policy
from tisc.extensions import db
from tisc.models import Delivery, OutboxMessage, User
from tisc.services.unit_of_work import use_case

EMPTIED_PER_TRANSACTION = 1000


def kept_for(user: User, limit: int = 30) -> list[OutboxMessage]:
    """Messages to this person that were rendered and kept, newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_id == user.id, OutboxMessage.delivery == Delivery.KEPT)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def latest(to_address: str | None = None, limit: int = 10) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if to_address:
        query = query.where(OutboxMessage.to_address == to_address.strip().lower())
    return list(db.session.scalars(query))


def undeliverable(limit: int = 200) -> list[OutboxMessage]:
    """Messages given up after their last attempt, and failed ones waiting for another."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.delivery.in_([Delivery.GAVE_UP, Delivery.FAILED]))
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Standing:
    """How the outbox stands, for the national office: what was never sent, besides the
    failures it lists."""

    # Rendered and kept, never sent: no mail server was set up when they were delivered
    # (and kept messages are not sent later, whatever is set up since).
    kept: int = 0
    last_kept_at: datetime | None = None
    waiting: int = 0  # queued, or being sent now
    failed: int = 0  # tried again later
    given_up: int = 0
    last_sent_at: datetime | None = None  # of the newest message sent; None: none ever was


def standing() -> Standing:
    """Counts of the messages not sent, each kind of delivery read by the outbox's index
    (sent ones are never counted: there may be millions), and when the newest sent one
    went."""
    unsent = [delivery for delivery in Delivery if delivery is not Delivery.SENT]
    # Counts and newest ids from the index on (delivery, id) alone: a site without a mail
    # server keeps every message, millions of rows the page must not read.
    rows = db.session.execute(
        sa.select(OutboxMessage.delivery, sa.func.count(), sa.func.max(OutboxMessage.id))
        .where(OutboxMessage.delivery.in_(unsent))
        .group_by(OutboxMessage.delivery)
    ).all()
    counts = {delivery: count for delivery, count, _newest in rows}
    newest_kept = next((newest for d, _count, newest in rows if d == Delivery.KEPT), None)
    last_kept_at = newest_kept and db.session.scalar(
        sa.select(OutboxMessage.created_at).where(OutboxMessage.id == newest_kept)
    )
    last_sent_at = db.session.scalar(
        sa.select(OutboxMessage.sent_at)
        .where(OutboxMessage.delivery == Delivery.SENT)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return Standing(
        kept=counts.get(Delivery.KEPT, 0),
        last_kept_at=last_kept_at,
        waiting=counts.get(Delivery.QUEUED, 0) + counts.get(Delivery.SENDING, 0),
        failed=counts.get(Delivery.FAILED, 0),
        given_up=counts.get(Delivery.GAVE_UP, 0),
        last_sent_at=last_sent_at,
    )


def empty_old_copies(today: date, now: datetime, policy: Policy) -> int:
    """The daily job: empty the subject, texts and context of messages sent more than
    ``policy.keep_sent_mail_days`` ago; how many.

    A thousand per transaction, so that the first run over years of mail never keeps
    submissions waiting for long. Kept (no mail server), failed and given-up messages keep
    their copies: they are read on the mailbox page or sent again."""
    sent_before = now - timedelta(days=policy.keep_sent_mail_days)
    emptied = 0
    while done := _empty_some(sent_before):
        emptied += done
        if done < EMPTIED_PER_TRANSACTION:
            break
    return emptied


@use_case
def _empty_some(sent_before: datetime) -> int:
    some = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.delivery == Delivery.SENT,
            OutboxMessage.sent_at < sent_before,
            OutboxMessage.body_text.is_not(None),
        )
        .limit(EMPTIED_PER_TRANSACTION)
    ).all()
    if some:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(some))
            .values(subject=None, body_text=None, body_html=None, context={})
            .execution_options(synchronize_session=False)
        )
    return len(some)
