"""Slow requests go to the ``tisc.slow`` log as JSON lines: the route, not the address
asked, with the SQL statements they sent and how long those took.

"Slow" is set far below (or above) any request's time here, so that what is logged does
not depend on how fast this machine is."""

import json
import logging

import pytest

from tests.conftest import settings_for
from tests.sql import statements
from tisc import create_app
from tisc.extensions import db
from tisc.slow_requests import SlowRequests

EVERY_REQUEST_MS = 1e-6  # a nanosecond: no request is that quick
NO_REQUEST_MS = 1e9  # eleven days


@pytest.fixture
def slow(app, monkeypatch, caplog):
    """Set the threshold; read the lines logged since."""
    caplog.set_level(logging.WARNING, logger="tisc.slow")

    def lines(threshold_ms: float | None = None):
        if threshold_ms is not None:
            monkeypatch.setitem(app.config, "TISC_SLOW_REQUEST_MS", threshold_ms)
            caplog.clear()
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "tisc.slow"]

    return lines


def test_a_slow_request_is_logged_with_its_route_and_its_statements(app, world, as_, slow):
    client = as_("staff")
    slow(EVERY_REQUEST_MS)
    with app.app_context(), statements(db.engine) as sent:
        assert client.get(f"/requests/{world.reference}").status_code == 200
    (line,) = slow()
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "/requests/<reference>"  # the pattern, not the reference
    assert line["sql_statements"] == len(sent) > 0 and line["sql_failed"] == 0
    assert 0 <= line["sql_ms"] <= line["ms"]


def test_the_log_keeps_out_what_the_address_carried(world, as_, slow):
    client = as_("staff")
    slow(EVERY_REQUEST_MS)
    client.get("/desk?q=кірпіш-secret-word")
    client.get(f"/requests/{world.reference}")
    text = json.dumps(slow(), ensure_ascii=False)
    assert "secret-word" not in text and "кірпіш" not in text
    assert world.reference not in text
    assert [line["route"] for line in slow()] == ["/desk", "/requests/<reference>"]


def test_a_request_no_route_answers_is_logged_as_such(client, slow):
    slow(EVERY_REQUEST_MS)
    client.post("/no/such/page", data={"x": "y"})
    (line,) = slow()
    assert (line["method"], line["route"], line["status"]) == ("POST", "-", 404)


def test_a_failed_form_is_logged_with_its_status(world, as_, slow):
    client = as_("inventor")
    slow(EVERY_REQUEST_MS)
    assert client.post("/requests/new", data={"title": ""}).status_code == 400
    (line,) = slow()
    assert (line["method"], line["route"], line["status"]) == ("POST", "/requests/new", 400)


@pytest.mark.parametrize("threshold_ms", [NO_REQUEST_MS, 0])
def test_requests_quicker_than_the_threshold_or_with_none_set_are_not_logged(
    world, as_, slow, threshold_ms
):
    client = as_("staff")
    slow(threshold_ms)
    client.get("/desk")
    client.get(f"/requests/{world.reference}")
    assert slow() == []


def test_statements_outside_a_request_are_not_counted_into_the_next(app, world, as_, slow):
    client = as_("staff")
    slow(EVERY_REQUEST_MS)
    counted = []
    for _ in range(2):
        with app.app_context(), statements(db.engine) as sent:
            client.get("/desk")
        counted.append(len(sent))
        with app.app_context():
            for _ in range(5):
                db.session.execute(db.text("SELECT 1"))
            db.session.remove()
    assert [line["sql_statements"] for line in slow()] == counted
    assert counted[0] > 0


def _inner_app(app, failing_sql: bool = False, raising: bool = False):
    """A WSGI app sending one statement on the app's engine, as a view would."""

    def inner(environ, start_response):
        with app.app_context():
            try:
                db.session.execute(db.text("SELECT * FROM no_such_table" if failing_sql
                                           else "SELECT 1"))  # fmt: skip
            except Exception:
                db.session.rollback()
            db.session.remove()
        if raising:
            raise RuntimeError("the worker is stopped mid-request")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    return inner


def test_a_statement_that_fails_is_counted_with_its_time(app, slow):
    slow(EVERY_REQUEST_MS)
    middleware = SlowRequests(_inner_app(app, failing_sql=True), app.config)
    with app.app_context(), statements(db.engine) as sent:
        assert middleware({"REQUEST_METHOD": "GET"}, lambda *_: None) == [b"done"]
    (line,) = slow()
    assert (line["sql_statements"], line["sql_failed"], line["status"]) == (len(sent), 1, 200)


def test_a_request_the_app_raised_past_flask_is_logged_without_a_status(app, slow):
    slow(EVERY_REQUEST_MS)
    middleware = SlowRequests(_inner_app(app, raising=True), app.config)
    with app.app_context(), statements(db.engine) as sent, pytest.raises(RuntimeError):
        middleware({"REQUEST_METHOD": "POST"}, lambda *_: None)
    (line,) = slow()
    assert (line["method"], line["status"], line["sql_statements"]) == ("POST", None, len(sent))
    assert line["sql_failed"] == 0


def test_with_no_threshold_at_start_up_nothing_is_timed(database, slow):
    quiet = create_app(settings_for(database) | {"TISC_SLOW_REQUEST_MS": 0})
    try:
        assert not isinstance(quiet.wsgi_app, SlowRequests)
        slow()  # the fixture's capture, before the request
        quiet.test_client().get("/healthz")
        assert slow() == []
    finally:
        with quiet.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(("given", "kept"), [("250", 250), (1e-6, 1e-6), (0, 0)])
def test_a_threshold_from_the_configuration_file_is_read_as_milliseconds(database, given, kept):
    built = create_app(settings_for(database) | {"TISC_SLOW_REQUEST_MS": given})
    assert built.config["TISC_SLOW_REQUEST_MS"] == kept
    with built.app_context():
        db.engine.dispose()


def test_a_threshold_that_is_not_milliseconds_stops_start_up(database):
    with pytest.raises(ValueError, match="TISC_SLOW_REQUEST_MS"):
        create_app(settings_for(database) | {"TISC_SLOW_REQUEST_MS": "a second"})
