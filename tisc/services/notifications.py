"""Queueing e-mails in the outbox, inside the use case's transaction.

Nothing is rendered or sent here: the outbox row records who, what and
about which request, and commits or rolls back with the action itself.
Delivery happens after the commit (``tisc/mail``).
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tisc.domain import workflow
from tisc.domain.notifications import RECEIPTS, Audience, Kind, wanted
from tisc.domain.permissions import Actor, can_view_request
from tisc.extensions import db
from tisc.models import Centre, OutboxMessage, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services import rules


def queue(
    kind: Kind,
    recipient: User,
    *,
    to_address: str | None = None,
    service_request: ServiceRequest | None = None,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        kind=kind.value,
        recipient_id=recipient.id,
        to_address=to_address or recipient.email,
        request_id=service_request.id if service_request is not None else None,
        context=context or {},
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    return message


def queue_for_events(
    service_request: ServiceRequest, events: list[workflow.Event], actor: Actor
) -> int:
    """Queue what ``events`` tell people, in one statement; how many messages were queued.

    Only people who may open the request now are told anything about it.
    """
    rows = []
    for event in events:
        notices = () if event.internal else workflow.SPECS[event.action].notices(actor.role)
        for kind, audience in notices:
            for person in _audience(service_request, audience):
                if person.id == actor.user_id and kind not in RECEIPTS:
                    continue
                recipient = Actor(person.id, person.role, person.centre_id, person.active)
                if not can_view_request(recipient, service_request):
                    continue
                if not wanted(kind, person.role, person.muted_notifications):
                    continue
                rows.append(
                    {"kind": kind.value, "recipient_id": person.id, "to_address": person.email,
                     "request_id": service_request.id, "context": _context(event)}
                )  # fmt: skip
    if rows:
        db.session.connection().execute(sa.insert(OutboxMessage.__table__), rows)
    return len(rows)


def queue_digests(today: date, now: datetime | None = None, soon_days: int = 2) -> int:
    """Queue each staff member's digest of overdue and soon-due requests for ``today``.

    Safe to run twice: a digest is keyed by person and day.
    """
    now = now or utcnow()
    horizon = now + timedelta(days=soon_days)
    queued = 0
    centres = db.session.scalars(sa.select(Centre).where(rules.is_active_tisc()))
    for centre in centres:
        due_ids = list(
            db.session.scalars(
                sa.select(ServiceRequest.id)
                # Overdue now, or by the horizon.
                .where(ServiceRequest.centre_id == centre.id, rules.is_overdue(horizon))
                .order_by(ServiceRequest.due_at)
                .limit(200)
            )
        )
        if not due_ids:
            continue
        for person in _staff_of(centre.id):
            key = f"digest:{person.id}:{today.isoformat()}"
            if not wanted(Kind.DAILY_DIGEST, person.role, person.muted_notifications):
                continue
            if db.session.scalar(
                sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
            ):
                continue
            queue(
                Kind.DAILY_DIGEST,
                person,
                dedupe_key=key,
                context={"day": today.isoformat(), "request_ids": due_ids, "now": now.isoformat()},
            )
            queued += 1
    return queued


def _audience(service_request: ServiceRequest, audience: Audience) -> list[User]:
    # By id: the relationships may not reflect this use case's changes yet.
    if audience is Audience.INVENTOR:
        return [db.session.get(User, service_request.inventor_id)]
    if audience in (Audience.ASSIGNEE, Audience.ASSIGNEE_ELSE_STAFF):
        assignee_id = service_request.assignee_id
        assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
        if assignee is not None and can_view_request(assignee.actor, service_request):
            return [assignee]
        if audience is Audience.ASSIGNEE:
            return []
    return _staff_of(service_request.centre_id)


def _staff_of(centre_id: int):
    """The centre's active staff, as the rows a notification needs (not whole accounts)."""
    return db.session.execute(_STAFF, {"centre_id": centre_id}).all()


_STAFF = sa.select(
    User.id, User.email, User.role, User.centre_id, User.active, User.muted_notifications
).where(rules.is_active_staff_of(sa.bindparam("centre_id")))


def _context(event: workflow.Event) -> dict:
    return {
        "action": event.action.value,
        "text": event.text,
        "from_centre_id": event.from_centre_id,
        "to_centre_id": event.to_centre_id,
    }
