"""Lists of requests: the staff desk, the office overview, an inventor's own.

Pages are cut with keyset pagination (``WHERE (sort_key, id) > cursor``), so
the thousandth page costs what the first does, and counts come from
:class:`~tisc.models.QueueCount`, so they never scan the requests.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from tisc.domain.catalogue import N_, Role, Service
from tisc.domain.errors import Invalid
from tisc.domain.workflow import Status
from tisc.extensions import db
from tisc.models import ServiceRequest, User
from tisc.models.base import UTCDateTime
from tisc.services import duplicates, reads, rules, search
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
    text: str = ""  # the search box (tisc.services.search)


@dataclass
class Page:
    rows: list  # requests, or rows of LISTED when the list asked for them
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # A search that considered only its newest matches: how many (tisc.services.search.NEWEST).
    capped: int = 0
    # The rows' marks, when the list asked for them: which changed since the reader last
    # opened them, which have an open duplicate flag (ids).
    changed: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)


def desk_page(
    staff: User,
    filters: Filters,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    now: datetime | None = None,
    marked: bool = False,
    listed: bool = False,
) -> Page:
    """A page of the staff member's centre queue; ``marked``: with its rows' marks, read
    in the same statement; ``listed``: its rows as a list shows them (:data:`LISTED`)."""
    if staff.role is not Role.STAFF or staff.centre_id is None:
        return Page([])
    conditions, found, sort_column, descending = _desk_list(staff, filters, now)
    return _keyset(
        conditions, found, sort_column, descending=descending, after=after, before=before,
        size=size, marks=(_DESK_MARKS, staff.id) if marked else None,
        listed=LISTED if listed else None,
    )  # fmt: skip


def office_page(
    coordinator: User,
    filters: Filters,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    now: datetime | None = None,
    listed: bool = False,
) -> Page:
    """A page of every request in the network, newest first (metadata only is shown);
    ``listed``: its rows as the office's list shows them (:data:`LISTED_METADATA`)."""
    conditions, found, sort_column, descending = _office_list(coordinator, filters, now)
    return _keyset(
        conditions, found, sort_column, descending=descending, after=after, before=before,
        size=size, listed=LISTED_METADATA if listed else None,
    )  # fmt: skip


def _desk_list(staff: User, filters: Filters, now: datetime | None):
    """The desk's conditions, search, sort column and direction."""
    conditions, found = _filtered(filters, now, staff)
    conditions.append(ServiceRequest.centre_id == _planned_with("list_centre", staff.centre_id))
    if filters.assignee == "me":
        conditions.append(ServiceRequest.assignee_id == staff.id)
    elif filters.assignee == "unassigned":
        conditions.append(ServiceRequest.assignee_id.is_(None))
    sort_column = ServiceRequest.created_at if filters.sort == "age" else ServiceRequest.due_at
    return conditions, found, sort_column, False


def _office_list(coordinator: User, filters: Filters, now: datetime | None):
    """The office list's conditions, search, sort column and direction."""
    conditions, found = _filtered(filters, now, coordinator)
    if filters.centre_id is not None:
        conditions.append(ServiceRequest.centre_id == filters.centre_id)
    if filters.region_code:
        conditions.append(ServiceRequest.region_code == filters.region_code)
    return conditions, found, ServiceRequest.created_at, True


def inventor_page(
    inventor: User,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    text: str = "",
    now: datetime | None = None,
    marked: bool = False,
    listed: bool = False,
) -> Page:
    """A page of the inventor's own requests, newest first; ``marked``: with which changed
    since they last looked; ``listed``: as a list shows them (:data:`LISTED`)."""
    found = search.condition(inventor.actor, text, now or datetime.now(UTC))
    return _keyset(
        [ServiceRequest.inventor_id == inventor.id], found, ServiceRequest.created_at,
        descending=True, after=after, before=before, size=size,
        marks=(_INVENTOR_MARKS, inventor.id) if marked else None,
        listed=LISTED if listed else None,
    )  # fmt: skip


@dataclass(frozen=True)
class TabCounts:
    mine: "Capped"
    overdue: "Capped"
    questions: int
    unassigned: "Capped"
    changed: int  # the header's count (reads.changed_count), asked in the same statement


