"""Reading the outbox: a person's kept messages (demo mailbox), the latest ones (CLI), and
those that could not be delivered (the coordinator's)."""

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
