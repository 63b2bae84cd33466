"""``make bench``: seed, serve like production, load every endpoint, compare with the framework.

For each scale (10k and 1M requests over 20 centres; then 2,000 centres and
2,000 towns on top of the 1M database) it seeds a fresh database (SQLite by
default, PostgreSQL when ``DATABASE_URL`` points at one), serves the app and
a minimal Flask + SQLAlchemy baseline with gunicorn (2 workers each), drives
every endpoint with wrk (or the Python loader) from another process, and
writes ``bench/results/<database>.json`` and ``.md``. Each endpoint's floor (the
baseline endpoint it is compared with) is measured again just before it: this host's
speed drifts over minutes, and a ratio of two runs seconds apart cancels most of it.
Where Valgrind is installed, the main jobs' instructions per request are also counted
beside their floors' (``bench/instructions.py``): a figure the host's drift does not touch.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from bench import instructions, load, seed
from tisc import create_app, offload
from tisc.config import database_url
from tisc.database import drop_everything
from tisc.extensions import bind_migrations, db
from tisc.mail import delivery
from tisc.models import Centre, Delivery, OutboxMessage, ServiceRequest, User
from tisc.services import datasets, schedule
from tisc.services.queues import Cursor

ROOT = Path(__file__).resolve().parent.parent
# Its databases and their notes (``--reuse``); the tests' tiny run works in a directory of its own.
WORK = Path(os.environ.get("TISC_BENCH_WORK") or ROOT / "bench" / "work")
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


@dataclass
class Row:
    endpoint: str
    scale: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int
    vs_baseline: float | None = None
    floor: str = ""  # the baseline endpoint it is compared with
    statements: int | None = None  # SQL statements of one request (after the response: +n)
    statements_after: int | None = None
    floor_rps: float | None = None  # the floor's requests/s, measured just before this
    # CPU time of the serving processes per request under load: the floor's workers, or
    # the app's workers and its mail worker (which renders the e-mail a job queues).
    cpu_ms: float | None = None


@dataclass
class Job:
    """One endpoint to measure, and the baseline endpoint that is its floor."""

    name: str
    path: str
    method: str = "GET"
    body: str = ""
    cookie: str = ""
    floor: str = "baseline: 50-row table"
    concurrency: int | None = None  # default: --concurrency
    authorization: str = ""  # an API token's header value


# --- databases ----------------------------------------------------------------------------


def fresh_database(scale: str, directory: Path | None = None) -> str:
    """An empty, migrated database with the reference data; its URL.

    (SQLite files stay in ``directory``, the bench's work directory unless given, until
    the next run, for inspection.)
    """
    url = postgres_url()
    if url:
        _forget_unrestorable_notes(url)
    else:
        directory = directory or WORK
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"bench-{scale}.sqlite3"
        _remove_sqlite(path)
        url = f"sqlite:///{path}"
    with in_app(url) as app:
        if db.engine.dialect.name == "postgresql":
            drop_everything(db.engine)
        bind_migrations(app)
        upgrade()
        datasets.load_reference_data()
    return url


def postgres_url() -> str | None:
    """The PostgreSQL database ``DATABASE_URL`` names, if it names one (else SQLite)."""
    given = os.environ.get("DATABASE_URL", "")
    return database_url(given) if given.startswith(("postgres://", "postgresql")) else None


def note_of(scale: str) -> Path:
    """Where the bench notes what its database for ``scale`` holds: one SQLite file per
    scale; on PostgreSQL one database, made again for each scale from its template (see
    :func:`keep_seeded`)."""
    if postgres_url():
        return WORK / f"postgresql-{scale}.json"
    return WORK / f"bench-{scale}.json"


def remember(scale: str, url: str, seeded: seed.Seeded, seconds: float) -> None:
    """Note what a bench database holds, and keep a copy of it as seeded, so that
    ``--reuse`` can skip seeding."""
    WORK.mkdir(parents=True, exist_ok=True)
    keep_seeded(scale, url)
    note = {"url": url, "seeded": asdict(seeded), "seconds": seconds}
    note_of(scale).write_text(json.dumps(note))


def reusable(scale: str):
    """The database of ``scale`` as it was seeded, its URL, what it holds and its seeding
    time; None when there is none to reuse."""
    note = note_of(scale)
    if not note.exists():
        return None
    data = json.loads(note.read_text())
    if postgres_url() not in (None, data["url"]):  # another server's or database's note
        return None
    if not restore_seeded(scale, data["url"]):
        return None
    with in_app(data["url"]) as app:
        bind_migrations(app)
        seeded_at = _revision()
        upgrade()  # migrations added since it was seeded
        migrated = _revision() != seeded_at
    if migrated:  # kept again, migrated: a migration that rewrites a million rows runs once
        keep_seeded(scale, data["url"])
    return data["url"], seed.Seeded(**data["seeded"]), data["seconds"]


def _revision() -> str | None:
    with db.engine.connect() as connection:  # not the session's: it may hold an older snapshot
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# Every run adds to its database: the submissions' requests, their mail, the figures. Reused
# as it stood, a "10k" database held 113,000 requests after a day of runs, and every job
# was measured on that. So a copy is kept as seeded, and each reuse starts from it: a file
# beside the database on SQLite, a template database on PostgreSQL.


def keep_seeded(scale: str, url: str) -> None:
    """Keep a copy of the database at ``url``, just seeded, for ``--reuse``."""
    if url.startswith("sqlite"):
        path = Path(_database_name(url))
        copy = _seeded_file(path)
        _remove_sqlite(copy)
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as kept:
            source.backup(kept)  # the WAL's pages too
    else:
        _copy_postgres_database(url, _database_name(url), _seeded_name(url, scale))


def restore_seeded(scale: str, url: str) -> bool:
    """Put the database at ``url`` back as it was seeded; False when no copy was kept."""
    if url.startswith("sqlite"):
        path = Path(_database_name(url))
        if not _seeded_file(path).exists():
            return False
        _remove_sqlite(path)  # a WAL left beside it would be replayed onto the copy
        copying = path.with_name(path.name + ".restoring")
        shutil.copyfile(_seeded_file(path), copying)
        os.replace(copying, path)  # never half a database
        return True
    if not _postgres_exists(url, _seeded_name(url, scale)):
        return False
    _copy_postgres_database(url, _seeded_name(url, scale), _database_name(url))
    return True


def _forget_unrestorable_notes(url: str) -> None:
    """Before the PostgreSQL database at ``url`` is made afresh: forget the notes of scales
    that ``--reuse`` could not restore (no template kept, or another database's)."""
    for note in WORK.glob("postgresql-*.json"):
        scale = note.stem.removeprefix("postgresql-")
        noted = json.loads(note.read_text())["url"]
        if noted != url or not _postgres_exists(url, _seeded_name(url, scale)):
            note.unlink()


def _remove_sqlite(path: Path) -> None:
    """A SQLite database file with its WAL and shared memory."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _database_name(url: str) -> str:
    """The file of a SQLite URL, the database of a PostgreSQL one."""
    return sa.make_url(url).database


def _seeded_file(path: Path) -> Path:
    return path.with_name(path.stem + ".seeded" + path.suffix)


def _seeded_name(url: str, scale: str) -> str:
    return f"{_database_name(url)}_seeded_{scale.lower()}"


def _server(url: str):
    """An engine on the server's maintenance database, outside transactions: a database
    is created and dropped from another one."""
    return sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _postgres_exists(url: str, name: str) -> bool:
    engine = _server(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            return found.scalar() is not None
    finally:
        engine.dispose()


def _copy_postgres_database(url: str, source: str, target: str) -> None:
    """``target`` made again as a copy of ``source``, which nobody may be connected to
    (PostgreSQL ends its own autovacuum there; a process of ours is not ended)."""
    _drop_postgres_database(url, target)
    _on_server(url, "CREATE DATABASE {} TEMPLATE {}", target, source)


def _drop_postgres_database(url: str, name: str) -> None:
    _on_server(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _on_server(url: str, statement: str, *names: str) -> None:
    """``statement`` with the database ``names`` quoted into it, run on the server."""
    engine = _server(url)
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement.format(*map(quote, names)))
    finally:
        engine.dispose()


BENCH_SECRET = "bench-secret-key-of-32-characters"


def bench_app(url: str):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_SECRET, "TISC_WORKER": True}
    )


@contextmanager
def in_app(url: str):
    """The app on ``url``, in an application context; afterwards none of its connections
    is left open (a database file replaced, or a PostgreSQL database copied, must have none)."""
    app = bench_app(url)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


# --- servers --------------------------------------------------------------------------------


# The app as deployed: a worker process delivers the mail (see ``worker``).
APP_SETTINGS = {"SECRET_KEY": BENCH_SECRET, "RATELIMIT_ENABLED": "false", "TISC_WORKER": "true"}


@contextmanager
def worker(url: str):
    """The app's worker process (mail, daily jobs) beside the web servers."""
    env = {**os.environ, **APP_SETTINGS, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "tisc", "worker", "--poll", "0.5"], cwd=ROOT, env=env
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def gunicorn(target: str, url: str):
    """Serve ``target`` with 2 sync workers, as production would; yields (base URL, process).

    The listening socket is opened here and handed to gunicorn (``fd://``): a port merely
    found free could be taken by another server before gunicorn binds it, and the checks
    below would then be answered by that one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    env = {**os.environ, **APP_SETTINGS, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"fd://{listener.fileno()}", "--timeout",
         "900", "--log-level", "warning", target],
        cwd=ROOT, env=env, pass_fds=[listener.fileno()],
    )  # fmt: skip
    listener.close()  # gunicorn holds it now
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/static/css/app.css", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_memory_mb(master: subprocess.Popen, field: str = "VmHWM") -> float:
    """The largest peak resident set (``VmHWM``) among the master's workers, in MB; with
    ``field="VmRSS"``, the largest resident set now."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(rf"{field}:\s+(\d+) kB", status)[1]) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


# --- sessions ---------------------------------------------------------------------------------


class Session:
    """A signed-in browser: its cookie and a CSRF token for its forms."""

    def __init__(self, base: str, email: str | None, login_path: str = "/login"):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = self.csrf(login_path)
        self.login_body = urllib.parse.urlencode(
            {"email": email or "", "password": seed.PASSWORD, "csrf_token": self.token}
        )
        self.anonymous_cookie = self.cookie
        if email:
            self.opener.open(self.base + "/login", data=self.login_body.encode()).read()

    def csrf(self, path: str) -> str:
        page = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


# --- the run ------------------------------------------------------------------------------------


def deep_cursor(url: str, staff_email: str, depth: int) -> str:
    """The keyset cursor ``depth`` rows into the staff member's queue (open, by due date)."""
    with in_app(url):
        centre_id = db.session.scalar(sa.select(User.centre_id).where(User.email == staff_email))
        open_count = db.session.scalar(
            sa.select(sa.func.count()).where(
                ServiceRequest.centre_id == centre_id, ServiceRequest.closed_at.is_(None)
            )
        )
        row = db.session.execute(
            sa.select(ServiceRequest.due_at, ServiceRequest.id)
            .where(ServiceRequest.centre_id == centre_id, ServiceRequest.closed_at.is_(None))
            .order_by(ServiceRequest.due_at, ServiceRequest.id)
            .offset(min(depth, max(open_count - 30, 0)))
            .limit(1)
        ).one()
    return Cursor(row.due_at, row.id).encode()


def catch_up(url: str) -> None:
    """Today's daily jobs run and the outbox delivered, untimed: a server that has been up a
    while. (The seed leaves years of requests waiting, which a running network would have
    chased day by day.)"""
    started = time.perf_counter()
    with in_app(url) as app:
        done = schedule.run_due(app.extensions["tisc.policy"])
        delivered = 0
        while True:
            report = delivery.deliver(limit=1000)
            handled = report.sent + report.kept + report.failed
            if not handled:
                break
            delivered += handled
        if db.engine.dialect.name == "postgresql":
            # Autovacuum's work after those changes (some 28,000 requests closed or reminded
            # at 1M), done now rather than on the cores of the timed runs.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
                for table in db.metadata.sorted_tables:
                    raw.exec_driver_sql(f'VACUUM (ANALYZE) "{table.name}"')
    print(f"caught up in {time.perf_counter() - started:.0f} s: daily jobs {done}, "
          f"{delivered} messages delivered", flush=True)  # fmt: skip


TABLE, DETAIL, LONG_DETAIL, CREATE, SIGN_IN, STATIC = (
    "baseline: 50-row table", "baseline: detail (5 events)", "baseline: detail (200 events)",
    "baseline: create (POST)", "baseline: sign-in (POST)", "baseline: static file",
)  # fmt: skip
ONE_AT_A_TIME = " (one at a time)"
AFTER = ", floors after"  # the scale of the floors measured again after the app's jobs
BESIDE = ", floor beside"  # a floor measured just before the job it is the floor of


def signing_in(visitor: Session, email: str) -> str:
    """The body of a sign-in form as ``email``, with the visitor's CSRF token."""
    return visitor.login_body.replace("email=&", f"email={urllib.parse.quote(email)}&")


def baseline_jobs(base: str, seeded: seed.Seeded) -> dict[str, Job]:
    """The floors, by name (a job's ``floor``)."""
    creator = Session(base, None, login_path="/create")
    create = urllib.parse.urlencode({"title": "Бенчмарк", "csrf_token": creator.token})
    visitor = Session(base, None)
    sign_in = signing_in(visitor, seeded.inventor_email)
    jobs = [
        Job(TABLE, base + "/table"),
        Job(DETAIL, f"{base}/detail/{seeded.typical_reference}"),
        Job(LONG_DETAIL, f"{base}/detail/{seeded.long_timeline_reference}"),
        Job(CREATE, base + "/create", "POST", create, creator.cookie),
        Job(CREATE + ONE_AT_A_TIME, base + "/create", "POST", create, creator.cookie,
            concurrency=1),
        Job(SIGN_IN, base + "/login", "POST", sign_in, visitor.anonymous_cookie),
        Job(STATIC, base + "/static/css/app.css"),
    ]  # fmt: skip
    return {job.name: job for job in jobs}


def api_authorization(url: str, email: str) -> str:
    """An ``Authorization`` header with a new read-only API token of the person ``email``.

    The tokens earlier runs made on a reused database are revoked first: a person may hold
    only ``tokens.MAX_TOKENS``."""
    from tisc.services import tokens

    with in_app(url):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        for earlier in tokens.active_for(user):
            if earlier.name == "bench":
                tokens.revoke(user, earlier.id)
        secret = tokens.create(user, "bench", "read", 30)[1]
    return f"Bearer {secret}"


def endpoints(app: str, seeded: seed.Seeded, cursor: str, network_only: bool = False,
              authorization: str = ""):  # fmt: skip
    """Every endpoint measured, with the baseline endpoint it is compared with."""
    staff = Session(app, seeded.staff_email)
    inventor = Session(app, seeded.inventor_email)
    coordinator = Session(app, seeded.coordinator_email)
    visitor = Session(app, None)
    map_page = visitor.get("/map")
    map_script = re.search(r'<script src="(/map/network\.js[^"]+)"', map_page)[1].replace(
        "&amp;", "&"
    )
    submit_token = inventor.csrf("/requests/new")
    submission = urllib.parse.urlencode(
        {**seed.SUBMISSION, "title": "Бенчмарк: жылу сақтайтын кірпіш", "csrf_token": submit_token}
    )
    # A new invention each time (the loader puts random words in the title), and the same
    # one again and again: like up to 20 of the inventor's open requests, each then flagged.
    new_invention = re.sub(r"title=[^&]*", f"title={load.UNIQUE}", submission, count=1)
    network = [
        Job("/centres with filters",
            "/centres?q=tisc&service=prior_art_search&language=kk&near=KZ-11"),
        Job("/map (page)", "/map", floor=STATIC),
        Job("/map script (cached)", map_script, floor=STATIC),
        Job("/office/coverage + planner (k=5)",
            "/office/coverage?measure=requests_per_100k&radius=150&proposals=5",
            cookie=coordinator.cookie),
    ]  # fmt: skip
    # Also measured on the grown network: the form lists every centre, routing weighs them.
    submissions = [
        Job("submission (POST)", "/requests/new", "POST", new_invention, inventor.cookie,
            floor=CREATE),
        Job("submission (POST)" + ONE_AT_A_TIME, "/requests/new", "POST", new_invention,
            inventor.cookie, floor=CREATE + ONE_AT_A_TIME, concurrency=1),
    ]  # fmt: skip
    jobs = network + submissions
    if not network_only:
        jobs = [
            Job("staff queue", "/desk", cookie=staff.cookie),
            Job("staff queue, filtered",
                "/desk?status=in_progress&service=prior_art_search&sort=age", cookie=staff.cookie),
            Job("staff queue, deep page", f"/desk?after={cursor}", cookie=staff.cookie),
            # Search (issue 11): a common word of the centre's open requests, an inventor's
            # e-mail address over all statuses, and the office's reference lookup.
            Job("search: staff, a word", "/desk?q=%D0%B4%D0%B0%D1%82%D1%87%D0%B8%D0%BA",
                cookie=staff.cookie),
            Job("search: staff, an inventor's address, all statuses",
                "/desk?q=inventor17%40bench.kz&status=all", cookie=staff.cookie),
            Job("search: office, a reference", f"/office?q={seeded.typical_reference}",
                cookie=coordinator.cookie),
            Job("request page (5 events)", f"/requests/{seeded.typical_reference}",
                cookie=staff.cookie, floor=DETAIL),
            Job("request page (200 events)", f"/requests/{seeded.long_timeline_reference}",
                cookie=staff.cookie, floor=LONG_DETAIL),
            Job("inventor's list", "/requests", cookie=inventor.cookie),
            # The API beside the pages: the desk's list (50 a page) and one request.
            Job("API: staff list (50)", "/api/v1/requests?limit=50",
                authorization=authorization),
            Job("API: one request", f"/api/v1/requests/{seeded.typical_reference}",
                authorization=authorization, floor=DETAIL),
            Job("home / (visitor)", "/", floor=STATIC),
            Job("/centres (visitor)", "/centres", floor=STATIC),
            Job("centre page (visitor)", "/centres/kbtu", floor=STATIC),
            *network,
            Job("/office", "/office", cookie=coordinator.cookie),
            Job("/office/dashboard", "/office/dashboard", cookie=coordinator.cookie),
            Job("WIPO report (year)", f"/office/reports/wipo?year={seed.NOW.year}",
                cookie=coordinator.cookie),
            Job("/desk/dashboard", "/desk/dashboard", cookie=staff.cookie),
            Job("login (POST)", "/login", "POST", signing_in(visitor, seeded.inventor_email),
                visitor.anonymous_cookie, floor=SIGN_IN),
            *submissions,
            Job("submission like 20 open ones (POST)", "/requests/new", "POST", submission,
                inventor.cookie, floor=CREATE),
        ]  # fmt: skip
    for job in jobs:
        job.path = app + job.path
    return jobs


def run(args) -> dict:
    sizes = {"tiny": 400, "10k": 10_000, "1M": 1_000_000}
    names = ["tiny"] if args.quick else args.scales.split(",")
    scales = {name: sizes[name] for name in names}
    rows: list[Row] = []
    rss: dict[str, dict] = {}
    counts: list[instructions.Count] = []
    seeding: dict[str, float] = {}
    database = "postgresql" if postgres_url() else "sqlite"
    for index, (scale, count) in enumerate(scales.items()):
        reused = reusable(scale) if args.reuse else None
        if reused:
            url, seeded, seeding[scale] = reused
        else:
            url = fresh_database(scale)
            with in_app(url):
                started = time.perf_counter()
                seeded = seed.seed(count)
                seeding[scale] = round(time.perf_counter() - started, 1)
            remember(scale, url, seeded, seeding[scale])
        print(f"[{scale}] seeded {seeded.requests} requests, {seeded.events} events, "
              f"{seeded.users} users in {seeding[scale]} s", flush=True)  # fmt: skip
        catch_up(url)
        cursor = deep_cursor(url, seeded.staff_email, depth=1000)
        authorization = api_authorization(url, seeded.staff_email)
        # Both servers run throughout (an idle one costs nothing): the floors first, then
        # each job beside its floor, then the floors again, to show the drift.
        with gunicorn("bench.baseline:app", url) as (baseline, baseline_process):
            floors = baseline_jobs(baseline, seeded)
            rows += [measure_row(job, scale, args, [baseline_process]) for job in floors.values()]
            with gunicorn("wsgi:app", url) as (site, process), worker(url) as mail_worker:
                jobs = [
                    j
                    for j in endpoints(site, seeded, cursor, authorization=authorization)
                    if not args.only or any(part in j.name for part in args.only.split(","))
                ]
                warm_up(site, seeded, args)
                for job in jobs:
                    rows += measure_beside(job, floors, scale, args, url,
                                           [process, mail_worker], [baseline_process])  # fmt: skip
                rss[scale] = {"app_mb": worker_memory_mb(process),
                              "app_resident_mb": worker_memory_mb(process, "VmRSS")}  # fmt: skip
                if not args.only or "export" in args.only:
                    rss[scale]["export"] = measure_export(site, seeded, process)
            rows += [measure_row(job, scale + AFTER, args, [baseline_process])
                     for job in floors.values()]  # fmt: skip
            rss[scale]["baseline_mb"] = worker_memory_mb(baseline_process)
            rss[scale]["baseline_resident_mb"] = worker_memory_mb(baseline_process, "VmRSS")
        count_statements(url, site, jobs, [r for r in rows if r.scale == scale])
        if not args.quick and (not args.only or "instructions" in args.only):
            if instructions.available():
                counts += instructions.count(url, scale, seeded, cursor)
            else:
                print("valgrind is not installed: instructions per request not counted")
        if index == len(scales) - 1 and scale == "1M" and not args.only:
            rows += grow_network(url, seeded, scale, args)
    return {"database": database, "tool": args.tool, "concurrency": args.concurrency,
            "duration_s": args.duration, "seeding_s": seeding, "rss": rss,
            "rows": [asdict(r) for r in with_ratios(rows)],
            "instructions": instructions.as_dicts(counts)}  # fmt: skip


def measure_export(site: str, seeded: seed.Seeded, process) -> dict:
    """Download the office's whole list (every request) as CSV and as XLSX, one request
    each, and the app workers' peak memory before and after: exports must stream in
    constant memory."""
    coordinator = Session(site, seeded.coordinator_email)
    result = {"before_mb": worker_memory_mb(process)}
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        request = urllib.request.Request(
            f"{site}/office/export.{fmt}?status=all", headers={"Cookie": coordinator.cookie}
        )
        size = 0
        with urllib.request.urlopen(request, timeout=3600) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
        result[fmt] = {"mb": round(size / 2**20, 1),
                       "seconds": round(time.perf_counter() - started, 1),
                       "peak_mb": worker_memory_mb(process)}  # fmt: skip
        print(f"  export {fmt}: {result[fmt]}", flush=True)
    return result


def grow_network(url: str, seeded: seed.Seeded, scale: str, args) -> list[Row]:
    """2,000 centres and 2,000 more towns on the same requests: the maps and coverage at scale."""
    import random

    with in_app(url):
        rng = random.Random(11)
        cities = seed.add_cities(rng, 2000)
        seed.add_centres(rng, 2000, cities, prefix="grown")
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Centre))
    label = f"{scale}, {total - 1:,} centres"
    rows = []
    with gunicorn("bench.baseline:app", url) as (baseline, baseline_process):
        floors = baseline_jobs(baseline, seeded)
        with gunicorn("wsgi:app", url) as (site, process), worker(url) as mail_worker:
            warm_up(site, seeded, args)
            for job in endpoints(site, seeded, "", network_only=True):
                rows += measure_beside(job, floors, label, args, url,
                                       [process, mail_worker], [baseline_process])  # fmt: skip
    return rows  # the database now has 2,000 centres: --reuse starts from the seeded copy


