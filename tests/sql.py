"""Counting the SQL statements a piece of work sends to the database."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements(engine):
    """Collect the text of every statement executed on ``engine`` inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
