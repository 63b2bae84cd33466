"""The WSGI entry point as a server loads it, in a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
import wsgi
frozen = gc.get_freeze_count()
print(frozen, len(gc.get_objects()))
"""


def test_the_entry_point_leaves_what_start_up_built_out_of_full_collections(tmp_path):
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'entry.sqlite3'}",
        "SECRET_KEY": "entry-point-test-" + "x" * 32, "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    frozen, tracked = (int(n) for n in result.stdout.split()[-2:])
    # The application's modules, models and routes: tens of thousands of objects, none of
    # which a full collection walks any more; what it still tracks is a few stragglers.
    assert frozen > 50_000
    assert tracked < frozen / 20
