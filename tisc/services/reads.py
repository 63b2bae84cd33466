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
    statement = _CHANGED_COUNT.get(user.role)
    if statement is None:
        return 0
    return db.session.scalar(statement, {"user_id": user.id}) or 0


def changed_count_column(role: Role) -> sa.ScalarSelect:
    """:func:`changed_count` for a ``role`` that follows requests, as a column of another
    statement that asks it with the parameter ``user_id``: a page that asks the database
    for other counts saves a round trip."""
    return _CHANGED_COUNT[role].scalar_subquery()


def changed_mark(reader_id: int | sa.BindParameter) -> sa.ColumnElement[bool]:
    """For a query of requests: whether each changed since the reader last opened it (a
    column of that query, a primary-key lookup a row); ``reader_id`` may be a bound
    parameter, for a statement built once.

    The reader's row read as a value, not tested with EXISTS: PostgreSQL may turn an
    EXISTS into a hash of all the reader's unread rows, built for every page (2,000 for
    a busy desk, ten times the work of the page's 25 lookups); a value it looks up."""
    unread = sa.select(RequestRead.unread).where(
        RequestRead.user_id == reader_id, RequestRead.request_id == ServiceRequest.id
    )
    return sa.func.coalesce(unread.scalar_subquery(), sa.false())


@use_case
def mark_seen(user_id: int, request_id: int) -> None:
    _upsert(user_id, request_id, unread=False)


def _changed_count(followed) -> sa.Select:
    """The header's count for the requests ``followed`` by the person ``user_id``.

    Each unread row's request is looked up by its key, a scalar subquery rather than a
    join: joined, PostgreSQL may read all of an inventor's requests into a hash (hundreds
    at a million requests) on every page, to find the few that changed."""
    still_followed = (
        sa.select(ServiceRequest.id)
        .where(ServiceRequest.id == RequestRead.request_id, followed)
        .scalar_subquery()
    )
    unread = (
        sa.select(RequestRead.request_id)
        .where(
            RequestRead.user_id == sa.bindparam("user_id"),
            RequestRead.unread,
            still_followed.is_not(None),
        )
        .limit(COUNT_CAP)
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(unread)


# Every signed-in page asks it: built once per role that follows requests.
_CHANGED_COUNT = {
    Role.INVENTOR: _changed_count(ServiceRequest.inventor_id == sa.bindparam("user_id")),
    Role.STAFF: _changed_count(
        sa.and_(
            ServiceRequest.assignee_id == sa.bindparam("user_id"),
            ServiceRequest.closed_at.is_(None),
        )
    ),
}


def _upsert(user_id: int, request_id: int, *, unread: bool) -> None:
    values = {"unread": unread} if unread else {"unread": False, "seen_at": utcnow()}
    db.session.execute(
        upsert_insert(db.session, RequestRead)
        .values(user_id=user_id, request_id=request_id, **values)
        .on_conflict_do_update(index_elements=["user_id", "request_id"], set_=values)
    )