def tab_counts(staff: User, now: datetime | None = None) -> TabCounts:
    """The desk's badges - the staff member's open requests (from the index of open
    requests per person, which serves the header too), the centre's overdue and unassigned
    ones (each to :data:`TAB_CAP`) and its waiting questions - and the header's count of
    their requests that changed, in one statement: five round trips to a database server
    are five times its latency."""
    values = {
        "user_id": staff.id, "centre_id": staff.centre_id, "now": now or datetime.now(UTC),
        "read_at_most": TAB_CAP + 1,
    }  # fmt: skip
    mine, overdue, waiting, unassigned, changed = db.session.execute(_TAB_COUNTS, values).one()
    return TabCounts(
        _cut(mine, TAB_CAP), _cut(overdue, TAB_CAP), waiting or 0, _cut(unassigned, TAB_CAP),
        changed or 0,
    )  # fmt: skip


def _tab_counts_statement() -> sa.Select:
    """:func:`tab_counts`' statement, built once (every desk page asks it); the staff
    member is ``user_id``, the parameter :func:`reads.changed_count_column` asks by."""
    centre_id, read_at_most = sa.bindparam("centre_id"), sa.bindparam("read_at_most")
    mine = sa.select(ServiceRequest.id).where(
        ServiceRequest.assignee_id == sa.bindparam("user_id"), rules.is_open()
    )
    overdue = sa.select(ServiceRequest.id).where(
        rules.is_overdue(sa.bindparam("now", type_=UTCDateTime())),
        ServiceRequest.centre_id == centre_id,
    )
    waiting = sa.select(sa.func.count(ServiceRequest.id)).where(
        ServiceRequest.centre_id == centre_id, rules.has_question_waiting()
    )
    # In id order: SQLite (no statistics) would otherwise take the covering index of the
    # centre's completions and read its whole history; the index of open requests nobody
    # holds gives them in that order.
    unassigned = (
        sa.select(ServiceRequest.id)
        .where(
            ServiceRequest.centre_id == centre_id,
            rules.is_open(),
            ServiceRequest.assignee_id.is_(None),
        )
        .order_by(ServiceRequest.id)
    )
    return sa.select(
        _count_to(mine, read_at_most).scalar_subquery(),
        _count_to(overdue, read_at_most).scalar_subquery(),
        waiting.scalar_subquery(),
        _count_to(unassigned, read_at_most).scalar_subquery(),
        reads.changed_count_column(Role.STAFF),
    )


def status_counts(centre_id: int | None = None) -> dict[Status, int]:
    return queue_counts(None if centre_id is None else [centre_id])


@dataclass(frozen=True)
class Capped:
    """A count that stopped at its cap: shown as "999+" when ``more``."""

    value: int
    more: bool


OVERDUE_CAP = 999
# The desk's tabs count to "99+", like the header's changes: a badge says "a lot" as well,
# and a desk of a million requests reads ten times fewer index entries for each.
TAB_CAP = 99


def overdue_count(centre_id: int | None = None, now: datetime | None = None) -> Capped:
    """Overdue open requests, counted up to :data:`OVERDUE_CAP` so that a long backlog
    costs no more than a short one."""
    value = db.session.scalar(_count_to(_overdue(centre_id, now), OVERDUE_CAP + 1)) or 0
    return _cut(value, OVERDUE_CAP)


def _overdue(centre_id: int | None, now: datetime | None):
    query = sa.select(ServiceRequest.id).where(rules.is_overdue(now or datetime.now(UTC)))
    if centre_id is not None:
        query = query.where(ServiceRequest.centre_id == centre_id)
    return query


def _count_to(query, read_at_most):
    """How many rows ``query`` selects, reading at most ``read_at_most`` (one more than
    the cap, to tell "the cap" from "more"; a number or a bound parameter)."""
    return sa.select(sa.func.count()).select_from(query.limit(read_at_most).subquery())


def _cut(value: int, cap: int) -> Capped:
    return Capped(min(value, cap), value > cap)


_TAB_COUNTS = _tab_counts_statement()


def _filtered(filters: Filters, now: datetime | None, user: User):
    """The conditions of the list's filters, and its search (None: none)."""
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
    return conditions, search.condition(user.actor, filters.text, now or datetime.now(UTC))


