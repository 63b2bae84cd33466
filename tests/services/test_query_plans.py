"""The lists' counts and the similar-request check read the small indexes made for them,
whatever the planner knows.

SQLite keeps no statistics here (nothing runs ANALYZE), so its planner chooses among
the indexes a condition could use by their shape alone: a query must leave it only
the right one. A wrong choice does not show at a thousand requests, only at a million.
"""

from datetime import UTC, datetime

from sqlalchemy import event

from tisc.extensions import db
from tisc.models import User
from tisc.services import duplicates, queues


def _plan_of_what(sends, statement_has: str) -> str:
    """SQLite's plan of the statement containing ``statement_has`` that ``sends()`` sends."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        sends()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = next((s, p) for s, p in sent if statement_has in s)
    cursor = db.session.connection().connection.cursor()
    rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return " ".join(row[-1] for row in rows)


def test_the_mine_tab_counts_from_the_index_of_open_requests(ctx, make):
    staff_id = make.user("staff", centre="kbtu").id
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics (autovacuum) and costs both
    plan = _plan_of_what(lambda: queues.tab_counts(db.session.get(User, staff_id)), "count(")
    assert "ix_service_requests_open_by_assignee" in plan


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
