"""Slow requests in the log, with how much of their time the database took.

A request that takes ``TISC_SLOW_REQUEST_MS`` or longer (1000 by default; 0 logs none)
is logged on the ``tisc.slow`` logger as one JSON object per line: the method, the
route's pattern (``/requests/<reference>``: never the address asked, so that a search's
words stay out of the log), the status (null when the app raised past Flask: a worker
killed for its timeout), its milliseconds until the response was ready, and its SQL
statements: how many, how many failed (a lock that timed out counts), and their
milliseconds, each from sending it until the driver returned (on SQLite its first row,
on PostgreSQL its whole result). The line then says whether the request waited for the
database or worked in Python. A streamed download (the CSV exports) is timed until its
first rows are ready: the statements that read the rest run while it is sent, untimed.
"""

import json
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tisc.config import milliseconds

log = logging.getLogger("tisc.slow")
_STARTED = "tisc_statement_started"  # a connection's info: when its statement was sent


@dataclass
class _Timing:
    started: float
    route: str = "-"  # no route matched (a 404), until the request's teardown says
    status: int | None = None
    statements: int = 0
    failed: int = 0
    sql_seconds: float = 0.0


# The request being served in this context; None outside one (commands, the worker).
_current: ContextVar[_Timing | None] = ContextVar("tisc_request_timing", default=None)


class SlowRequests:
    """WSGI middleware timing each request until its response is ready (a streamed
    download's transfer is not counted) and logging those that took the ``config``'s
    ``TISC_SLOW_REQUEST_MS``."""

    def __init__(self, app, config):
        self.app = app
        self.config = config

    def __call__(self, environ, start_response):
        timing = _Timing(time.perf_counter())
        token = _current.set(timing)

        def start(status: str, headers, exc_info=None):
            timing.status = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            _current.reset(token)
            seconds = time.perf_counter() - timing.started
            threshold = self.config["TISC_SLOW_REQUEST_MS"]
            if threshold and seconds * 1000 >= threshold:
                log.warning(json.dumps({
                    "method": environ.get("REQUEST_METHOD"), "route": timing.route,
                    "status": timing.status, "ms": round(seconds * 1000, 1),
                    "sql_statements": timing.statements, "sql_failed": timing.failed,
                    "sql_ms": round(timing.sql_seconds * 1000, 1),
                }, sort_keys=True))  # fmt: skip


def _statement_sent(connection, _cursor, _statement, _parameters, _context, _many) -> None:
    if _current.get() is not None:
        connection.info[_STARTED] = time.perf_counter()


def _statement_answered(connection, _cursor, _statement, _parameters, _context, _many) -> None:
    _count(connection)


def _statement_failed(context) -> None:
    """A statement that raised (SQLAlchemy then skips ``after_cursor_execute``): the time
    it waited counts too, a lock timeout's most of all."""
    timing = _count(context.connection) if context.connection is not None else None
    if timing is not None:
        timing.failed += 1


def _count(connection) -> _Timing | None:
    """Count the statement the request's ``connection`` sent; the request's timing, None
    outside a request."""
    timing, started = _current.get(), connection.info.pop(_STARTED, None)
    if timing is None or started is None:
        return None
    timing.statements += 1
    timing.sql_seconds += time.perf_counter() - started
    return timing


def _note_route(_error=None) -> None:
    timing = _current.get()
    if timing is not None and request.url_rule is not None:
        timing.route = request.url_rule.rule


def init_app(app: Flask, engine: Engine) -> None:
    """Time the app's requests and the statements they send on ``engine`` (unless slow
    requests are not to be logged: then nothing is timed). A threshold that is not a number
    of milliseconds (``instance/config.py`` may set any value) stops start-up."""
    threshold = app.config["TISC_SLOW_REQUEST_MS"]
    app.config["TISC_SLOW_REQUEST_MS"] = milliseconds("TISC_SLOW_REQUEST_MS", str(threshold))
    if not app.config["TISC_SLOW_REQUEST_MS"]:
        return
    app.wsgi_app = SlowRequests(app.wsgi_app, app.config)
    app.teardown_request(_note_route)
    event.listen(engine, "before_cursor_execute", _statement_sent)
    event.listen(engine, "after_cursor_execute", _statement_answered)
    event.listen(engine, "handle_error", _statement_failed)
