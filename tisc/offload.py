"""Work that needs folium or numpy, done in a helper child process.

Building a map script (folium) or computing coverage and the expansion
planner (numpy) would add some 40 MB to every web worker that ever did it,
for work that is done once per network version and language. Web workers
therefore hand it to a helper: ``python -m tisc.offload``, started by a web
worker the first time it needs one and kept for its lifetime (importing the
app, folium and numpy takes seconds; a task then takes milliseconds). It
reads one order per line on stdin (the task, its inputs, the language and
the app's configuration, as JSON), does the work in an application and
request context in that language, and writes one JSON answer per line on
stdout. It ends when its web worker does (its stdin closes); one that dies
or hangs is replaced at the next order. ``TISC_OFFLOAD=false`` does the same
work in process (the test suite's default, for speed; its own tests use the
helper).
"""

import json
import select
import subprocess
import sys
import time
import traceback
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
    return _helper.ask(order)


class Helper:
    """This process's helper child, started at the first order and kept."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is None or self.process.poll() is not None:
            # Its stderr is ours (the server's log); stdout carries the answers only.
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from tisc.offload import main; main()"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip

    def ask(self, order: dict):
        self.start()
        try:
            self.process.stdin.write(json.dumps(order) + "\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], TIMEOUT_SECONDS)
            line = self.process.stdout.readline() if ready else ""
        except OSError as error:  # it died while we wrote
            self.stop()
            raise OffloadFailed(f"{order['task']}: the helper ended ({error})") from None
        if not line:
            self.stop()
            raise OffloadFailed(f"{order['task']}: no answer from the helper")
        answer = json.loads(line)
        if "error" in answer:
            raise OffloadFailed(f"{order['task']} failed: {answer['error']}")
        return answer["result"]

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            with self.process:  # closes its pipes and waits for it
                pass
            self.process = None


_helper = Helper()


def start() -> None:
    """Start this process's helper, if it is not running (its imports take seconds)."""
    _helper.start()


def stop() -> None:
    """End this process's helper, if one runs. A server's ends with it; a process that
    served requests in passing (the bench) ends it, or it would keep its database
    connection open for as long as that process lives."""
    _helper.stop()


def coverage_data(radius_km: int, proposals: int) -> dict:
    tz = current_app.extensions["tisc.policy"].calendar.tz
    return coverage.to_data(coverage.report(radius_km, proposals, tz))


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
    """The helper: answer orders, one per line, until stdin closes."""
    from tisc import create_app

    answers, sys.stdout = sys.stdout, sys.stderr  # anything printed goes to the log
    for module in TASKS.values():  # the slow imports (folium, numpy), before the first order
        import_module(module.partition(":")[0])
    app = None
    for line in sys.stdin:
        order = json.loads(line)
        app = app or create_app(order["config"])
        try:
            base = app.config["TISC_BASE_URL"]
            with app.app_context(), app.test_request_context("/", base_url=base):
                answer = {"result": _perform(order["task"], order["locale"], order["inputs"])}
        except Exception as error:  # told to the web worker, which refuses the request
            traceback.print_exc()
            answer = {"error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