EXPORT_COLUMNS = (
    ServiceRequest.id, ServiceRequest.reference, ServiceRequest.title, ServiceRequest.service,
    ServiceRequest.centre_id, ServiceRequest.region_code, ServiceRequest.status,
    ServiceRequest.created_at, ServiceRequest.due_at, ServiceRequest.closed_at,
    ServiceRequest.outcome, ServiceRequest.hours_spent, ServiceRequest.documents_cited,
    ServiceRequest.rating, ServiceRequest.turnaround_days, ServiceRequest.requester_category,
    ServiceRequest.preferred_language, User.name.label("assignee_name"),
)  # fmt: skip


# The filters each list has (an export records these, with the values they are set to).
DESK_FILTERS = ("status", "service", "assignee", "overdue", "sort", "text")
OFFICE_FILTERS = ("status", "service", "centre_id", "region_code", "overdue", "text")


def filters_of(user: User, filters: Filters) -> dict:
    """The filters of the list ``user`` sees (the desk's or the office's) that have a
    value, as plain values: what an export of it records. A search is recorded as searched
    (True), never by its words: the coordinator reads the trail, and staff's words would
    tell which requests contain them."""
    names = DESK_FILTERS if user.role is Role.STAFF else OFFICE_FILTERS
    return {
        name: True if name == "text" else getattr(filters, name)
        for name in names
        if getattr(filters, name) not in (None, "", False)
    }


def _exported_list(user: User, filters: Filters, now: datetime | None):
    """The list an export of ``user``'s holds (the desk's or the office's): its conditions,
    its search's matches, its sort column and direction."""
    return (_desk_list if user.role is Role.STAFF else _office_list)(user, filters, now)


def _where(query: sa.Select, found, conditions: list) -> sa.Select:
    """``query`` narrowed to ``conditions`` (and to a search's matches, when there is one)."""
    return found.apply(query, conditions) if found is not None else query.where(*conditions)


