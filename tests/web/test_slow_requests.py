"""Slow requests go to the ``tisc.slow`` log as JSON lines: the route, not the address
asked, with the SQL statements they sent and how long those took.

"Slow" is set far below (or above) any request's time here, so that what is logged does
not depend on how fast this machine is."""

import json
import logging

import pytest

from tests.sql import statements
from tisc.extensions import db

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
    assert line["sql_statements"] == len(sent) > 0
    assert 0 < line["sql_ms"] <= line["ms"]


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
    client.get("/healthz")
    with app.app_context():
        for _ in range(5):
            db.session.execute(db.text("SELECT 1"))
        db.session.remove()
    client.get("/healthz")
    assert [line["sql_statements"] for line in slow()] == [0, 0]
