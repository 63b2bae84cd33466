"""Test fixtures: one app per database backend, a clean database per test.

The whole suite that touches the database runs twice: on SQLite, and on
PostgreSQL when ``TISC_TEST_POSTGRES_URL`` is set (``.ci/run`` starts a
server and sets it); without it the PostgreSQL half is skipped, saying why.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.factories import Factory
from tisc import create_app
from tisc.config import database_url
from tisc.database import drop_everything
from tisc.extensions import bind_migrations, db
from tisc.models import Base
from tisc.services import accounts, dashboards, datasets


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI (TISC_REQUIRE_ALL=1) a missing part is a failure."""
    if os.environ.get("TISC_REQUIRE_ALL"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


# Reference data loaded once per session and kept between tests.
KEPT_TABLES = {"regions", "cities"}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "tisc-test.sqlite3")
    url = os.environ.get("TISC_TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("PostgreSQL half skipped: TISC_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    return workers_own(database_url(url))


def workers_own(url: str) -> str:
    """The PostgreSQL database of this pytest-xdist worker (``tisc_test_gw0``, …), made
    when missing: each worker empties its database between tests, so they share none."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = sa.make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            )
            if not found:
                connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


ROOT = Path(__file__).resolve().parents[1]


def in_a_process_of_its_own(script: str, settings: dict, person) -> dict:
    """Run ``script`` in a new Python process, as a server's process starts with nothing
    imported, given the app's ``settings`` and ``person`` (a :class:`tests.factories.Person`)
    as JSON arguments; what it printed last, read as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(settings),
         json.dumps(person.__dict__ | {"role": person.role.value})],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def settings_for(database: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-of-the-test-suite-at-least-32-characters",
        "SQLALCHEMY_DATABASE_URI": database,
        "WTF_CSRF_ENABLED": False,
        # Limits on, but out of reach; tests of the limits lower them.
        "TISC_LOGIN_LIMIT": "100000 per minute",
        "TISC_SUBMIT_LIMIT": "100000 per minute",
        "TISC_SUBMIT_FORM_LIMIT": "100000 per minute",
        "TISC_ACCOUNT_LIMIT": "100000 per minute",
        "TISC_API_LIMIT": "100000 per minute",
        "TISC_PASSWORD_HASH": "pbkdf2:sha256:1000",
        "TISC_TILES_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "BABEL_DEFAULT_LOCALE": "en",
        "MAIL_SERVER": None,
        # Maps and coverage in process, for speed; tests/web/test_offload.py uses the child.
        "TISC_OFFLOAD": False,
    }


@pytest.fixture(scope="session")
def app(database):
    app = create_app(settings_for(database))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            drop_everything(db.engine)
        bind_migrations(app)
        upgrade()
        datasets.load_reference_data()
    yield app
    with app.app_context():
        db.engine.dispose()


def wipe(app) -> None:
    """Remove every row but the reference data; put the partner centres back."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name == "audit_entries":
                    _empty_the_audit_trail(connection)
                elif table.name not in KEPT_TABLES:
                    connection.execute(sa.delete(table))
        datasets.load_partner_centres()
        db.session.remove()
    accounts._active.clear()  # the rows it remembers are gone


def _empty_the_audit_trail(connection) -> None:
    """The trail is append-only in the database (triggers): lift that for the wipe only."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        connection.exec_driver_sql("DELETE FROM audit_entries")
        connection.exec_driver_sql("ALTER TABLE audit_entries ENABLE TRIGGER USER")
        return
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    connection.exec_driver_sql("DELETE FROM audit_entries")
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)


@pytest.fixture
def clean(app):
    yield app
    wipe(app)
    # Rows were deleted: ids start again, so figures kept under the old ids must go too.
    dashboards.forget()


@pytest.fixture
def make(clean) -> Factory:
    return Factory(clean)


@pytest.fixture
def client(clean):
    return clean.test_client()


@pytest.fixture
def ctx(clean):
    """An application context, for calling services directly."""
    with clean.app_context():
        yield clean
        db.session.remove()
