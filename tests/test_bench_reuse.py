"""`make bench --reuse` measures the database as it was seeded, not as earlier runs left it."""

import json
import os
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade

import bench.__main__ as bench
from bench import seed
from tests.conftest import skip_or_fail, workers_own
from tisc import offload
from tisc.config import database_url
from tisc.extensions import bind_migrations, db
from tisc.models import City, User
from tisc.services import tokens

SEEDED = seed.Seeded(0, 0, 0, 0, "staff@bench.kz", "inventor@bench.kz", "office@bench.kz",
                     "TISC-2026-00001", "TISC-2026-00002")  # fmt: skip


@pytest.fixture
def postgres_bench(monkeypatch):
    """An empty PostgreSQL database of this test worker's own, which the bench may drop and
    make again (``DATABASE_URL`` names it); dropped afterwards, with its tiny template."""
    given = os.environ.get("TISC_TEST_POSTGRES_URL")
    if not given:
        skip_or_fail("PostgreSQL half skipped: TISC_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    own = sa.make_url(workers_own(database_url(given)))
    url = own.set(database=f"{own.database}_bench").render_as_string(hide_password=False)
    name = sa.make_url(url).database
    bench._copy_postgres_database(url, "template1", name)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    for database in (bench._seeded_name(url, "tiny"), name):
        bench._drop_postgres_database(url, database)


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_database(request, tmp_path, monkeypatch):
    """A bench database of the tiny scale; its notes and copies in ``tmp_path``."""
    monkeypatch.setattr(bench, "WORK", tmp_path)
    if request.param == "sqlite":
        monkeypatch.delenv("DATABASE_URL", raising=False)
        yield bench.fresh_database("tiny", directory=tmp_path)
        return
    request.getfixturevalue("postgres_bench")
    yield bench.fresh_database("tiny")


def _cities(url: str) -> int:
    with bench.in_app(url):
        return db.session.scalar(sa.select(sa.func.count()).select_from(City))


def _a_run_adds_to(url: str) -> None:
    with bench.in_app(url):
        seed.add_cities(random.Random(3), 5)
        db.session.commit()


def test_each_reuse_starts_from_the_database_as_seeded(bench_database):
    url = bench_database
    bench.remember("tiny", url, SEEDED, 1.5)
    seeded_cities = _cities(url)
    for _run in range(2):
        _a_run_adds_to(url)
        assert _cities(url) == seeded_cities + 5
        assert bench.reusable("tiny") == (url, SEEDED, 1.5)
        assert _cities(url) == seeded_cities


def test_a_reused_database_is_migrated_and_kept_migrated(bench_database):
    """A migration added since seeding runs on the reused database, and the copy is kept
    again: the next reuse does not run it once more (on a million rows it takes minutes)."""
    url = bench_database
    head = _revision_at(url)
    with bench.in_app(url) as app:
        bind_migrations(app)
        downgrade(revision="-1")
    older = _revision_at(url)
    bench.remember("tiny", url, SEEDED, 1.5)
    assert bench.reusable("tiny") == (url, SEEDED, 1.5)
    assert _revision_at(url) == head != older
    _a_run_adds_to(url)
    assert bench.restore_seeded("tiny", url)  # the copy as kept: migrated, runs undone
    assert _revision_at(url) == head


def _revision() -> str:
    return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def _revision_at(url: str) -> str:
    with bench.in_app(url):
        return _revision()


def test_a_write_ahead_log_left_beside_a_sqlite_database_is_not_replayed(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = bench.fresh_database("tiny", directory=tmp_path)
    bench.remember("tiny", url, SEEDED, 1.5)
    seeded_cities = _cities(url)
    path = sa.make_url(url).database
    with bench.in_app(url):  # a run's writes, caught in the WAL before a checkpoint
        db.session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        seed.add_cities(random.Random(3), 5)
        db.session.commit()
        shutil.copyfile(f"{path}-wal", tmp_path / "left.wal")
    shutil.copyfile(tmp_path / "left.wal", f"{path}-wal")  # as a killed run leaves it
    assert bench.reusable("tiny") is not None
    assert _cities(url) == seeded_cities


def test_without_a_seeded_copy_there_is_nothing_to_reuse(bench_database):
    url = bench_database
    bench.remember("tiny", url, SEEDED, 1.5)
    if url.startswith("sqlite"):
        bench._seeded_file(Path(sa.make_url(url).database)).unlink()
    else:
        bench._drop_postgres_database(url, bench._seeded_name(url, "tiny"))
    assert bench.reusable("tiny") is None


def test_seeding_postgresql_again_keeps_the_notes_of_scales_it_can_restore(
    postgres_bench, tmp_path, monkeypatch
):
    url = postgres_bench
    monkeypatch.setattr(bench, "WORK", tmp_path)
    bench.remember("tiny", bench.fresh_database("tiny"), SEEDED, 1.5)
    other = tmp_path / "postgresql-10k.json"  # another database's, or one with no template
    other.write_text(json.dumps({"url": url + "_elsewhere", "seeded": {}, "seconds": 1}))
    bench.fresh_database("1M")
    assert bench.note_of("tiny").exists() and not other.exists()
    bench._drop_postgres_database(url, bench._seeded_name(url, "tiny"))
    bench.fresh_database("1M")
    assert not bench.note_of("tiny").exists()


def test_a_reused_database_gives_a_token_however_often_the_bench_runs(make, monkeypatch):
    """Each run makes the staff member an API token: the earlier runs' are revoked first,
    so the cap of live tokens a person may hold never bites."""
    staff = make.user("staff")
    url = make.app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setattr(tokens, "MAX_TOKENS", 2)
    headers = [bench.api_authorization(url, staff.email) for _ in range(3)]
    assert len(set(headers)) == 3
    with make.app.app_context():
        [live] = tokens.active_for(db.session.get(User, staff.id))
        assert live.name == "bench"
        assert tokens.bearer(headers[-1].removeprefix("Bearer ")) is not None
        assert tokens.bearer(headers[0].removeprefix("Bearer ")) is None


def test_counting_statements_leaves_nothing_connected_to_the_database(bench_database):
    """The statements are counted by the app in the bench's own process, whose first
    request starts a map helper; left running, it kept a connection to the database, and
    a whole run on PostgreSQL failed when it came to keep the million as seeded."""
    job = bench.Job("/map script", "/map/network.js?radius=")  # an order for the helper
    row = SimpleNamespace(endpoint=job.name, statements=None, statements_after=None)
    bench.count_statements(bench_database, "", [job], [row])
    assert row.statements is not None
    if bench_database.startswith("postgresql"):  # copied at once: nobody is connected to it
        copy = bench._seeded_name(bench_database, "tiny")
        bench._copy_postgres_database(bench_database, sa.make_url(bench_database).database, copy)
        assert bench._postgres_exists(bench_database, copy)
    assert offload._helper.process is None
