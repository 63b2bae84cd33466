"""The lists' counts and the similar-request check read the small indexes made for them,
whatever the planner knows; the "changed" and "possible duplicate" marks and the
"changed" count read no more than the page.

SQLite keeps no statistics here (nothing runs ANALYZE), so its planner chooses among
the indexes a condition could use by their shape alone: a query must leave it only
the right one, or a partial index and a full one of the same columns, of which it
takes the one created last (migrations create partial indexes last:
``tisc.database.partial_indexes_last``). PostgreSQL plans from statistics that may be
out of date, so a query must leave it no plan whose work grows with the data. A wrong
choice does not show at a thousand requests, only at a million.
"""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.sql import statements
from tisc.extensions import db
from tisc.models import DuplicateFlag, RequestRead, ServiceRequest, User
from tisc.services import duplicates, queues, reads


def _sent(sends, statement_has: str) -> tuple[str, object]:
    """The statement containing ``statement_has`` that ``sends()`` sends, and its parameters."""
    with statements(db.engine, with_parameters=True) as sent:
        sends()
    return next((s, p) for s, p in sent if statement_has in s)


def _plan_of_what(sends, statement_has: str) -> str:
    """SQLite's plan of the statement containing ``statement_has`` that ``sends()`` sends."""
    statement, parameters = _sent(sends, statement_has)
    cursor = db.session.connection().connection.cursor()
    rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return " ".join(row[-1] for row in rows)


def test_the_mine_tab_counts_from_the_index_of_open_requests(ctx, make):
    staff_id = make.user("staff", centre="kbtu").id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    plan = _plan_of_what(lambda: queues.tab_counts(db.session.get(User, staff_id)), "count(")
    assert "ix_service_requests_open_by_assignee" in plan


def test_the_unassigned_tab_counts_from_the_index_of_open_requests_nobody_holds(ctx, make):
    """Not from an index of the centre's every request: its history grows for ever."""
    staff_id = make.user("staff", centre="kbtu").id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    plan = _plan_of_what(lambda: queues.tab_counts(db.session.get(User, staff_id)), "count(")
    assert "ix_service_requests_open_unassigned" in plan


def test_the_similar_request_check_reads_the_inventors_open_ones_newest_first(ctx, make):
    """At each submission, however many requests the inventor has open: no sort."""
    inventor_id = make.user().id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    plan = _plan_of_what(
        lambda: duplicates.similar_open(
            inventor_id, "prior_art_search", "Solar dryer", "", "", datetime.now(UTC)
        ),
        "FROM service_requests",
    )
    assert "ix_service_requests_open_of_inventor" in plan and "TEMP B-TREE" not in plan


def test_the_tab_counts_stop_at_their_cap(ctx, make, monkeypatch):
    inventor, staff = make.user(), make.user("staff", centre="kbtu")
    for _ in range(3):
        make.request_in("assigned", inventor, staff)
    make.request_in("completed", inventor, staff)  # closed: not counted
    person = db.session.get(User, staff.id)
    counts = queues.tab_counts(person)
    assert (counts.mine, counts.overdue, counts.questions) == (
        queues.Capped(3, False),
        queues.Capped(0, False),
        0,
    )
    monkeypatch.setattr(queues, "TAB_CAP", 2)
    assert queues.tab_counts(person).mine == queues.Capped(2, True)  # shown as "2+"


def _rows_read_from(table: str, sends, statement_has: str, filtered: bool = False) -> int:
    """PostgreSQL: how many rows the statement containing ``statement_has`` that ``sends()``
    sends reads from ``table``, run again under EXPLAIN ANALYZE; ``filtered``: with the rows
    read and then left out by a condition the index did not check."""
    statement, parameters = _sent(sends, statement_has)
    cursor = db.session.connection().connection.cursor()
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
    (plan,) = cursor.fetchone()[0]

    def read(node) -> int:
        here = node.get("Relation Name") == table
        removed = node.get("Rows Removed by Filter", 0) if filtered else 0
        own = (node["Actual Rows"] + removed) * node["Actual Loops"] if here else 0
        return own + sum(read(child) for child in node.get("Plans", []))

    return read(plan["Plan"])


