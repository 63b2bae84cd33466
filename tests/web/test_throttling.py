"""Throttling that holds with several workers and servers behind a proxy.

Failed sign-ins back off per address in the database (every worker sees
them); limits live in a shared store when one is configured (Redis); the
client's address is read through the configured number of proxies; and the
account endpoints that send e-mail or check a password are limited too.
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import settings_for, skip_or_fail
from tests.factories import login
from tests.mail import outbox
from tisc import create_app
from tisc.extensions import db, limiter
from tisc.models import AuthSession, User
from tisc.services import sign_in, tokens

WRONG = "not the right password"


def attempt(client, email: str, password: str = WRONG):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.parametrize("known", [True, False])
def test_failed_sign_ins_back_off_per_address_whether_or_not_it_has_an_account(app, make, known):
    person = make.user()
    email = person.email if known else "nobody@tisc-test.kz"
    codes = [attempt(app.test_client(), email).status_code for _ in range(sign_in.FREE_FAILURES)]
    assert codes == [400] * sign_in.FREE_FAILURES
    # Another browser, another worker: the back-off is in the database, and even the
    # right password waits.
    response = attempt(app.test_client(), email, person.password if known else WRONG)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    other = attempt(app.test_client(), make.user().email, make.user().password)
    assert other.status_code == 302 or other.status_code == 400  # other addresses are unaffected


def test_the_back_off_grows_and_passes(ctx, make):
    person = make.user()
    start = datetime.now(UTC)
    waits = []
    for n in range(sign_in.FREE_FAILURES + 3):
        outcome = sign_in.sign_in(person.email, WRONG, now=start + timedelta(hours=n))
        waits.append(outcome.wait)
    assert waits[: sign_in.FREE_FAILURES - 1] == [None] * (sign_in.FREE_FAILURES - 1)  # free
    blocked = waits[sign_in.FREE_FAILURES - 1 :]
    assert all(wait is not None for wait in blocked)
    assert blocked == sorted(blocked) and blocked[-1] <= sign_in.LONGEST_WAIT
    late = start + timedelta(hours=sign_in.FREE_FAILURES + 3)
    refused = sign_in.sign_in(person.email, person.password, now=late - timedelta(hours=1))
    assert refused.user is None and refused.refused and refused.wait is not None
    welcome = sign_in.sign_in(person.email, person.password, now=late)
    assert welcome.user is not None and welcome.token
    again = sign_in.sign_in(person.email, WRONG, now=late)
    assert again.wait is None  # a success starts the count again


def test_an_old_failure_is_forgotten(ctx, make):
    person = make.user()
    start = datetime.now(UTC) - timedelta(days=3)
    for n in range(sign_in.FREE_FAILURES - 1):
        sign_in.sign_in(person.email, WRONG, now=start + timedelta(minutes=n))
    assert sign_in.sign_in(person.email, WRONG).wait is None


ACCOUNT_POSTS = {
    "/account/email": lambda person: {"email": "elsewhere@tisc-test.kz", "password": WRONG},
    "/account/confirmation": lambda person: {},
    "/account/password": lambda person: {
        "current_password": WRONG,
        "new_password": "x",
        "confirm": "y",
    },
}


@pytest.mark.parametrize("path", ACCOUNT_POSTS)
def test_account_endpoints_that_mail_or_check_a_password_are_limited(app, make, monkeypatch, path):
    monkeypatch.setitem(app.config, "TISC_ACCOUNT_LIMIT", "3 per minute")
    limiter.reset()
    person = make.user()
    client = app.test_client()
    login(client, person)
    codes = [client.post(path, data=ACCOUNT_POSTS[path](person)).status_code for _ in range(4)]
    assert codes[:3] != [429] * 3 and codes[3] == 429
    colleague = app.test_client()
    login(colleague, make.user())
    assert colleague.post(path, data=ACCOUNT_POSTS[path](person)).status_code != 429
    limiter.reset()


def _page_without_tokens(response, address):
    """The page as a person reads it: the address named, but the CSRF tokens (signed
    with the second they were made) and the clock times (the session's "last used")
    masked, so two answers a second apart compare equal when they say the same."""
    text = response.get_data(as_text=True).replace(address, "ADDRESS")
    text = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="TOKEN"', text)
    return re.sub(r"\d{1,2}:\d{2}(\s?[AP]M)?", "TIME", text)


def test_changing_to_a_taken_address_answers_the_same_and_tells_its_owner(app, make):
    person, owner = make.user(), make.user()
    client = app.test_client()
    login(client, person)
    free = client.post(
        "/account/email", data={"email": "free@tisc-test.kz", "password": person.password},
        follow_redirects=True,
    )  # fmt: skip
    taken = client.post(
        "/account/email", data={"email": owner.email, "password": person.password},
        follow_redirects=True,
    )  # fmt: skip
    assert free.status_code == taken.status_code == 200
    free_text = _page_without_tokens(free, "free@tisc-test.kz")
    taken_text = _page_without_tokens(taken, owner.email)
    assert "We have sent a link to ADDRESS" in free_text and "We have sent a link to" in taken_text
    assert free_text == taken_text
    confirmations = outbox(app, kind="confirm_email_change")
    assert [m.to_address for m in confirmations] == ["free@tisc-test.kz"]
    (notice,) = outbox(app, kind="email_in_use")
    assert notice.to_address == owner.email
    assert person.email not in notice.body_text  # nobody learns who asked


def _origin_of_sign_in(app_settings: dict, headers: dict) -> str:
    other = create_app(app_settings)
    try:
        with other.app_context():
            from tests.factories import Factory

            person = Factory(other).user()
        other.test_client().post(
            "/login", data={"email": person.email, "password": person.password}, headers=headers
        )
        with other.app_context():
            return db.session.scalars(
                sa.select(AuthSession.origin).where(AuthSession.user_id == person.id)
            ).one()
    finally:
        with other.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(("hops", "origin"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_comes_through_the_configured_proxies_only(app, make, hops, origin):
    settings = settings_for(app.config["SQLALCHEMY_DATABASE_URI"]) | {"TISC_PROXY_HOPS": hops}
    headers = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"}
    assert _origin_of_sign_in(settings, headers) == origin


@pytest.mark.parametrize(
    ("forwarded", "origin"),
    [("1.2.3.4, " + "y" * 100, "y" * 64), ("a\x00b\x1bc", "abc")],
)
def test_a_forwarded_address_is_kept_as_a_column_can_hold_it(app, make, forwarded, origin):
    """Behind a proxy that passes the client's own header on, it is the client's to write:
    too long or with a NUL, signing in once answered 500 on PostgreSQL."""
    settings = settings_for(app.config["SQLALCHEMY_DATABASE_URI"]) | {"TISC_PROXY_HOPS": 1}
    assert _origin_of_sign_in(settings, {"X-Forwarded-For": forwarded}) == origin


WORKER = """
import json, sys
from tests.conftest import settings_for
from tisc import create_app

database, storage, prefix, count = sys.argv[1:5]
app = create_app(settings_for(database) | {
    "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix,
    "TISC_LOGIN_LIMIT": "5 per minute",
})
client = app.test_client()
codes = [client.post("/login", data={"email": f"nobody{n}@tisc-test.kz", "password": "x" * 12})
         .status_code for n in range(int(count))]
print(json.dumps(codes))
"""


def test_two_workers_share_one_limit_through_redis(app, make):
    storage = os.environ.get("TISC_TEST_REDIS_URL")
    if not storage:
        skip_or_fail("the shared limit store needs Redis: TISC_TEST_REDIS_URL is not set")
    prefix = f"tisc-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]

    def worker(count: int) -> list[int]:
        run = subprocess.run(
            [sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"], storage,
             prefix, str(count)],
            cwd=root, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return json.loads(run.stdout.strip().splitlines()[-1])

    assert worker(3) == [400, 400, 400]
    assert worker(3) == [400, 400, 429]  # the first worker's attempts count here too


STORE_DOWN = """
import json, sys
from tests.conftest import settings_for
from tisc import create_app

database, storage, token = sys.argv[1:4]
app = create_app(settings_for(database) | {
    "RATELIMIT_STORAGE_URI": storage, "TISC_LOGIN_LIMIT": "5 per minute",
})
client = app.test_client()
codes = [client.post("/login", data={"email": f"nobody{n}@tisc-test.kz", "password": "x" * 12})
         .status_code for n in range(6)]
api = {"Authorization": f"Bearer {token}"}
codes.append(client.get("/api/v1/requests", headers=api).status_code)
codes.append(client.post("/api/v1/requests", headers=api, data={
    "service": "training", "title": "A course on patent search", "description": "For our lab",
    "region_code": "KZ-75", "preferred_language": "kk", "confidentiality_ack": "true",
    "requester_category": "university",
}).status_code)
print(json.dumps(codes))
"""


def _silent_server():
    """A port that takes connections and never answers: a hung store."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server


@pytest.mark.parametrize("store", ["refusing", "hung"])
def test_a_failed_limit_store_leaves_sign_in_submission_and_the_api_working(app, make, store):
    """Redis down or hung: each process counts alone (its 6th sign-in in a minute is still
    refused), rather than every sign-in, submission and API call answering 500."""
    server = _silent_server() if store == "hung" else socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    if store == "refusing":  # a port just closed: connections are refused
        server.close()
    inventor = make.user()
    with app.app_context():
        token = tokens.create(db.session.get(User, inventor.id), "t", "write", 30)[1]
    run = subprocess.run(
        [sys.executable, "-c", STORE_DOWN, app.config["SQLALCHEMY_DATABASE_URI"],
         f"redis://127.0.0.1:{port}/0", token],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    server.close()
    assert run.returncode == 0, run.stderr[-2000:]
    codes = json.loads(run.stdout.strip().splitlines()[-1])
    assert codes == [400, 400, 400, 400, 400, 429, 200, 201], run.stderr[-2000:]
