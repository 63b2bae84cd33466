"""Reading the outbox in tests."""

import re

import sqlalchemy as sa

from tisc.extensions import db
from tisc.mail import delivery
from tisc.models import OutboxMessage

LINK = re.compile(r"https?://\S+")


def outbox(app, kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    """Every message (rendered and delivered first), oldest first, detached."""
    with app.app_context():
        delivery.deliver(retry=False, limit=10_000)
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        messages = list(db.session.scalars(query))
        db.session.expunge_all()
        return messages


def link_in(message: OutboxMessage) -> str:
    return LINK.search(message.body_text)[0]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
