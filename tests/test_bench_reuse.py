"""`make bench --reuse` measures the database as it was seeded, not as earlier runs left it."""

import os
import random

import pytest
import sqlalchemy as sa

import bench.__main__ as bench
from bench import seed
from tests.conftest import skip_or_fail, workers_own
from tisc.config import database_url
from tisc.extensions import db
from tisc.models import City

SEEDED = seed.Seeded(0, 0, 0, 0, "staff@bench.kz", "inventor@bench.kz", "office@bench.kz",
                     "TISC-2026-00001", "TISC-2026-00002")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_database(request, tmp_path, monkeypatch):
    """A bench database of the tiny scale, its notes and copies in ``tmp_path``."""
    monkeypatch.setattr(bench, "WORK", tmp_path)
    if request.param == "sqlite":
        monkeypatch.delenv("DATABASE_URL", raising=False)
        yield bench.fresh_database("tiny")
        return
    given = os.environ.get("TISC_TEST_POSTGRES_URL")
    if not given:
        skip_or_fail("PostgreSQL half skipped: TISC_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    own = sa.make_url(workers_own(database_url(given)))
    url = own.set(database=f"{own.database}_bench").render_as_string(hide_password=False)
    if not bench._postgres_exists(url, sa.make_url(url).database):
        bench._copy_postgres_database(url, "template1", sa.make_url(url).database)
    monkeypatch.setenv("DATABASE_URL", url)
    yield bench.fresh_database("tiny")
    bench._drop_postgres_database(url, bench._seeded_name(url, "tiny"))


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


def test_without_a_seeded_copy_the_bench_seeds_again(bench_database):
    url = bench_database
    bench.remember("tiny", url, SEEDED, 1.5)
    if url.startswith("sqlite"):
        bench._seeded_file(bench.Path(sa.make_url(url).database)).unlink()
    else:
        bench._drop_postgres_database(url, bench._seeded_name(url, "tiny"))
    _a_run_adds_to(url)
    assert bench.reusable("tiny") is None
