"""Login and submission are rate-limited."""

from types import SimpleNamespace

import pytest
from limits import parse_many
from limits.errors import StorageError

from tests.factories import login
from tisc.extensions import limiter


def test_repeated_failed_logins_from_one_address_are_slowed_down(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "TISC_LOGIN_LIMIT", "10 per minute")
    limiter.reset()
    client = app.test_client()
    codes = [  # a different address each time: the per-address back-off stays out of it
        client.post(
            "/login", data={"email": f"someone{n}@tisc-test.kz", "password": "wrong password!"}
        ).status_code
        for n in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    limiter.reset()


def test_retry_after_comes_with_a_refusal_only(app, make, monkeypatch):
    """Flask-Limiter's headers put it on every limited answer, a form with its errors too."""
    monkeypatch.setitem(app.config, "TISC_LOGIN_LIMIT", "2 per minute")
    limiter.reset()
    client = app.test_client()
    data = {"email": "someone@tisc-test.kz", "password": "wrong password!"}
    answers = [client.post("/login", data=data) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [400, 400, 429]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["1", "0", "0"]
    assert all("Retry-After" not in answer.headers for answer in answers[:2])
    assert 0 < int(answers[2].headers["Retry-After"]) <= 61
    limiter.reset()


class _FailingStore:
    """The limit that counted a request, whose figures can no longer be read."""

    limit = SimpleNamespace(amount=10)

    @property
    def remaining(self):
        raise StorageError(ConnectionError("the store went away"))

    reset_at = remaining


@pytest.mark.parametrize("path", ["/login", "/api/v1/services"])
def test_a_store_failing_after_the_check_leaves_the_answer_as_it_was(app, monkeypatch, path):
    """The X-RateLimit-* figures are read from the store after the view: Redis failing
    then must not turn a request already done (a submission saved) into a 500."""
    monkeypatch.setattr(type(limiter), "current_limit", property(lambda _: _FailingStore()))
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers


def test_submissions_are_limited_per_inventor(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "2 per hour")
    limiter.reset()
    client = app.test_client()
    login(client, make.user())
    data = {
        "service": "prior_art_search", "title": "t", "description": "d", "region_code": "KZ-75",
        "preferred_language": "kk", "confidentiality_ack": "y",
    }  # fmt: skip
    codes = [client.post("/requests/new", data=data).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    other = app.test_client()
    login(other, make.user())
    assert other.post("/requests/new", data=data).status_code == 302
    limiter.reset()


SUBMISSION = {
    "service": "prior_art_search", "title": "Күн панелі", "description": "Сипаттама",
    "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "y",
}  # fmt: skip


def test_refused_forms_spend_none_of_the_submission_limit(app, make, monkeypatch):
    """Review 10, finding 1: ten corrections used up the hour, and the eleventh post, the
    real request, got 429. Only a request made counts now."""
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "2 per hour")
    limiter.reset()
    client = app.test_client()
    login(client, make.user(locale="kk"))
    assert client.post("/requests/new", data=SUBMISSION).status_code == 302
    mistakes = [
        SUBMISSION | {"title": ""},
        SUBMISSION | {"ipc_classes": "XYZ"},
        SUBMISSION | {"region_code": ""},
        SUBMISSION,  # the similar-request warning
    ]
    codes = [client.post("/requests/new", data=data).status_code for data in mistakes * 3]
    assert codes == [400, 400, 400, 200] * 3
    assert client.post("/requests/new", data=SUBMISSION | {"send_anyway": "y"}).status_code == 302
    # The third request is over the limit: the form comes back as typed, with the wait.
    third = SUBMISSION | {"title": "Үшінші", "send_anyway": "y"}
    refused = client.post("/requests/new", data=third)
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    page = refused.get_data(as_text=True)
    assert 'value="Үшінші"' in page
    assert "60 минуттан кейін" in page or "1 сағаттан кейін" in page  # "in 1 hour", in Kazakh
    limiter.reset()


def test_the_form_itself_has_a_larger_allowance_against_hammering(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "TISC_SUBMIT_FORM_LIMIT", "3 per hour")
    limiter.reset()
    client = app.test_client()
    login(client, make.user(locale="ru"))
    codes = [client.post("/requests/new", data={}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    refused = client.post(
        "/requests/new",
        data={},
        headers={"Referer": "http://localhost/requests/new?service=training"},
    )
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3601
    page = refused.get_data(as_text=True)
    assert "через 60 минут" in page or "через 1 час" in page  # not "a minute"
    assert 'href="/requests/new?service=training"' in page  # back to the form
    assert 'href="/requests"' in page  # and to My requests
    limiter.reset()


def test_a_form_sent_again_after_its_request_used_up_the_allowance_gets_that_request(
    app, make, monkeypatch
):
    """A double click on the last request of the hour: the second post is the same form
    (its one-time token), so it is shown the request it made, not refused."""
    monkeypatch.setitem(app.config, "TISC_SUBMIT_LIMIT", "5 per day;1 per hour")
    limiter.reset()
    client = app.test_client()
    who = make.user()
    login(client, who)
    once = SUBMISSION | {"once": "double-click-token-1", "send_anyway": "y"}
    first = client.post("/requests/new", data=once)
    again = client.post("/requests/new", data=once)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    other = client.post("/requests/new", data=SUBMISSION | {"title": "Басқа", "send_anyway": "y"})
    assert other.status_code == 429  # a new form is over the hour's limit
    # refused by the hour's limit, it spent nothing of the day's: 1 made, 4 left of 5
    (day,) = [item for item in parse_many("5 per day;1 per hour") if item.amount == 5]
    with app.app_context():
        _reset, left = limiter.limiter.get_window_stats(day, "pages", "submit", f"user:{who.id}")
    assert left == 4
    limiter.reset()
