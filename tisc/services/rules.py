"""The domain's named rules in SQL, for queries that must agree with them.

Each condition here is the database's form of a rule stated in plain Python
in ``tisc/domain`` (named beside it), so lists, counts and figures select
exactly what the pages and the workflow mean.
"""

from datetime import datetime

import sqlalchemy as sa

from tisc.domain.catalogue import CentreKind, CentreStatus, Role
from tisc.domain.workflow import CLOCK_RUNNING, OPEN_STATUSES
from tisc.models import Centre, QueueCount, ServiceRequest, User


def is_open() -> sa.ColumnElement[bool]:
    """``status in OPEN_STATUSES``: ``closed_at`` is set exactly while a request is closed,
    and the queue's partial indexes are built on it."""
    return ServiceRequest.closed_at.is_(None)


def is_overdue(now: datetime) -> sa.ColumnElement[bool]:
    """:func:`tisc.domain.workflow.is_overdue` in SQL."""
    return sa.and_(
        ServiceRequest.closed_at.is_(None),
        ServiceRequest.status.in_(CLOCK_RUNNING),
        ServiceRequest.due_at < now,
    )


def has_question_waiting() -> sa.ColumnElement[bool]:
    """A question of the inventor's about a completed request waits for the centre
    (``RequestState.question_since``); the partial index of the questions is built on it."""
    return ServiceRequest.question_since.is_not(None)


def is_active_tisc() -> sa.ColumnElement[bool]:
    """:func:`tisc.domain.catalogue.is_active_tisc` in SQL."""
    return sa.and_(Centre.kind == CentreKind.TISC, Centre.status == CentreStatus.ACTIVE)


def is_active_staff_of(centre_id: int | sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """:func:`tisc.domain.permissions.is_staff_of` in SQL: who works ``centre_id``'s requests
    (a column: each request's centre). For a request's assignee, it is
    :func:`~tisc.domain.permissions.can_view_request`: assignees are never its inventor."""
    return sa.and_(User.centre_id == centre_id, User.role == Role.STAFF, User.active.is_(True))


# ``(centre_id, open)`` rows from the status counters, never scanning the requests.
# Built once: every submission routes with it.
OPEN_REQUESTS_PER_CENTRE = (
    sa.select(QueueCount.centre_id, sa.func.sum(QueueCount.count).label("open"))
    .where(QueueCount.status.in_(OPEN_STATUSES))
    .group_by(QueueCount.centre_id)
)