def _copies_of(request_id: int, how_many: int, tag: str) -> None:
    """``how_many`` copies of the request ``request_id``, their references ending in
    ``tag`` and a number (bulk, in SQL)."""
    table = ServiceRequest.__table__
    copy = sa.func.generate_series(1, how_many).table_valued("n").render_derived()
    columns = [column for column in table.c if column.name != "id"]
    db.session.execute(
        table.insert().from_select(
            [column.name for column in columns],
            sa.select(*[
                (column + f"-{tag}" + sa.cast(copy.c.n, sa.String)) if column.name == "reference"
                else sa.null() if column.name == "submission_token" else column
                for column in columns
            ]).select_from(table.join(copy, sa.true())).where(table.c.id == request_id),
        )
    )  # fmt: skip


def _copies(tag: str) -> list[int]:
    table = ServiceRequest.__table__
    return list(db.session.scalars(
        sa.select(table.c.id).where(table.c.reference.like(f"%-{tag}%")).order_by(table.c.id)
    ))  # fmt: skip


def _unread_for(reader_id: int, request_ids: list[int]) -> None:
    """Those requests all changed for ``reader_id`` since they looked: a follower who
    never opens what changes."""
    db.session.execute(
        sa.insert(RequestRead),
        [{"user_id": reader_id, "request_id": id, "unread": True} for id in request_ids],
    )
    db.session.commit()


def test_the_changed_marks_and_count_read_no_more_than_the_page_however_much_is_unread(ctx, make):
    """At a million requests a staff member may have thousands of unread rows and an
    inventor hundreds of requests: PostgreSQL, planning from statistics taken before they
    piled up (as a prepared statement's generic plan does), may hash all of them on every
    page. The marks look up each of the page's rows; the count stops at its cap."""
    inventor = make.user()
    staff = make.user("staff", centre="kbtu")
    references = [make.request(inventor, title=title) for title in ("Solar dryer", "Wind pump")]
    if db.engine.dialect.name != "postgresql":
        return  # SQLite looks each row up whatever it is asked (no hash of a subquery)
    first = db.session.scalar(sa.select(ServiceRequest.id).filter_by(reference=references[0]))
    _copies_of(first, 300, "s")  # the staff member's
    _copies_of(first, 300, "i")  # the inventor's
    db.session.commit()
    # Statistics taken before the unread rows piled up, as a prepared statement's generic
    # plan has them: none for the staff member, 20 for the inventor.
    theirs = _copies("i")
    _unread_for(inventor.id, theirs[:20])
    db.session.execute(sa.text("ANALYZE service_requests"))
    db.session.execute(sa.text("ANALYZE request_reads"))
    _unread_for(staff.id, _copies("s"))
    _unread_for(inventor.id, theirs[20:])

    reader = db.session.get(User, staff.id)
    two = queues.Filters(sort="age")
    page = lambda: queues.desk_page(reader, two, marked=True, size=2)  # noqa: E731
    assert _rows_read_from("request_reads", page, "AS changed") <= 2

    owner = db.session.get(User, inventor.id)
    counted = lambda: reads.changed_count(owner)  # noqa: E731
    assert _rows_read_from("service_requests", counted, "count(") <= reads.COUNT_CAP


