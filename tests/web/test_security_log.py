"""Security events go to the ``tisc.security`` log as JSON lines, without secrets or content."""

import json
import logging

import pytest

from tests.factories import login
from tisc.extensions import limiter

SECRET_PASSWORD = "my very secret password"


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.WARNING, logger="tisc.security")

    def read() -> list[dict]:
        lines = [r.getMessage() for r in caplog.records if r.name == "tisc.security"]
        for line in lines:
            assert SECRET_PASSWORD not in line and "SECRET-DESCRIPTION" not in line
        return [json.loads(line) for line in lines]

    return read


def test_a_failed_sign_in_is_logged_without_the_password(client, make, events):
    person = make.user()
    client.post("/login", data={"email": person.email, "password": SECRET_PASSWORD})
    (event,) = events()
    assert event["event"] == "sign_in_failed"
    assert event["user_id"] == person.id and event["failures"] == 1
    assert event["ip"] == "127.0.0.1" and event["path"] == "/login" and event["method"] == "POST"


def test_a_request_refused_although_it_exists_is_logged(world, as_, events):
    as_("other_inventor").get(f"/requests/{world.reference}")
    as_("other_inventor").get("/requests/TISC-2026-99999")  # does not exist: nothing to see
    (event,) = events()
    assert event["event"] == "request_refused"
    assert event["reference"] == world.reference
    assert event["user_id"] == world.people["other_inventor"].id


def test_a_rate_limit_hit_is_logged(app, make, monkeypatch, events):
    monkeypatch.setitem(app.config, "TISC_LOGIN_LIMIT", "1 per minute")
    limiter.reset()
    client = app.test_client()
    for _ in range(2):
        client.post("/login", data={"email": "nobody@tisc-test.kz", "password": SECRET_PASSWORD})
    limiter.reset()
    assert [e["event"] for e in events()] == ["sign_in_failed", "rate_limited"]
    assert events()[-1]["endpoint"] == "auth.login"


def test_a_csrf_failure_is_logged(app, make, monkeypatch, events):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    login(client, make.user())
    client.post("/account", data={"name": "X"})
    (event,) = events()
    assert event["event"] == "csrf_failed" and event["path"] == "/account"