def warm_up(site: str, seeded, args) -> None:
    """Load the map script for a few seconds, untimed: every worker then has its map helper
    running with its imports done (seconds of CPU, tisc/offload.py), as on a server that has
    been up a while. Otherwise that start-up would be billed to whichever job came first."""
    script = next(j for j in endpoints(site, seeded, "", network_only=True) if "script" in j.name)
    tool = None if args.tool == "auto" else args.tool
    load.measure(script.path, args.concurrency, 5.0, tool=tool)


def measure_row(job: Job, scale: str, args, serving=()) -> Row:
    """One job under load; with the ``serving`` processes, their CPU time per request."""
    tool = None if args.tool == "auto" else args.tool
    concurrency = job.concurrency or args.concurrency
    load.measure(job.path, concurrency, min(1.0, args.duration), job.method, job.body,
                 job.cookie, tool, job.authorization)  # fmt: skip
    cpu_before = load.cpu_seconds(serving)
    result = load.measure(job.path, concurrency, args.duration, job.method, job.body,
                          job.cookie, tool, job.authorization)  # fmt: skip
    cpu = load.cpu_seconds(serving) - cpu_before
    row = Row(job.name, scale, round(result.rps, 1), round(result.p50_ms, 2),
              round(result.p95_ms, 2), round(result.p99_ms, 2), result.errors, result.requests,
              floor="" if job.name.startswith("baseline") else job.floor)  # fmt: skip
    if serving and result.requests:
        row.cpu_ms = round(cpu / result.requests * 1000, 2)
    print(f"  {scale:>18}  {job.name:<40} {row.rps:>8} req/s  p50 {row.p50_ms:>8} ms  "
          f"errors {row.errors}", flush=True)  # fmt: skip
    return row


