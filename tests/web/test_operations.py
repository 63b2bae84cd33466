"""Probes for load balancers, and a database that is down or locked.

``/healthz`` says the process is alive, ``/readyz`` that it can serve (the
database answers and its schema is the code's); neither has a session or a
rate limit. A database that is down or locked answers 503 with
``Retry-After`` and a page that says so, never a 500.
"""

import sqlite3

import pytest
from flask_migrate import upgrade

from tests.conftest import settings_for
from tests.factories import login
from tisc import create_app, database
from tisc.extensions import bind_migrations, db
from tisc.services import health

PROBES = ["/healthz", "/readyz"]


@pytest.mark.parametrize("path", PROBES)
def test_probes_answer_without_a_session_cookie_or_rate_limit(client, make, path):
    login(client, make.user())
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert not any(name.startswith("X-RateLimit") for name, _ in response.headers)
        assert "no-store" in response.headers["Cache-Control"]
    assert response.get_json()["status"] == "ok"


def test_readyz_is_503_when_the_schema_is_behind_the_code(client, monkeypatch):
    monkeypatch.setattr(health, "expected_heads", lambda directory: {"a-newer-revision"})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["migrations"] == "behind"


@pytest.fixture
def unreachable_app():
    """An app whose PostgreSQL is down (nothing listens on port 1)."""
    settings = settings_for("postgresql+psycopg://tisc:tisc@127.0.0.1:1/tisc")
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"connect_timeout": 2}}
    app = create_app(settings)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_process_is_alive_while_the_database_is_down(unreachable_app):
    client = unreachable_app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize(
    ("method", "path", "signed_in"),
    [("GET", "/", False), ("GET", "/centres/kbtu", False), ("GET", "/desk", True),
     ("POST", "/login", False)],
)  # fmt: skip
def test_a_database_that_is_down_gives_a_friendly_503(unreachable_app, method, path, signed_in):
    client = unreachable_app.test_client()
    if signed_in:
        with client.session_transaction() as session:
            session["_user_id"] = "a-session-token"
    data = {"email": "a@example.kz", "password": "x" * 12} if method == "POST" else None
    response = client.open(path, method=method, data=data)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "temporarily unavailable" in page and "<html" in page


def test_writers_take_turns_on_a_lock_file_beside_the_database(tmp_path, monkeypatch):
    """SQLite writers wait for their turn on a file lock (woken at once when it is free)
    rather than in SQLite's sleeping busy handler; one whose turn does not come within the
    busy timeout goes on and leaves it to SQLite."""
    import fcntl
    import os

    path = tmp_path / "turns.sqlite3"
    app = create_app(settings_for(f"sqlite:///{path}"))
    other = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT)  # another process's writer
    third = os.open(f"{path}-writers", os.O_RDWR)
    try:
        with app.app_context():
            with database.writers_turn(db.session()), pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the turn is over: theirs now
            monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 0)
            with database.writers_turn(db.session()):
                pass  # not kept waiting for ever
            with pytest.raises(BlockingIOError):  # and the other's turn was left alone
                fcntl.flock(third, fcntl.LOCK_EX | fcntl.LOCK_NB)
            db.engine.dispose()
    finally:
        os.close(other)
        os.close(third)


def test_a_locked_database_gives_a_friendly_503(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.sqlite3"
    app = create_app(settings_for(f"sqlite:///{path}"))
    with app.app_context():
        bind_migrations(app)
        upgrade()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        data = {
            "name": "A",
            "email": "a@example.kz",
            "password": "violet anchor murmur 1873 tides",
            "confirm": "violet anchor murmur 1873 tides",
            "requester_category": "individual_inventor",
        }
        response = app.test_client().post("/register", data=data)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "temporarily unavailable" in response.get_data(as_text=True)
