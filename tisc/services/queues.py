"""Lists of requests: the staff desk, the office overview, an inventor's own.

Pages are cut with keyset pagination (``WHERE (sort_key, id) > cursor``), so
the thousandth page costs what the first does, and counts come from
:class:`~tisc.models.QueueCount`, so they never scan the requests.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from tisc.domain.catalogue import N_, Role, Service
from tisc.domain.errors import Invalid
from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.models.base import UTCDateTime
from tisc.services import rules
from tisc.services.counters import queue_counts

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
QUESTIONS = "questions"  # the desk's filter of questions after completion
_CURSOR = re.compile(r"^(-?\d{1,20})\.(\d{1,18})$", re.ASCII)
# Lists never show the long texts; leave them in the database.
LIST_ONLY = (
    defer(ServiceRequest.description),
    defer(ServiceRequest.outcome_summary),
    defer(ServiceRequest.rating_comment),
)


@dataclass(frozen=True)
class Cursor:
    """A position in a sorted list: the sort value and id of a row."""

    moment: datetime
    row_id: int

    def encode(self) -> str:
        return f"{(self.moment - EPOCH) // timedelta(microseconds=1)}.{self.row_id}"

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        match = _CURSOR.match(text or "")
        if not match:
            raise Invalid("cursor", N_("That page link is not valid."))
        try:
            moment = EPOCH + timedelta(microseconds=int(match[1]))
        except OverflowError:
            raise Invalid("cursor", N_("That page link is not valid.")) from None
        return cls(moment, int(match[2]))


@dataclass(frozen=True)
class Filters:
    status: str = "open"  # open | all | questions (after completion, desk only) | a status
    service: str = ""
    assignee: str = "any"  # me | unassigned | any (desk only)
    centre_id: int | None = None  # office only
    region_code: str = ""  # office only
    overdue: bool = False
    sort: str = "due"  # due | age (desk); the office lists newest first


@dataclass
class Page:
    rows: list[ServiceRequest]
    next_cursor: str | None = None
    previous_cursor: str | None = None


def desk_page(
    staff: User,
    filters: Filters,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    now: datetime | None = None,
) -> Page:
    """A page of the staff member's centre queue."""
    if staff.role is not Role.STAFF or staff.centre_id is None:
        return Page([])
    query = _filtered(filters, now).where(ServiceRequest.centre_id == staff.centre_id)
    if filters.assignee == "me":
        query = query.where(ServiceRequest.assignee_id == staff.id)
    elif filters.assignee == "unassigned":
        query = query.where(ServiceRequest.assignee_id.is_(None))
    sort_column = ServiceRequest.created_at if filters.sort == "age" else ServiceRequest.due_at
    return _keyset(query, sort_column, descending=False, after=after, before=before, size=size)


def office_page(
    filters: Filters,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    now: datetime | None = None,
) -> Page:
    """A page of every request in the network, newest first (metadata only is shown)."""
    query = _filtered(filters, now)
    if filters.centre_id is not None:
        query = query.where(ServiceRequest.centre_id == filters.centre_id)
    if filters.region_code:
        query = query.where(ServiceRequest.region_code == filters.region_code)
    return _keyset(
        query, ServiceRequest.created_at, descending=True, after=after, before=before, size=size
    )


def inventor_page(
    inventor: User, after: str | None = None, before: str | None = None, size: int = 25
) -> Page:
    query = (
        sa.select(ServiceRequest)
        .where(ServiceRequest.inventor_id == inventor.id)
        .options(joinedload(ServiceRequest.assignee), *LIST_ONLY)
    )
    return _keyset(
        query, ServiceRequest.created_at, descending=True, after=after, before=before, size=size
    )


def status_counts(centre_id: int | None = None) -> dict[Status, int]:
    return queue_counts(None if centre_id is None else [centre_id])


def question_count(centre_id: int) -> int:
    """A centre's questions about completed requests waiting for an answer."""
    query = sa.select(sa.func.count(ServiceRequest.id)).where(
        ServiceRequest.centre_id == centre_id, rules.has_question_waiting()
    )
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class Capped:
    """A count that stopped at its cap: shown as "999+" when ``more``."""

    value: int
    more: bool


OVERDUE_CAP = 999


def overdue_count(centre_id: int | None = None, now: datetime | None = None) -> Capped:
    """Overdue open requests, counted up to :data:`OVERDUE_CAP` so that a long backlog
    costs no more than a short one."""
    query = sa.select(ServiceRequest.id).where(rules.is_overdue(now or datetime.now(UTC)))
    if centre_id is not None:
        query = query.where(ServiceRequest.centre_id == centre_id)
    capped = query.limit(OVERDUE_CAP + 1).subquery()
    value = db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0
    return Capped(min(value, OVERDUE_CAP), value > OVERDUE_CAP)


