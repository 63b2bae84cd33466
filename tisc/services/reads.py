"""What changed since a person last looked: the header's count and the "new" marks.

An inventor follows all their requests; staff follow the open ones assigned
to them. Internal notes do not count: they do not touch ``updated_at``.
"""

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.catalogue import Role
from tisc.extensions import db
from tisc.models import RequestRead, ServiceRequest, User
from tisc.models.base import utcnow
from tisc.services.unit_of_work import use_case


def _followed(user: User):
    if user.role is Role.INVENTOR:
        return ServiceRequest.inventor_id == user.id
    if user.role is Role.STAFF:
        return sa.and_(ServiceRequest.assignee_id == user.id, ServiceRequest.closed_at.is_(None))
    return None


def _changed(user: User):
    seen = (
        sa.select(RequestRead.seen_at)
        .where(RequestRead.user_id == user.id, RequestRead.request_id == ServiceRequest.id)
        .scalar_subquery()
    )
    return sa.or_(seen.is_(None), ServiceRequest.updated_at > seen)


def changed_count(user: User) -> int:
    followed = _followed(user)
    if followed is None:
        return 0
    query = sa.select(sa.func.count()).select_from(ServiceRequest).where(followed, _changed(user))
    return db.session.scalar(query) or 0


def changed_among(user: User, request_ids: list[int]) -> set[int]:
    """Which of these requests changed since ``user`` last opened them."""
    followed = _followed(user)
    if followed is None or not request_ids:
        return set()
    query = sa.select(ServiceRequest.id).where(
        ServiceRequest.id.in_(request_ids), followed, _changed(user)
    )
    return set(db.session.scalars(query))


def needs_marking(user: User, service_request: ServiceRequest) -> bool:
    seen = db.session.get(RequestRead, (user.id, service_request.id))
    return seen is None or seen.seen_at < service_request.updated_at


@use_case
def mark_seen(user_id: int, request_id: int) -> None:
    now = utcnow()
    db.session.execute(
        upsert_insert(db.session, RequestRead)
        .values(user_id=user_id, request_id=request_id, seen_at=now)
        .on_conflict_do_update(index_elements=["user_id", "request_id"], set_={"seen_at": now})
    )
