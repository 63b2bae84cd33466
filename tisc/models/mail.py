"""The outbox: every e-mail the product sends, queued in the transaction that caused it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tisc.models.accounts import User
from tisc.models.base import Base, UTCDateTime, enum_type, partial_index, utcnow


class Delivery(StrEnum):
    QUEUED = "queued"  # waiting for its first attempt
    SENDING = "sending"  # claimed by a worker; see ``claimed_at``
    SENT = "sent"
    FAILED = "failed"  # the mail server refused or was down; tried again at ``next_attempt_at``
    GAVE_UP = "gave_up"  # failed ``TISC_MAIL_MAX_ATTEMPTS`` times: the coordinator sees it
    KEPT = "kept"  # no mail server configured: kept here, readable in the mailbox page


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The address at the time of queueing (an e-mail change confirms the new one).
    to_address: Mapped[str] = mapped_column(sa.String(254))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_requests.id"))
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Makes a message that must go once (a day's digest) unique.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Filled when the message is rendered, in the recipient's language.
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)

    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery), default=Delivery.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # after a failure
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_outbox_messages_delivery", "delivery", "id"),
        sa.Index("ix_outbox_messages_recipient", "recipient_id", "id"),
        # The copies the daily job will empty (``outbox.empty_old_copies``); emptied ones leave it.
        partial_index(
            "ix_outbox_messages_copies",
            "delivery",
            "sent_at",
            where="body_text IS NOT NULL",
        ),
    )


class RequestRead(Base):
    """A follower's view of a request: changed since they last looked (``unread``) or not.

    Set unread when someone else changes the request, read when they open it,
    so the header's count reads a handful of rows, never the requests.
    """

    __tablename__ = "request_reads"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"), primary_key=True)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unread: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        partial_index(
            "ix_request_reads_unread",
            "user_id",
            "request_id",
            where="unread",
            sqlite_where="unread = 1",
        ),
    )
