"""Database behaviour the models cannot express: SQLite tuning, write transactions and
how a request's reads end.

SQLite runs in WAL mode with a busy timeout. Its pitfall is the deferred
transaction that reads and later writes: when another connection wrote in
between, it fails at once with "database is locked", whatever the timeout.
Use cases that write therefore open their transaction with
``BEGIN IMMEDIATE`` (see :func:`begin_write`), which waits for the write lock
up front. On PostgreSQL none of this is needed: a use case goes on in the
transaction the request's reads began.

A request that only read ends with a COMMIT, not a ROLLBACK (:func:`end_read`), so
that psycopg keeps the statements it prepared.
"""

import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
WRITE_OPTION = "tisc_write"
SQLITE_BUSY_TIMEOUT_MS = 15000
# A connection's page cache, in KiB (SQLite's default is 2 MiB), which each worker keeps
# filled. SQLite empties it whenever a transaction begins after another connection wrote:
# on a working network, nearly every request. It saves pages read twice in one request, or
# in a quiet moment between requests. At a million requests the desk's first and deep pages
# read 0.8 MiB; a filtered desk or a search reads more than 2 MiB, and a cache of 2 MiB saved
# it a sixth of those reads at most (bench/HISTORY.md, fourteenth session).
SQLITE_CACHE_KIB = 1024


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (below), as SQLAlchemy's pysqlite docs recommend.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


# The connection's info: whether its transaction must end with a ROLLBACK, because it may
# have written or a statement of it failed (see end_read).
MUST_ROLL_BACK = "tisc_must_roll_back"


def keep_prepared_statements(engine: Engine) -> None:
    """On PostgreSQL, note what each transaction did, so that one that only read can end
    with a COMMIT (:func:`end_read`) or go on as a use case's (:func:`begin_write`).
    SQLite keeps its statements across a ROLLBACK: there, nothing is noted and every
    transaction ends as before."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _nothing_to_undo_yet)
        event.listen(engine, "before_cursor_execute", _note_writes)
        event.listen(engine, "handle_error", _note_failures)


def _nothing_to_undo_yet(connection) -> None:
    connection.info[MUST_ROLL_BACK] = False


def _note_writes(connection, _cursor, statement, _parameters, context, _executemany) -> None:
    if not connection.info.get(MUST_ROLL_BACK) and _may_write(statement, context):
        connection.info[MUST_ROLL_BACK] = True


def _note_failures(context) -> None:
    # PostgreSQL answers COMMIT in a failed transaction with a rollback, silently, and
    # psycopg keeps its prepared statements then: one a schema change made stale would
    # fail the same page on that connection every time instead of once.
    if context.connection is not None:
        context.connection.info[MUST_ROLL_BACK] = True


def _may_write(statement: str, context) -> bool:
    """Whether a statement may change something: compiled DML and DDL do, compiled SELECTs
    do not; of statements given as text only a SELECT is known not to."""
    if context is not None and context.compiled is not None and not context.is_text:
        return context.isinsert or context.isupdate or context.isdelete or context.isddl
    words = statement.split(None, 1)
    return not words or words[0].upper() != "SELECT"


def end_read(session: Session) -> None:
    """End ``session``'s transaction with a COMMIT when it only read (the pages' reads),
    on PostgreSQL (see :func:`keep_prepared_statements`).

    The two are the same to the database then, but psycopg discards its prepared
    statements at every ROLLBACK, which is how an unfinished transaction ends otherwise:
    so a PostgreSQL connection prepares a page's statements once (after five uses)
    instead of having them parsed and planned each time - 1.6 of the staff desk's 3.9 ms
    of statements. A transaction that may have written, holds unsaved objects or had a
    statement fail is left to be rolled back.
    """
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(MUST_ROLL_BACK) is False:
        try:
            session.commit()
        except DBAPIError as error:  # the reads are done: the rollback that follows copes
            log.warning("could not end a read-only transaction: %s", error)


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    write = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def begin_write(session: Session) -> None:
    """Start ``session``'s next transaction as a write transaction.

    A transaction already open in the session (the reads of loading the
    signed-in user, say) is committed first; it must not hold changes. What
    it read is expired, to be read again inside the write transaction: objects
    otherwise keep their values across commits (``expire_on_commit=False``).

    On PostgreSQL a transaction that has only read goes on as the write
    transaction instead: at READ COMMITTED each statement sees what was committed
    before it, so ending the transaction and reading again would only cost four round
    trips (the COMMIT, the pool's ping, the BEGIN and the re-read), a quarter of a
    submission's.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() with unsaved changes in the session")
        if session.connection().info.get(MUST_ROLL_BACK) is False:  # PostgreSQL, reads only
            return
        session.commit()
        session.expire_all()
    session.connection(execution_options={WRITE_OPTION: True})


@contextmanager
def writers_turn(session: Session) -> Iterator[None]:
    """On SQLite, wait for the turn to write on a file lock beside the database file.

    SQLite's own busy handler lets a waiting writer sleep 1, 2, 5, 10, 15… ms between
    tries, so two app processes writing at once spent some 40% of their time asleep
    while the lock was free. A file lock wakes the next writer as soon as the last
    one is done. It only orders writers: SQLite's lock still decides, and after
    :data:`SQLITE_BUSY_TIMEOUT_MS` the writer goes on and leaves it to SQLite. The
    kernel frees the lock of a process that dies. Elsewhere this does nothing.
    """
    bind = session.get_bind()
    path = bind.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    handle = _lock_file(path + "-writers")
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    held = False
    while not held:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            if time.monotonic() > deadline:
                break
            time.sleep(0.0002)
    try:
        yield
    finally:
        if held:
            fcntl.flock(handle, fcntl.LOCK_UN)


_lock_files = threading.local()  # one open file per thread: a lock is held per open file


def _lock_file(path: str) -> int:
    files = _lock_files.__dict__
    if path not in files:
        files[path] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return files[path]


def among(
    session: Session, column: sa.ColumnElement, values: list, kind: type[sa.types.TypeEngine]
):
    """``column IN values``, the values in one bound parameter: an array on PostgreSQL, a
    JSON list that ``json_each`` reads on SQLite. There may be tens of thousands (part of a
    name may be held by every account), more than PostgreSQL binds to one statement (65,535)
    or SQLite as built by default (32,766), and binding hundreds one by one costs more than
    the lookups themselves. Batches would each need a page's order and limit, and merging
    again; one parameter keeps one query. No values select nothing, never everything."""
    if not values:
        return sa.false()
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, sa.ARRAY(kind)))
    listed = sa.select(sa.column("value")).select_from(sa.func.json_each(json.dumps(values)))
    return column.in_(listed)


