"""Counting the SQL statements a piece of work sends to the database."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements(engine, *, with_parameters: bool = False):
    """Collect the text of every statement executed on ``engine`` inside the block (with
    ``with_parameters``, each as a (text, parameters) pair)."""
    seen: list = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters) if with_parameters else statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
