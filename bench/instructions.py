"""Processor instructions per request, counted by Valgrind (callgrind): the app and its floor.

Requests per second on this host drift by up to 3× within minutes, so a ratio
of two load runs can only resolve large differences. The instructions one
request executes do not drift: counted in process (Flask's test client, the
same database, the same jobs as the load runs) they repeat within about 1%.
They are the web process's own work, the database's included on SQLite; a
PostgreSQL server's work is not counted (on either side). They are not time
(cache misses, system calls and waiting on the database are not counted), so
both figures are reported.

``python -m bench.instructions drive SIDE REQUESTS JOBS`` runs under ``valgrind
--tool=callgrind --instr-atstart=no``: for each job it switches counting on,
sends the requests, switches it off and dumps the count (which zeroes it).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.load import unique_words

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 20  # counted per job, after WARM_UP requests that are not
WARM_UP = 3
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Count:
    job: str
    scale: str
    app_millions: float
    floor: str
    floor_millions: float

    @property
    def ratio(self) -> float:
        """The job's instructions per request as a share of the floor's (floor / app): on a
        machine that only executes instructions, its rate as a share of the floor's."""
        return self.floor_millions / self.app_millions


# (job, who sends it, method, path, the baseline job it is compared with); the names are
# those of the load runs. ``{typical}``, ``{long}`` and ``{cursor}`` come from the seed.
JOBS = [
    ("submission (POST)", "inventor", "POST", "/requests/new", "create"),
    ("request page (5 events)", "staff", "GET", "/requests/{typical}", "detail"),
    ("request page (200 events)", "staff", "GET", "/requests/{long}", "long detail"),
    ("staff queue", "staff", "GET", "/desk", "table"),
    ("staff queue, deep page", "staff", "GET", "/desk?after={cursor}", "table"),
    ("inventor's list", "inventor", "GET", "/requests", "table"),
    ("home / (visitor)", "visitor", "GET", "/", "static"),
    ("/centres (visitor)", "visitor", "GET", "/centres", "static"),
    ("/map (page)", "visitor", "GET", "/map", "static"),
]
FLOORS = {
    "create": ("POST", "/create"),
    "detail": ("GET", "/detail/{typical}"),
    "long detail": ("GET", "/detail/{long}"),
    "table": ("GET", "/table"),
    "static": ("GET", "/static/css/app.css"),
}


def available() -> bool:
    return bool(shutil.which("valgrind") and shutil.which("callgrind_control"))


def count(url: str, scale: str, seeded, cursor: str, requests: int = REQUESTS) -> list[Count]:
    """Every job's and floor's instructions per request, in millions, the mean of
    ``requests`` (the two sides are counted at once: counts do not depend on what else
    runs)."""
    from bench.seed import SUBMISSION  # not at the top: the baseline's driver imports this
    # module, and bench.seed imports the app, whose engine listeners would then be its too

    values = {"typical": seeded.typical_reference, "long": seeded.long_timeline_reference,
              "cursor": cursor}  # fmt: skip
    emails = {"inventor": seeded.inventor_email, "staff": seeded.staff_email}
    # The app's one POST is the submission; the floor's create takes a title alone.
    app_jobs = [{"name": name, "email": emails.get(who), "method": method,
                 "path": path.format(**values), "form": SUBMISSION if method == "POST" else {}}
                for name, who, method, path, _ in JOBS]  # fmt: skip
    floor_jobs = [{"name": name, "email": None, "method": method, "path": path.format(**values),
                   "form": {}} for name, (method, path) in FLOORS.items()]  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        app = _start("app", url, app_jobs, requests, Path(work))
        floor = _start("baseline", url, floor_jobs, requests, Path(work))
        app_counts = _finish(*app, app_jobs, requests)
        floor_counts = _finish(*floor, floor_jobs, requests)
    return [Count(name, scale, app_counts[name], floor_name, floor_counts[floor_name])
            for name, _, _, _, floor_name in JOBS]  # fmt: skip


def _start(side: str, url: str, jobs: list[dict], requests: int, work: Path):
    out = work / f"{side}.%p"
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions",
               "drive", side, str(requests), json.dumps(jobs)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECRET_KEY": "bench-instructions-key-32-chars!",
           "RATELIMIT_ENABLED": "false", "TISC_WORKER": "true", "DATABASE_URL": url}  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    return process, work, side


def _finish(process: subprocess.Popen, work: Path, side: str, jobs: list[dict], requests: int):
    """Per job, millions of instructions per request: its dump less an empty one's (the
    switching itself), over the requests sent."""
    errors = process.communicate()[1]
    if process.returncode != 0:
        raise RuntimeError(f"counting the {side}'s instructions failed:\n{errors[-3000:]}")
    dumps = sorted(work.glob(f"{side}.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    empty, *totals = [_total(path) for path in dumps]
    return {job["name"]: round((total - empty) / requests / 1e6, 2)
            for job, total in zip(jobs, totals, strict=True)}  # fmt: skip


def _total(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


# --- the driver, inside valgrind -------------------------------------------------------------


def drive(side: str, requests: int, jobs: list[dict]) -> None:
    if side == "app":
        from wsgi import app
    else:
        from bench.baseline import app
    clients = {}  # one per person (None: a visitor)
    switch("dump")  # an empty count: what switching costs, taken off every job's
    for job in jobs:
        email = job["email"]
        if email not in clients:
            clients[email] = app.test_client()
            if email:
                _sign_in(clients[email], email)
        send = _sender(clients[email], job)
        for number in range(WARM_UP):
            send(number)
        switch("on")
        for number in range(WARM_UP, WARM_UP + requests):
            send(number)
        switch("dump")


def switch(what: str) -> None:
    """Counting on, or off and dumped (which zeroes the count)."""
    pid = str(os.getpid())
    if what == "on":
        subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    else:
        subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
        subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)


def _sign_in(client, email: str) -> None:
    from bench.seed import PASSWORD  # only in the app's driver (see count)

    token = TOKEN.search(client.get("/login").text)[1]
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, f"{email} could not sign in"


def _sender(client, job: dict):
    """A function sending the job's request number n (and checking the answer)."""
    if job["method"] == "GET":

        def get(number: int) -> None:
            assert client.get(job["path"]).status_code == 200, job["path"]

        return get
    token = TOKEN.search(client.get(job["path"]).text)[1]
    # The session as it was before the first post: a submission's flash message is not
    # carried into the next (the load runs send the same cookie each time, too).
    name = client.application.config["SESSION_COOKIE_NAME"]
    kept = client.get_cookie(name).value

    def post(number: int) -> None:
        client.set_cookie(name, kept)
        # A new invention each time, like the load runs': three random words resemble none
        # of the inventor's open requests (nothing to flag).
        data = {**job["form"], "title": unique_words().replace("+", " "), "csrf_token": token}
        assert client.post(job["path"], data=data).status_code == 302, job["path"]

    return post


def as_dicts(counts: list[Count]) -> list[dict]:
    return [asdict(c) | {"ratio": round(c.ratio, 3)} for c in counts]


if __name__ == "__main__" and sys.argv[1:2] == ["drive"]:
    drive(sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]))