def test_the_duplicate_mark_reads_no_more_than_the_page_however_many_flags_are_open(ctx, make):
    """A flood of similar submissions leaves thousands of open flags at a million requests
    (8,922 in the bench's); planning from statistics taken before they came, PostgreSQL may
    hash every open flag on every page of the desk. The mark looks up each row's flags."""
    inventor = make.user()
    staff = make.user("staff", centre="kbtu")
    reference = make.request(inventor, title="Solar dryer")
    if db.engine.dialect.name != "postgresql":
        return  # SQLite looks each row up whatever it is asked (no hash of a subquery)
    first = db.session.scalar(sa.select(ServiceRequest.id).filter_by(reference=reference))
    _copies_of(first, 600, "f")
    db.session.commit()
    db.session.execute(sa.text("ANALYZE service_requests"))
    db.session.execute(sa.text("ANALYZE duplicate_flags"))  # no flag yet
    copies = _copies("f")
    db.session.execute(
        sa.insert(DuplicateFlag),
        [{"request_id": newer, "other_id": older, "evidence": {}}
         for newer, older in zip(copies[1::2], copies[::2], strict=True)],
    )  # fmt: skip
    db.session.commit()

    reader = db.session.get(User, staff.id)
    page = lambda: queues.desk_page(reader, queues.Filters(sort="age"), marked=True, size=2)  # noqa: E731
    assert page().flagged  # the page's rows are flagged
    assert _rows_read_from("duplicate_flags", page, "AS flagged") <= 4  # each side of two rows


# The desk's lists of open requests, each with the small index of open requests made for
# its order. A full index of the same columns (for the "all statuses" view) costs the
# same to a planner without statistics, and SQLite then takes the index created last:
# that would read every closed request of the centre sorted before the first open one
# (0.7 ms for the first page at a million requests instead of 0.06).
OPEN_LISTS = [
    (queues.Filters(), None, "ix_service_requests_open_by_due"),
    (queues.Filters(), "cursor", "ix_service_requests_open_by_due"),
    (queues.Filters(sort="age"), None, "ix_service_requests_open_by_age"),
    (queues.Filters(sort="age"), "cursor", "ix_service_requests_open_by_age"),
]


@pytest.mark.parametrize(("filters", "after", "index"), OPEN_LISTS)
def test_the_desks_open_lists_read_the_index_of_open_requests(ctx, make, filters, after, index):
    staff = make.user("staff", centre="kbtu")
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    person = db.session.get(User, staff.id)
    cursor = queues.Cursor(datetime(2026, 1, 1, tzinfo=UTC), 1).encode() if after else None
    plan = _plan_of_what(
        lambda: queues.desk_page(person, filters, after=cursor, listed=True), "ORDER BY"
    )
    assert index in plan, plan


# Each of the desk's lists, by its order and statuses, and the index it reads its pages from.
DESK_LISTS = [
    ("open", "due", "ix_service_requests_open_by_due"),
    ("open", "age", "ix_service_requests_open_by_age"),
    ("submitted", "due", "ix_service_requests_centre_status_due"),
    ("submitted", "age", "ix_service_requests_centre_status_created"),
    ("all", "due", "ix_service_requests_centre_due"),
    ("all", "age", "ix_service_requests_centre_created"),
]