def measure_beside(
    job: Job, floors: dict[str, Job], scale: str, args, url: str, serving: list, floor_serving: list
) -> list[Row]:
    """``job``, just after its floor: its ratio then divides two runs seconds apart. Both
    start once the worker has delivered what the jobs before queued. ``serving`` and
    ``floor_serving`` are the processes whose CPU time each costs."""
    wait_for_the_outbox(url)
    floor = measure_row(floors[job.floor], scale + BESIDE, args, floor_serving)
    row = measure_row(job, scale, args, serving)
    row.floor_rps = floor.rps
    return [floor, row]


def wait_for_the_outbox(url: str, seconds: float = 300) -> None:
    """Until no message waits for the worker (untimed): a run measured while it renders the
    backlog of the submissions before would share the cores with it."""
    engine = sa.create_engine(url)
    waiting = (
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.delivery.in_([Delivery.QUEUED, Delivery.SENDING]))
    )
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if not connection.scalar(waiting):
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()


def count_statements(url: str, site: str, jobs: list[Job], rows: list[Row]) -> None:
    """SQL statements of one request of each job (the second: caches warm, as under load),
    served in-process by the same app: those before the response is returned, and those
    after it (``call_on_close``)."""
    app = bench_app(url)
    by_name = {row.endpoint: row for row in rows}
    with app.app_context():
        engine = db.engine
    try:
        _count_each(app, engine, site, jobs, by_name)
    finally:
        # Its first request started a map helper, which keeps a connection to the database:
        # the next scale's seeded copy on PostgreSQL would wait for it in vain.
        offload.stop()
        engine.dispose()


