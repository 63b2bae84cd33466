"""`make bench` counts each job's processor instructions beside its floor's (callgrind)."""

import pytest

from bench import instructions, seed
from bench.__main__ import bench_app, deep_cursor, fresh_database
from tests.conftest import skip_or_fail
from tisc.extensions import db


@pytest.fixture
def seeded_database(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite, in tmp_path
    url = fresh_database("tiny", directory=tmp_path)
    app = bench_app(url)
    with app.app_context():
        seeded = seed.seed(400)
        db.engine.dispose()
    return url, seeded


def test_every_job_and_its_floor_are_counted_and_the_counts_mean_something(seeded_database):
    if not instructions.available():
        skip_or_fail("valgrind is not installed (.ci/run installs it)")
    url, seeded = seeded_database
    cursor = deep_cursor(url, seeded.staff_email, depth=30)
    counts = {c.job: c for c in instructions.count(url, "tiny", seeded, cursor, requests=2)}

    assert set(counts) == {job for job, *_ in instructions.JOBS}
    for c in counts.values():
        assert c.app_millions > 0 and c.floor_millions > 0, c
        assert c.ratio == c.floor_millions / c.app_millions
    # What each page does shows in its count: a longer timeline is more work, on both sides,
    # and the product's submission does more than the floor's one insert.
    assert counts["request page (200 events)"].app_millions > (
        counts["request page (5 events)"].app_millions + 5
    )
    assert counts["request page (200 events)"].floor_millions > (
        counts["request page (5 events)"].floor_millions
    )
    assert counts["submission (POST)"].app_millions > counts["submission (POST)"].floor_millions
    # Visitors' pages are kept whole: no more work than a few static files.
    assert counts["home / (visitor)"].app_millions < 4 * counts["home / (visitor)"].floor_millions