def _filtered(filters: Filters, now: datetime | None):
    # Centre and region names come from the cached cards (network.py), not joins.
    query = sa.select(ServiceRequest).options(joinedload(ServiceRequest.assignee), *LIST_ONLY)
    return query.where(*_conditions(filters, now))


def _conditions(filters: Filters, now: datetime | None) -> list:
    conditions = []
    if filters.status == "open":
        conditions.append(rules.is_open())
    elif filters.status == QUESTIONS:
        conditions.append(rules.has_question_waiting())
    elif filters.status != "all":
        conditions.append(ServiceRequest.status == Status(filters.status))
    if filters.service:
        conditions.append(ServiceRequest.service == Service(filters.service))
    if filters.overdue:
        conditions.append(rules.is_overdue(now or datetime.now(UTC)))
    return conditions


EXPORT_COLUMNS = (
    ServiceRequest.id, ServiceRequest.reference, ServiceRequest.title, ServiceRequest.service,
    ServiceRequest.centre_id, ServiceRequest.region_code, ServiceRequest.status,
    ServiceRequest.created_at, ServiceRequest.due_at, ServiceRequest.closed_at,
    ServiceRequest.outcome, ServiceRequest.hours_spent, ServiceRequest.documents_cited,
    ServiceRequest.rating, ServiceRequest.turnaround_days, ServiceRequest.requester_category,
    User.name.label("assignee_name"),
)  # fmt: skip


def export_rows(
    filters: Filters,
    desk: tuple[int, int] | None = None,
    now: datetime | None = None,
    batch: int = 2000,
) -> Iterator[sa.Row]:
    """Every row of a list with its filters, as plain rows read in keyset batches, so
    that an export of a million rows holds one batch at a time. ``desk``: (staff id, centre id),
    the centre's
    desk, in its order; else the office's list, newest first. Exports never read the
    description or any text but the title (which only the desk shows)."""
    query = (
        sa.select(*EXPORT_COLUMNS)
        .outerjoin(User, User.id == ServiceRequest.assignee_id)
        .where(*_conditions(filters, now))
    )
    if desk is not None:
        staff_id, centre_id = desk
        query = query.where(ServiceRequest.centre_id == centre_id)
        if filters.assignee == "me":
            query = query.where(ServiceRequest.assignee_id == staff_id)
        elif filters.assignee == "unassigned":
            query = query.where(ServiceRequest.assignee_id.is_(None))
        sort = ServiceRequest.created_at if filters.sort == "age" else ServiceRequest.due_at
        descending = False
    else:
        if filters.centre_id is not None:
            query = query.where(ServiceRequest.centre_id == filters.centre_id)
        if filters.region_code:
            query = query.where(ServiceRequest.region_code == filters.region_code)
        sort, descending = ServiceRequest.created_at, True
    order = (sort.desc(), ServiceRequest.id.desc()) if descending else (
        sort.asc(), ServiceRequest.id.asc()
    )  # fmt: skip
    cursor = None
    while True:
        page = query
        if cursor is not None:
            key = sa.tuple_(sort, ServiceRequest.id)
            bound = sa.tuple_(sa.literal(cursor[0], UTCDateTime()), sa.literal(cursor[1]))
            page = page.where(key < bound if descending else key > bound)
        rows = db.session.execute(page.order_by(*order).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        cursor = (getattr(rows[-1], sort.key), rows[-1].id)


def _keyset(query, sort_column, *, descending, after, before, size) -> Page:
    """Cut one page from ``query`` ordered by (``sort_column``, id)."""
    key = sa.tuple_(sort_column, ServiceRequest.id)
    backwards = before is not None and after is None
    cursor = Cursor.decode(before if backwards else after) if (after or before) else None
    if cursor is not None:
        bound = sa.tuple_(sa.literal(cursor.moment, UTCDateTime()), sa.literal(cursor.row_id))
        # Moving forwards in a descending list, or backwards in an ascending one, goes down.
        query = query.where(key < bound if descending != backwards else key > bound)
    ascending = descending == backwards
    order = (sort_column.asc(), ServiceRequest.id.asc()) if ascending else (
        sort_column.desc(), ServiceRequest.id.desc()
    )  # fmt: skip
    rows = list(db.session.scalars(query.order_by(*order).limit(size + 1)).unique())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = Page(rows)
    if rows:
        first = Cursor(getattr(rows[0], sort_column.key), rows[0].id).encode()
        last = Cursor(getattr(rows[-1], sort_column.key), rows[-1].id).encode()
        page.next_cursor = last if (more or backwards) else None
        page.previous_cursor = first if (cursor is not None and (more or not backwards)) else None
    return page