def _count_each(app, engine, site: str, jobs: list[Job], by_name: dict) -> None:
    from tests.sql import statements

    for job in jobs:
        path = job.path.removeprefix(site)
        client = app.test_client()  # only this job's cookies
        for pair in filter(None, job.cookie.split("; ")):
            name, _, value = pair.partition("=")
            client.set_cookie(name, value)
        headers = {"Authorization": job.authorization} if job.authorization else {}

        def send(job=job, client=client, path=path, headers=headers):
            return client.open(
                path, method=job.method, headers=headers,
                data=job.body.replace(load.UNIQUE, load.unique_words()) or None,
                content_type="application/x-www-form-urlencoded" if job.body else None,
            )  # fmt: skip

        send().close()  # warm the caches, as under load
        with statements(engine) as before:
            response = send()
            counted = len(before)
        with statements(engine) as after:
            response.close()
        if response.status_code >= 400:
            raise RuntimeError(f"{job.name}: {response.status_code} when counting statements")
        by_name[job.name].statements = counted
        by_name[job.name].statements_after = len(after)


def with_ratios(rows: list[Row]) -> list[Row]:
    """Each endpoint's requests/s as a share of its floor's (a baseline endpoint): the floor
    measured just before it."""
    for row in rows:
        if row.floor_rps and not row.endpoint.startswith("baseline"):
            row.vs_baseline = round(row.rps / row.floor_rps, 2)
    return rows


