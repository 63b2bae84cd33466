"""Reading the outbox: a person's kept messages (demo mailbox) and the latest ones (CLI)."""

import sqlalchemy as sa

from tisc.extensions import db
from tisc.models import Delivery, OutboxMessage, User


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
