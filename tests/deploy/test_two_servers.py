"""A real deployment: PostgreSQL, Redis, two gunicorn servers and one worker.

One journey alternates between the servers - sign in on one, act on the
other - and checks what a single server could never show: sessions and files
shared through the database, optimistic locking across servers, a login limit
shared through Redis, and every e-mail sent exactly once by the worker to a
real SMTP server. Locally it skips without PostgreSQL or Redis; ``.ci/run``
starts both (and then nothing may skip).
"""

import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import skip_or_fail
from tests.factories import PASSWORD, PDF
from tisc import create_app
from tisc.config import database_url
from tisc.database import drop_everything
from tisc.domain.catalogue import Role
from tisc.extensions import bind_migrations, db
from tisc.models import Delivery, OutboxMessage, RequestEvent
from tisc.services import accounts, datasets

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOGIN_LIMIT = 12
SECRET = "two-servers-secret-key-of-sufficient-length"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str]] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        subject = re.search(rb"^Subject: (.*)$", envelope.content, re.M)
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, subject[1].decode() if subject else ""))
        return "250 OK"


class Browser:
    """One person's cookies, used against either server."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects()
        )

    def get(self, url: str) -> tuple[int, str]:
        status, body = self.send(urllib.request.Request(url))
        return status, body.decode("utf-8", "replace")

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, bytes]:
        if files:
            boundary, body = encode_multipart(fields | files)
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = (
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        return self.send(urllib.request.Request(url, data=body, headers={"Content-Type": kind}))

    def send(self, request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def token(self, url: str, field: str = "csrf_token") -> str:
        return re.search(rf'name="{field}"[^>]*value="([^"]+)"', self.get(url)[1])[1]

    def sign_in(self, server: str, email: str, password: str = PASSWORD) -> int:
        token = self.token(f"{server}/login")
        return self.post(
            f"{server}/login", {"email": email, "password": password, "csrf_token": token}
        )[0]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def deployment():
    postgres, redis_url = (
        os.environ.get("TISC_TEST_POSTGRES_URL"),
        os.environ.get("TISC_TEST_REDIS_URL"),
    )
    if not postgres:
        skip_or_fail("the deployment test needs PostgreSQL: TISC_TEST_POSTGRES_URL (.ci/run)")
    if not redis_url:
        skip_or_fail("the deployment test needs Redis: TISC_TEST_REDIS_URL (.ci/run sets it)")
    url = database_url(postgres).rsplit("/", 1)[0] + "/tisc_deploy"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        drop_everything(db.engine)
        bind_migrations(app)
        from flask_migrate import upgrade

        upgrade()
        datasets.load_reference_data()
        people = {
            role: accounts.create_user(name, f"{role}@deploy.kz", Role(kind), "scrypt",
                                       centre_slug=centre, password=PASSWORD).email
            for role, name, kind, centre in [
                ("inventor", "Әлия", "inventor", None),
                ("staff", "Айгерім", "staff", "kbtu"),
                ("colleague", "Дмитрий", "staff", "kbtu"),
            ]
        }  # fmt: skip
        db.engine.dispose()
    sink = Sink()
    sink.controller.start()
    env = {
        **os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "PYTHONPATH": str(ROOT),
        "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"deploy-{uuid.uuid4().hex}",
        "TISC_LOGIN_LIMIT": f"{LOGIN_LIMIT} per minute", "TISC_WORKER": "true",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.controller.port),
    }  # fmt: skip
    servers, processes = [], []
    for _ in range(2):
        # The socket is bound here and handed over: a port merely found free could be taken
        # by another test's server first, which would then answer the checks below.
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(128)
            processes.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "2", "-b", f"fd://{listener.fileno()}",
                 "--log-level", "warning", "wsgi:app"],
                cwd=ROOT, env=env, pass_fds=[listener.fileno()],
            ))  # fmt: skip
            servers.append(f"http://127.0.0.1:{listener.getsockname()[1]}")
    processes.append(subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "tisc", "worker", "--poll", "0.2"], cwd=ROOT, env=env
    ))  # fmt: skip
    try:
        for server in servers:
            wait_until(lambda server=server: Browser().get(f"{server}/healthz")[0] == 200
                       or Browser().get(f"{server}/login")[0] == 200)  # fmt: skip
        yield {"servers": servers, "people": people, "sink": sink, "url": url, "app": app,
               "web": processes[:-1], "worker": processes[-1]}  # fmt: skip
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        sink.controller.stop()
        with app.app_context():
            db.engine.dispose()


def wait_until(condition, seconds: float = 60) -> None:
    """Poll ``condition`` until it holds (other processes are working), failing at the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the deployment did not get there in time")
        time.sleep(0.2)