def markdown(report: dict) -> str:
    rows = [Row(**r) for r in report["rows"]]
    lines = [
        f"Database: **{report['database']}**, load: {report['tool']}, "
        f"{report['concurrency']} connections × {report['duration_s']} s per endpoint, "
        "gunicorn with 2 sync workers, 2 cores.",
        "",
        "| endpoint | scale | req/s | p50 ms | p95 ms | p99 ms | CPU ms a request | errors "
        "| SQL | × floor | floor | floor req/s (just before) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        if r.scale.endswith(BESIDE):  # shown beside the job instead
            continue
        ratio = "—" if r.vs_baseline is None else f"{r.vs_baseline:.2f}"
        sql = "" if r.statements is None else str(r.statements)
        if r.statements_after:
            sql += f" + {r.statements_after} after"
        floor_rps = f"{r.floor_rps:,.0f}" if r.floor_rps else ""
        cpu = "" if r.cpu_ms is None else f"{r.cpu_ms:.2f}"
        lines.append(f"| {r.endpoint} | {r.scale} | {r.rps:,.0f} | {r.p50_ms:.1f} | "
                     f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {cpu} | {r.errors} | {sql} | {ratio} | "
                     f"{r.floor.removeprefix('baseline: ')} | {floor_rps} |")  # fmt: skip
    scales = list(report["seeding_s"])
    if len(scales) == 2:
        small, large = scales
        # Corrected for the host's drift: the job's share of its floor at the small scale
        # over its share at the large one (at a fixed concurrency, p50 goes as 1/rate).
        lines += ["", f"| endpoint | p50 {small} ms | p50 {large} ms | p50 {large} / p50 {small} "
                  "| the same, corrected for the floors' drift |",
                  "|---|---:|---:|---:|---:|"]  # fmt: skip
        by = {(r.endpoint, r.scale): r for r in rows}
        for r in rows:
            if r.scale == small and (r.endpoint, large) in by and r.p50_ms:
                big = by[(r.endpoint, large)]
                corrected = (f"{r.vs_baseline / big.vs_baseline:.2f}"
                             if r.vs_baseline and big.vs_baseline else "")  # fmt: skip
                lines.append(f"| {r.endpoint} | {r.p50_ms:.1f} | {big.p50_ms:.1f} | "
                             f"{big.p50_ms / r.p50_ms:.2f} | {corrected} |")  # fmt: skip
    drift = {(r.endpoint, r.scale): r.rps for r in rows if r.scale.endswith(AFTER)}
    if drift:
        lines += ["", "Floors before and after the app's jobs (the host's drift over the run; "
                  "each ratio uses the floor measured just before its job):", "",
                  "| floor | scale | req/s before | req/s after | after / before |",
                  "|---|---|---:|---:|---:|"]  # fmt: skip
        for r in rows:
            after = drift.get((r.endpoint, r.scale + AFTER))
            if after is not None and r.rps:
                lines.append(f"| {r.endpoint} | {r.scale} | {r.rps:,.0f} | {after:,.0f} | "
                             f"{after / r.rps:.2f} |")  # fmt: skip
    if report.get("instructions"):
        lines += ["", f"Instructions per request, counted by callgrind in process (mean of "
                  f"{instructions.REQUESTS}; they repeat within about 1%, whatever the host's "
                  "speed; the database server's own work is not counted):", "",
                  "| endpoint | scale | app M instructions | floor | floor M instructions "
                  "| × floor |", "|---|---|---:|---|---:|---:|"]  # fmt: skip
        for c in report["instructions"]:
            lines.append(f"| {c['job']} | {c['scale']} | {c['app_millions']} | {c['floor']} | "
                         f"{c['floor_millions']} | {c['ratio']:.2f} |")  # fmt: skip
    # A sign-in's scrypt takes 32 MiB for a moment (n=2**15, r=8): it shows in the peak.
    lines += ["", "| scale | seeding s | app worker peak RSS MB | baseline worker peak RSS MB "
              "| app worker RSS after the bench MB | baseline worker RSS after MB |",
              "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for scale in scales:
        memory = report["rss"].get(scale, {})
        lines.append(f"| {scale} | {report['seeding_s'][scale]} | {memory.get('app_mb')} | "
                     f"{memory.get('baseline_mb')} | {memory.get('app_resident_mb')} | "
                     f"{memory.get('baseline_resident_mb')} |")  # fmt: skip
    exported = {scale: report["rss"][scale]["export"] for scale in scales
                if "export" in report["rss"].get(scale, {})}  # fmt: skip
    if exported:
        lines += ["", "| scale | export | MB | seconds | app worker peak RSS MB before → after |",
                  "|---|---|---:|---:|---|"]  # fmt: skip
        for scale, result in exported.items():
            for fmt in ("csv", "xlsx"):
                lines.append(f"| {scale} | office list, all requests, {fmt} | {result[fmt]['mb']} "
                             f"| {result[fmt]['seconds']} | {result['before_mb']} → "
                             f"{result[fmt]['peak_mb']} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tiny smoke run (tests use it)")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--reuse", action="store_true",
        help="reuse the databases of the last run (PostgreSQL: the scale it seeded last)",
    )  # fmt: skip
    parser.add_argument(
        "--only", help="measure only endpoints whose name contains this (or, comma-separated, any)"
    )
    parser.add_argument("--scales", default="10k,1M", help="comma-separated: tiny, 10k, 1M")
    args = parser.parse_args(argv)
    if args.tool == "auto":
        args.tool = "wrk" if load.shutil.which("wrk") else "python"
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    name = ("quick-" if args.quick else "") + report["database"]
    (args.out / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (args.out / f"{name}.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
