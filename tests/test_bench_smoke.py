"""`make bench` keeps working: a tiny run, end to end, with the Python load generator."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_tiny_benchmark_runs_every_endpoint_without_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite
    env["TISC_BENCH_WORK"] = str(tmp_path / "work")  # not the bench's own databases
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--duration", "0.3", "--concurrency", "2",
         "--tool", "python", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "quick-sqlite.json").read_text())
    names = {row["endpoint"] for row in report["rows"]}
    assert {"staff queue", "staff queue, deep page", "request page (200 events)",
            "/map script (cached)", "/office/coverage + planner (k=5)", "submission (POST)",
            "login (POST)", "baseline: 50-row table", "baseline: static file",
            "search: staff, a word", "search: office, a reference"} <= names  # fmt: skip
    # Which rows failed, and what the bench said: seen twice in whole parallel runs (the
    # floors' rows at 0 requests/s, "Worker failed to boot"), never alone. The bench's words
    # are printed whole (pytest cuts a long assertion message short) with the rows named.
    failed = [(row["endpoint"], row["errors"], row["requests"]) for row in report["rows"]
              if row["errors"]]  # fmt: skip
    if failed:
        print(result.stdout[-3000:], result.stderr[-6000:], sep="\n")
    assert not failed, failed
    assert all(row["requests"] > 0 for row in report["rows"])
    assert report["rss"]["tiny"]["app_mb"] > 0
    floors_after = {r["endpoint"] for r in report["rows"] if r["scale"] == "tiny, floors after"}
    assert "baseline: create (POST)" in floors_after  # measured again: the host drifts
    # Each job is divided by its floor measured just before it, not by one from minutes ago.
    beside = [r for r in report["rows"] if r["scale"] == "tiny, floor beside"]
    jobs = [r for r in report["rows"] if not r["endpoint"].startswith("baseline")]
    assert len(beside) == len(jobs)
    assert {"baseline: 50-row table", "baseline: create (POST)", "baseline: sign-in (POST)",
            "baseline: static file"} <= {r["endpoint"] for r in beside}  # fmt: skip
    # The sign-in's floor signs in as the app's job does: the same person, the same hash.
    login = next(r for r in jobs if r["endpoint"] == "login (POST)")
    assert login["floor"] == "baseline: sign-in (POST)"
    for job in jobs:
        assert job["floor_rps"] > 0
        assert job["vs_baseline"] == round(job["rps"] / job["floor_rps"], 2), job
    # The serving processes' CPU per request: every run has it, and a submission costs some.
    assert all(row["cpu_ms"] is not None and row["cpu_ms"] >= 0 for row in report["rows"])
    submission = next(r for r in jobs if r["endpoint"] == "submission (POST)")
    assert submission["cpu_ms"] > 0
    assert "| staff queue | tiny |" in (tmp_path / "quick-sqlite.md").read_text()
    assert (tmp_path / "work" / "bench-tiny.json").exists()