@pytest.mark.parametrize(("status", "sort", "index"), DESK_LISTS)
def test_a_desk_list_of_one_service_reads_only_the_requests_it_shows(
    ctx, make, status, sort, index
):
    """Its index ends with the service, so the other services' requests before the ones
    shown are passed over in the index: at a million requests the desk's list of one
    service in progress read 270 requests to show 26."""
    inventor = make.user()
    staff = make.user("staff", centre="kbtu")
    before = make.request(inventor, service="prior_art_search")
    shown = make.request(inventor, service="training")
    person = db.session.get(User, staff.id)
    filters = queues.Filters(status=status, service="training", sort=sort)
    page = lambda: queues.desk_page(person, filters, listed=True)  # noqa: E731
    if db.engine.dialect.name == "sqlite":  # no row counts: the index it reads ends so
        assert [row.reference for row in page().rows] == [shown]
        assert index in _plan_of_what(page, "ORDER BY")
        columns = db.session.execute(sa.text(f"PRAGMA index_info({index})")).all()
        assert columns[-1].name == "service"
        return
    # Before it either way (as old, as soon due), and with the index under test as the only
    # way in: among 300 rows the planner's pick between a dozen near-equal indexes turned on
    # how bloated each was by the tests before; the question is what this index reads. All
    # of it in one transaction, rolled back (PostgreSQL's DDL is transactional).
    first = db.session.scalar(sa.select(ServiceRequest.id).filter_by(reference=before))
    _copies_of(first, 300, "p")
    indexes = lambda: sa.inspect(db.session.connection()).get_indexes("service_requests")  # noqa: E731
    kept = indexes()
    try:
        for other in kept:
            if other["name"] != index and "duplicates_constraint" not in other:
                db.session.execute(sa.text(f'DROP INDEX "{other["name"]}"'))
        db.session.execute(sa.text("ANALYZE service_requests"))
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        assert [row.reference for row in page().rows] == [shown]
        assert _rows_read_from("service_requests", page, "ORDER BY", filtered=True) <= 2
    finally:
        db.session.rollback()
    assert indexes() == kept  # back for the tests after this one


def test_postgresql_plans_each_centres_list_once_its_centre_and_length_written_in(ctx, make):
    """On PostgreSQL the desk's list carries its centre and length as values: as parameters,
    at a million requests, the busiest centre's list was planned afresh on every page
    (queues._planned_with). SQLite plans no statement ahead: there they stay parameters."""
    staff = make.user("staff", centre="kbtu")
    person = db.session.get(User, staff.id)
    statement, parameters = _sent(
        lambda: queues.desk_page(person, queues.Filters(), size=25, listed=True), "ORDER BY"
    )
    written = (f"service_requests.centre_id = {person.centre_id}", "LIMIT 26")
    if db.engine.dialect.name == "postgresql":
        assert all(part in statement for part in written), statement
    else:
        assert not any(part in statement for part in written), statement
        assert person.centre_id in parameters and 26 in parameters


def test_the_changed_count_reads_the_index_of_unread_marks(ctx, make):
    """Not every mark a person ever had: SQLite writes the condition "unread = 1"."""
    inventor_id = make.user().id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's plan is tested with many marks above
    owner = db.session.get(User, inventor_id)
    plan = _plan_of_what(lambda: reads.changed_count(owner), "count(")
    assert "ix_request_reads_unread" in plan, plan


def test_the_overdue_count_reads_the_index_of_open_requests(ctx, make):
    staff_id = make.user("staff", centre="kbtu").id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    plan = _plan_of_what(lambda: queues.tab_counts(db.session.get(User, staff_id)), "count(")
    assert "ix_service_requests_open_by_centre_status_due" in plan, plan


def test_migrations_leave_the_desks_index_of_open_requests_last(ctx, make):
    """Whatever order a batch migration left the indexes in, ``flask db upgrade`` ends
    with the partial ones last (migrations/env.py), even with nothing to migrate."""
    staff = make.user("staff", centre="kbtu")
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    person = db.session.get(User, staff.id)
    desk = lambda: queues.desk_page(person, queues.Filters(), listed=True)  # noqa: E731
    db.session.remove()
    with db.engine.begin() as connection:  # the full index made last, as a batch may
        connection.exec_driver_sql("DROP INDEX ix_service_requests_centre_due")
        connection.exec_driver_sql(
            "CREATE INDEX ix_service_requests_centre_due"
            " ON service_requests (centre_id, due_at, id, service)"
        )
    # A connection that planned before a change of the schema may answer EXPLAIN from the
    # old one (EXPLAIN never checks the schema's version, as running a query does): the
    # plans are asked on new connections.
    db.engine.dispose()
    assert "ix_service_requests_centre_due" in _plan_of_what(desk, "ORDER BY")
    db.session.remove()

    upgrade()
    db.engine.dispose()

    assert "ix_service_requests_open_by_due" in _plan_of_what(desk, "ORDER BY")