def upsert_insert(session: Session, model):
    """The dialect's INSERT for ``model``, which has ``on_conflict_do_update``."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # imported apart: the PostgreSQL dialects cost a SQLite process some memory
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


# Full-text search lives in the database beside the models (migration b7d2c4e91a0f): the
# SQLite FTS5 table (and its shadow tables), the PostgreSQL column and its index.
SEARCH_OBJECTS = ("request_search", "search_document", "ix_service_requests_search")


def managed_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: leave the search objects out of schema comparisons."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def drop_everything(engine) -> None:
    """Drop every table, Alembic's included: for disposable test and bench databases."""
    from tisc.models import Base

    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def partial_indexes_last(connection) -> list[str]:
    """On SQLite, create again each partial index that was created before a full index of
    its table; the names of those moved.

    Without statistics (nothing here runs ANALYZE) SQLite cannot tell that a partial index
    is the smaller: given it and a full index of the same columns it takes the one created
    last. Alembic's batch migrations create a table's indexes again in no fixed order, so
    that choice differed from one installation to the next, and on a full index the desk's
    first page read every closed request of the centre due before its first open one.
    Migrations end with this (``migrations/env.py``), and so does the bench's seeding.
    """
    if connection.dialect.name != "sqlite":
        return []
    indexes = connection.exec_driver_sql(  # automatic indexes (no SQL) come with the table
        "SELECT name, tbl_name, sql FROM sqlite_master"
        " WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    partial = {
        name
        for table in {table for _, table, _ in indexes}
        for _, name, *_, is_partial in connection.exec_driver_sql(
            f"PRAGMA index_list({quote(table)})"
        )
        if is_partial
    }
    last_full = {table: at for at, (name, table, _) in enumerate(indexes) if name not in partial}
    moved = [
        (name, sql)
        for at, (name, table, sql) in enumerate(indexes)
        if name in partial and at < last_full.get(table, -1)
    ]
    for name, sql in moved:
        connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
        connection.exec_driver_sql(sql)
    return [name for name, _ in moved]
