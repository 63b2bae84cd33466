"""What changed since a person last looked: the header's count and the "new" marks.

An inventor follows their requests; staff follow the open requests assigned
to them. When someone else changes a request (internal notes aside), its
followers' rows turn unread; opening the request reads it. Counting reads
those rows only, and stops at :data:`COUNT_CAP`.
"""

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.catalogue import Role
from tisc.extensions import db
from tisc.models import RequestRead, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case

COUNT_CAP = 99


def mark_changed(service_request: ServiceRequest, actor_id: int) -> None:
    """Inside a use case: the request changed for its followers other than the actor."""
    followers = {service_request.inventor_id, service_request.assignee_id} - {None, actor_id}
    for user_id in followers:
        _upsert(user_id, service_request.id, unread=True)


def changed_count(user: User) -> int:
    """How many followed requests changed since the user looked, at most :data:`COUNT_CAP`."""
    followed = _followed(user)
    if followed is None:
        return 0
    unread = (
        sa.select(RequestRead.request_id)
        .join(ServiceRequest, ServiceRequest.id == RequestRead.request_id)
        .where(RequestRead.user_id == user.id, RequestRead.unread, followed)
        .limit(COUNT_CAP)
        .subquery()
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(unread)) or 0


def changed_among(user: User, request_ids: list[int]) -> set[int]:
    """Which of these requests changed since ``user`` last opened them."""
    if not request_ids:
        return set()
    query = sa.select(RequestRead.request_id).where(
        RequestRead.user_id == user.id,
        RequestRead.unread,
        RequestRead.request_id.in_(request_ids),
    )
    return set(db.session.scalars(query))


def needs_marking(user: User, service_request: ServiceRequest) -> bool:
    read = db.session.get(RequestRead, (user.id, service_request.id))
    return read is not None and read.unread


@use_case
def mark_seen(user_id: int, request_id: int) -> None:
    _upsert(user_id, request_id, unread=False)


def _followed(user: User):
    if user.role is Role.INVENTOR:
        return ServiceRequest.inventor_id == user.id
    if user.role is Role.STAFF:
        return sa.and_(ServiceRequest.assignee_id == user.id, ServiceRequest.closed_at.is_(None))
    return None


def _upsert(user_id: int, request_id: int, *, unread: bool) -> None:
    values = {"unread": unread} if unread else {"unread": False, "seen_at": utcnow()}
    db.session.execute(
        upsert_insert(db.session, RequestRead)
        .values(user_id=user_id, request_id=request_id, **values)
        .on_conflict_do_update(index_elements=["user_id", "request_id"], set_=values)
    )
