"""Database behaviour the models cannot express: SQLite tuning and write transactions.

SQLite runs in WAL mode with a busy timeout. Its pitfall is the deferred
transaction that reads and later writes: when another connection wrote in
between, it fails at once with "database is locked", whatever the timeout.
Use cases that write therefore open their transaction with
``BEGIN IMMEDIATE`` (see :func:`begin_write`), which waits for the write lock
up front. On PostgreSQL none of this is needed and nothing changes.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

WRITE_OPTION = "tisc_write"
SQLITE_BUSY_TIMEOUT_MS = 15000


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
    cursor.close()


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
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write() with unsaved changes in the session")
        session.commit()
        session.expire_all()
    session.connection(execution_options={WRITE_OPTION: True})


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