def export_count(user: User, filters: Filters, now: datetime | None = None) -> int:
    """How many rows :func:`export_rows` gives for the same list and filters."""
    conditions, found, _sort, _descending = _exported_list(user, filters, now)
    query = _where(sa.select(ServiceRequest.id), found, conditions)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def export_rows(
    user: User, filters: Filters, now: datetime | None = None, batch: int = 2000
) -> Iterator[sa.Row]:
    """Every row of the list ``user`` sees with ``filters`` (staff: their centre's desk,
    in its order; the coordinator: the office's list, newest first), as plain rows read
    in keyset batches, so that an export of a million rows holds one batch at a time.
    Exports never read the description or any text but the title (which only the desk
    shows)."""
    conditions, found, sort, descending = _exported_list(user, filters, now)
    query = sa.select(*EXPORT_COLUMNS).outerjoin(User, User.id == ServiceRequest.assignee_id)
    order = (sort.desc(), ServiceRequest.id.desc()) if descending else (
        sort.asc(), ServiceRequest.id.asc()
    )  # fmt: skip
    cursor = None
    while True:
        page_conditions = list(conditions)
        if cursor is not None:
            key = sa.tuple_(sort, ServiceRequest.id)
            bound = sa.tuple_(sa.literal(cursor[0], UTCDateTime()), sa.literal(cursor[1]))
            page_conditions.append(key < bound if descending else key > bound)
        page = _where(query, found, page_conditions)
        rows = db.session.execute(page.order_by(*order).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        cursor = (getattr(rows[-1], sort.key), rows[-1].id)


# What the pages' lists show of a request, read as plain rows: loading whole requests as
# ORM objects (with their assignees) was a tenth of the desk's work. The desk's and the
# inventor's list (with the assignee's name), and the office's (metadata only).
LISTED = sa.select(
    ServiceRequest.id, ServiceRequest.reference, ServiceRequest.title, ServiceRequest.service,
    ServiceRequest.status, ServiceRequest.centre_id, ServiceRequest.created_at,
    ServiceRequest.due_at, ServiceRequest.closed_at, ServiceRequest.question_since,
    User.name.label("assignee_name"),
).outerjoin(User, User.id == ServiceRequest.assignee_id)  # fmt: skip
# Which of a page's rows carry each mark (the labels name :class:`Page`'s fields), read in
# one statement over the page's ids for the reader ``reader_id``.
_ON_THE_PAGE = ServiceRequest.id.in_(sa.bindparam("ids", expanding=True))
_READER = sa.bindparam("reader_id")
_DESK_MARKS = sa.select(
    ServiceRequest.id,
    reads.changed_mark(_READER).label("changed"),
    duplicates.flagged_mark().label("flagged"),
).where(_ON_THE_PAGE)
_INVENTOR_MARKS = sa.select(ServiceRequest.id, reads.changed_mark(_READER).label("changed")).where(
    _ON_THE_PAGE
)
LISTED_METADATA = sa.select(
    ServiceRequest.id, ServiceRequest.reference, ServiceRequest.service, ServiceRequest.status,
    ServiceRequest.centre_id, ServiceRequest.region_code, ServiceRequest.preferred_language,
    ServiceRequest.routing_rule, ServiceRequest.routing_distance_km,
    ServiceRequest.routing_speaks_language, ServiceRequest.created_at,
    ServiceRequest.updated_at, ServiceRequest.due_at, ServiceRequest.closed_at,
    ServiceRequest.outcome, ServiceRequest.hours_spent, ServiceRequest.documents_cited,
    ServiceRequest.rating, ServiceRequest.assignee_id,
)  # fmt: skip


def _keyset(
    conditions, found, sort_column, *, descending, after, before, size, marks=None, listed=None
) -> Page:
    """Cut one page of the requests meeting ``conditions`` (and the search ``found``)
    ordered by (``sort_column``, id), with which of its rows carry the ``marks`` (a marks
    statement and the reader's id: ``_DESK_MARKS``, ``_INVENTOR_MARKS``); ``listed``: rows
    of that statement (:data:`LISTED`, :data:`LISTED_METADATA`), not requests."""
    key = sa.tuple_(sort_column, ServiceRequest.id)
    backwards = before is not None and after is None
    cursor = Cursor.decode(before if backwards else after) if (after or before) else None
    conditions = list(conditions)
    if cursor is not None:
        bound = sa.tuple_(sa.literal(cursor.moment, UTCDateTime()), sa.literal(cursor.row_id))
        # Moving forwards in a descending list, or backwards in an ascending one, goes down.
        conditions.append(key < bound if descending != backwards else key > bound)
    # Centre and region names come from the cached cards (network.py), not joins.
    if listed is not None:
        query = listed
    else:
        query = sa.select(ServiceRequest).options(joinedload(ServiceRequest.assignee), *LIST_ONLY)
    query = _where(query, found, conditions)
    ascending = descending == backwards
    order = (sort_column.asc(), ServiceRequest.id.asc()) if ascending else (
        sort_column.desc(), ServiceRequest.id.desc()
    )  # fmt: skip
    result = db.session.execute(query.order_by(*order).limit(_planned_with("list_rows", size + 1)))
    rows = list(result if listed is not None else result.scalars())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    marked = _marks_of([row.id for row in rows], *marks) if marks and rows else {}
    page = Page(rows, capped=found.capped if found is not None else 0, **marked)
    if rows:
        first = Cursor(getattr(rows[0], sort_column.key), rows[0].id).encode()
        last = Cursor(getattr(rows[-1], sort_column.key), rows[-1].id).encode()
        page.next_cursor = last if (more or backwards) else None
        page.previous_cursor = first if (cursor is not None and (more or not backwards)) else None
    return page


def _planned_with(name: str, value: int) -> sa.BindParameter:
    """``value`` as the statement's parameter ``name``, written into the statement on
    PostgreSQL. There a list's centre and length passed as parameters made it plan the
    desk's list afresh on every page at a million requests: its generic plan, costed for
    an average centre and a length it cannot see, looked dearer than a custom plan for the
    busiest centre. Written in, each centre's list is planned once per connection and kept
    (the backend's processor time a first page 0.85 -> 0.60 ms, ``bench/HISTORY.md``).
    SQLite keeps no such plans: there the values stay parameters."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return sa.bindparam(name, value, literal_execute=postgres)


def _marks_of(ids: list[int], statement: sa.Select, reader_id: int) -> dict[str, set[int]]:
    """Which of the page's rows carry each mark of ``statement``: one statement over those
    rows only.

    Not columns of the page's own statement: PostgreSQL plans such a column for every row
    the conditions match, not the page's few, and may then read all of the network's open
    flags into a hash on each page; over the page's ids it looks each row up by index."""
    rows = db.session.execute(statement, {"ids": ids, "reader_id": reader_id}).all()
    names = [column.name for column in statement.selected_columns][1:]
    return {name: {row.id for row in rows if getattr(row, name)} for name in names}
