"""Reading the outbox in tests."""

import re

import sqlalchemy as sa

from tisc.extensions import db
from tisc.mail import delivery
from tisc.mail.compose import render
from tisc.models import OutboxMessage

LINK = re.compile(r"https?://\S+")


def outbox(app, kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    """Every message (rendered and delivered first), oldest first, detached.

    A live server's thread may have claimed a message and not rendered it yet: such a
    message is rendered here for reading, as it will be sent, and nothing is saved."""
    with app.app_context():
        delivery.deliver(retry=False, limit=10_000)
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        messages = list(db.session.scalars(query))
        with db.session.no_autoflush:
            for message in messages:
                if message.subject is None:
                    render(message)
        db.session.expunge_all()
        return messages


def link_in(message: OutboxMessage) -> str:
    return LINK.search(message.body_text)[0]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
