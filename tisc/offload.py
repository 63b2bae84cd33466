"""Work that needs folium or numpy, done in a short-lived child process.

Building a map script (folium) or computing coverage and the expansion
planner (numpy) would add some 40 MB to every web worker that ever did it,
for work that is done once per network version and language. Web workers
therefore hand it to a child process: ``python -m tisc.offload`` reads
the task and the app's configuration as JSON on stdin, does the work in an
application and request context in the given language, and writes the
result as JSON on stdout. ``TISC_OFFLOAD=false`` does the same work in
process (the test suite's default, for speed; its own tests use the child).
"""

import json
import subprocess
import sys
import time
from importlib import import_module

from flask import current_app
from flask_babel import force_locale

from tisc.caching import Cache
from tisc.services import coverage, network

# The tasks, by the module that does them (imported only in the process that runs them).
TASKS = {
    "network_script": "tisc.web.mapping:network_script",
    "centre_script": "tisc.web.mapping:centre_script",
    "coverage_script": "tisc.web.mapping:coverage_script",
    "figures_script": "tisc.web.mapping:figures_script",
    "coverage_report": "tisc.offload:coverage_data",
}
TIMEOUT_SECONDS = 120


class OffloadFailed(RuntimeError):
    """The child process did not complete its task."""


def run(task: str, locale: str, **inputs):
    """The result of ``task`` with ``inputs``, computed in ``locale``."""
    if not current_app.config["TISC_OFFLOAD"]:
        return _perform(task, locale, inputs)
    order = {"task": task, "locale": locale, "inputs": inputs, "config": _config()}
    done = subprocess.run(
        [sys.executable, "-m", "tisc.offload"],
        input=json.dumps(order),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise OffloadFailed(f"{task} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def coverage_data(radius_km: int, proposals: int) -> dict:
    return coverage.to_data(coverage.report(radius_km, proposals))


REPORT_SECONDS = 60
_reports: Cache[dict] = Cache(size=8, seconds=REPORT_SECONDS)


def coverage_report(radius: int, count: int, locale: str) -> tuple[coverage.CoverageReport, str]:
    """The coverage report and its fingerprint, reused for a minute per process: the page, its
    map script and the API ask for the same one, and the figures need not be fresher.

    The fingerprint names the report's inputs and its minute, for the map script's URL.
    """
    key = (network.version(), radius, count, int(time.time() // REPORT_SECONDS))
    data = _reports.get(
        key, lambda: run("coverage_report", locale, radius_km=radius, proposals=count)
    )
    return coverage.from_data(data), "-".join(map(str, key))


def _perform(task: str, locale: str, inputs: dict):
    module, _, name = TASKS[task].partition(":")
    with force_locale(locale):
        return getattr(import_module(module), name)(**inputs)


def _config() -> dict:
    """The settings the child needs to be the same application: every JSON-able one."""
    settings = {}
    for key, value in current_app.config.items():
        try:
            json.dumps(value)
        except TypeError:
            continue
        settings[key] = value
    return settings | {"TISC_OFFLOAD": False}


def main() -> None:
    from tisc import create_app

    order = json.load(sys.stdin)
    app = create_app(order["config"])
    base = app.config["TISC_BASE_URL"]
    with app.app_context(), app.test_request_context("/", base_url=base):
        result = _perform(order["task"], order["locale"], order["inputs"])
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