def test_a_journey_across_two_servers_and_a_worker(deployment):
    a, b = deployment["servers"]
    people, app = deployment["people"], deployment["app"]

    # On a machine they share, requests go before the rendering of their mail: the worker
    # lowers its CPU priority (``--nice``, 10 unless told) and the servers keep theirs.
    # (One test per deployment: xdist would start a second one on the same database.)
    ours, worker = os.getpriority(os.PRIO_PROCESS, 0), deployment["worker"].pid
    wait_until(lambda: os.getpriority(os.PRIO_PROCESS, worker) != ours)
    assert os.getpriority(os.PRIO_PROCESS, worker) == min(ours + 10, 19)
    assert {os.getpriority(os.PRIO_PROCESS, web.pid) for web in deployment["web"]} == {ours}

    # The inventor signs in on A and submits, with a file, on B.
    inventor = Browser()
    assert inventor.sign_in(a, people["inventor"]) == 302
    form = {"service": "prior_art_search", "title": "Жылу сақтайтын кірпіш",
            "description": "CONFIDENTIAL invention", "region_code": "KZ-75",
            "preferred_language": "kk", "confidentiality_ack": "y",
            "requester_category": "individual_inventor",
            "csrf_token": inventor.token(f"{b}/requests/new")}  # fmt: skip
    status, body = inventor.post(
        f"{b}/requests/new",
        form,
        {"files": FileStorage(io.BytesIO(PDF), "сызба.pdf", content_type="application/pdf")},
    )
    assert status == 302, body.decode()[-3000:]
    with app.app_context():
        reference = db.session.scalar(sa.text("SELECT reference FROM service_requests"))
        file_id = db.session.scalar(sa.text("SELECT id FROM request_files"))
        assert file_id is not None, "the file did not arrive with the submission"
        staff_id = db.session.scalar(
            sa.text("SELECT id FROM users WHERE email = :email"), {"email": people["staff"]}
        )
    status, page = inventor.get(f"{a}/requests/{reference}")
    assert status == 200 and "Жылу сақтайтын кірпіш" in page
    status, content = inventor.send(
        urllib.request.Request(f"{a}/requests/{reference}/files/{file_id}")
    )
    assert status == 200 and content == PDF

    # Two colleagues act on the same version, one on each server: one wins, once.
    staff, colleague = Browser(), Browser()
    assert staff.sign_in(b, people["staff"]) == 302
    assert colleague.sign_in(a, people["colleague"]) == 302
    version = re.search(r'name="assign-version"[^>]*value="(\d+)"',
                        staff.get(f"{a}/requests/{reference}")[1])[1]  # fmt: skip

    def assign(browser, server):
        return browser.post(f"{server}/requests/{reference}/assign", {
            "assign-version": version, "assign-assignee": staff_id,
            "assign-csrf_token": browser.token(f"{server}/requests/{reference}?do=assign",
                                               "assign-csrf_token"),
        })[0]  # fmt: skip

    assert assign(staff, b) == 302
    assert assign(colleague, a) == 409
    with app.app_context():
        assigned = db.session.scalar(
            sa.select(sa.func.count()).where(RequestEvent.action == "assign")
        )
    assert assigned == 1

    # The login limit is one budget for both servers (Redis), not one per process. (Each
    # attempt names another address, so that no account's own back-off answers first.)
    stranger, allowed = Browser(), 0
    for attempt in range(2 * LOGIN_LIMIT):
        server = (a, b)[attempt % 2]
        token = stranger.token(f"{server}/login")
        status, _ = stranger.post(f"{server}/login", {
            "email": f"nobody{attempt}@deploy.kz", "password": "wrong password",
            "csrf_token": token,
        })  # fmt: skip
        if status == 429:
            break
        allowed += 1
    assert allowed == LOGIN_LIMIT - 3  # three sign-ins above used the rest

    # Every e-mail queued by the journey is sent exactly once, by the worker.
    def delivered():
        with app.app_context():
            waiting = db.session.scalar(
                sa.select(sa.func.count()).where(
                    OutboxMessage.delivery.in_([Delivery.QUEUED, Delivery.SENDING])
                )
            )
            db.session.remove()
        return waiting == 0

    wait_until(delivered)
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.to_address, OutboxMessage.delivery, OutboxMessage.attempts)
        ).all()
    assert rows and all(
        delivery == Delivery.SENT and attempts == 1 for _, delivery, attempts in rows
    )
    sent = sorted(recipient for recipient, _ in deployment["sink"].received)
    assert sent == sorted(address for address, _, _ in rows)
