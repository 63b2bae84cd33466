"""``make bench``: seed, serve like production, load every endpoint, compare with the framework.

For each scale (10k and 1M requests over 20 centres; then 2,000 centres and
2,000 towns on top of the 1M database) it seeds a fresh database (SQLite by
default, PostgreSQL when ``DATABASE_URL`` points at one), serves the app and
a minimal Flask + SQLAlchemy baseline with gunicorn (2 workers each), drives
every endpoint with wrk (or the Python loader) from another process, and
writes ``bench/results/<database>.json`` and ``.md``.
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from bench import load, seed
from tisc import create_app
from tisc.config import database_url
from tisc.database import drop_everything
from tisc.extensions import db
from tisc.models import Centre, ServiceRequest, User
from tisc.services import datasets
from tisc.services.queues import Cursor

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
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


# --- databases ----------------------------------------------------------------------------


def fresh_database(scale: str) -> str:
    """An empty, migrated database with the reference data; its URL.

    (SQLite files stay in bench/work until the next run, for inspection.)
    """
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql")):
        url = database_url(given)
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    app = bench_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            drop_everything(db.engine)
        upgrade()
        datasets.load_reference_data()
        db.engine.dispose()
    return url


def remember(scale: str, url: str, seeded: seed.Seeded, seconds: float) -> None:
    """Note what a SQLite bench database holds, so that ``--reuse`` can skip seeding."""
    if url.startswith("sqlite"):
        note = {"url": url, "seeded": asdict(seeded), "seconds": seconds}
        (WORK / f"bench-{scale}.json").write_text(json.dumps(note))


def reusable(scale: str):
    note = WORK / f"bench-{scale}.json"
    if not note.exists() or "postgres" in os.environ.get("DATABASE_URL", ""):
        return None
    data = json.loads(note.read_text())
    app = bench_app(data["url"])
    with app.app_context():
        upgrade()  # migrations added since it was seeded
        db.engine.dispose()
    return data["url"], seed.Seeded(**data["seeded"]), data["seconds"]


def bench_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})


# --- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(target: str, url: str):
    """Serve ``target`` with 2 sync workers, as production would; yields (base URL, process)."""
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "900",
         "--log-level", "warning", target],
        cwd=ROOT, env=env,
    )  # fmt: skip
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


def peak_rss_mb(master: subprocess.Popen) -> float:
    """The largest peak resident set (VmHWM) among the master's workers, in MB."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


# --- sessions ---------------------------------------------------------------------------------


class Session:
    """A signed-in browser: its cookie and a CSRF token for its forms."""

    def __init__(self, base: str, email: str | None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = self.csrf("/login")
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
    app = bench_app(url)
    with app.app_context():
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
        db.engine.dispose()
    return Cursor(row.due_at, row.id).encode()


def endpoints(app: str, seeded: seed.Seeded, cursor: str, network_only: bool = False):
    """(name, url, method, body, cookie) for every endpoint measured."""
    staff = Session(app, seeded.staff_email)
    inventor = Session(app, seeded.inventor_email)
    coordinator = Session(app, seeded.coordinator_email)
    visitor = Session(app, None)
    map_page = visitor.get("/map")
    map_script = re.search(r'<script src="(/map/network\.js[^"]+)"', map_page)[1].replace(
        "&amp;", "&"
    )
    submit_token = inventor.csrf("/requests/new")
    submission = urllib.parse.urlencode({
        "service": "prior_art_search", "title": "Бенчмарк: жылу сақтайтын кірпіш",
        "description": "Синтетикалық сұрау.", "region_code": "KZ-75",
        "preferred_language": "kk", "confidentiality_ack": "y", "csrf_token": submit_token,
    })  # fmt: skip
    network = [
        ("/centres with filters", "/centres?q=tisc&service=prior_art_search&language=kk&near=KZ-11",
         "GET", "", ""),
        ("/map (page)", "/map", "GET", "", ""),
        ("/map script (cached)", map_script, "GET", "", ""),
        ("/office/coverage + planner (k=5)",
         "/office/coverage?measure=requests_per_100k&radius=150&proposals=5", "GET", "",
         coordinator.cookie),
    ]  # fmt: skip
    if network_only:
        return [(n, app + p, m, b, c) for n, p, m, b, c in network]
    plan = [
        ("staff queue", "/desk", "GET", "", staff.cookie),
        ("staff queue, filtered", "/desk?status=in_progress&service=prior_art_search&sort=age",
         "GET", "", staff.cookie),
        ("staff queue, deep page", f"/desk?after={cursor}", "GET", "", staff.cookie),
        ("request page (long timeline)", f"/requests/{seeded.long_timeline_reference}", "GET",
         "", staff.cookie),
        ("inventor's list", "/requests", "GET", "", inventor.cookie),
        *network,
        ("/office", "/office", "GET", "", coordinator.cookie),
        ("/office/dashboard", "/office/dashboard", "GET", "", coordinator.cookie),
        ("WIPO report (year)", f"/office/reports/wipo?year={seed.NOW.year}", "GET", "",
         coordinator.cookie),
        ("/desk/dashboard", "/desk/dashboard", "GET", "", staff.cookie),
        ("login (POST)", "/login", "POST", visitor.login_body.replace(
            "email=&", f"email={urllib.parse.quote(seeded.inventor_email)}&"),
         visitor.anonymous_cookie),
        ("submission (POST)", "/requests/new", "POST", submission, inventor.cookie),
    ]  # fmt: skip
    return [(n, app + p, m, b, c) for n, p, m, b, c in plan]


def run(args) -> dict:
    sizes = {"tiny": 400, "10k": 10_000, "1M": 1_000_000}
    names = ["tiny"] if args.quick else args.scales.split(",")
    scales = {name: sizes[name] for name in names}
    rows: list[Row] = []
    rss: dict[str, dict] = {}
    seeding: dict[str, float] = {}
    database = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    for index, (scale, count) in enumerate(scales.items()):
        reused = reusable(scale) if args.reuse else None
        if reused:
            url, seeded, seeding[scale] = reused
        else:
            url = fresh_database(scale)
            app = bench_app(url)
            with app.app_context():
                started = time.perf_counter()
                seeded = seed.seed(count)
                seeding[scale] = round(time.perf_counter() - started, 1)
                db.engine.dispose()
            remember(scale, url, seeded, seeding[scale])
        print(f"[{scale}] seeded {seeded.requests} requests, {seeded.events} events, "
              f"{seeded.users} users in {seeding[scale]} s", flush=True)  # fmt: skip
        cursor = deep_cursor(url, seeded.staff_email, depth=1000)
        with gunicorn("bench.baseline:app", url) as (baseline, baseline_process):
            base_rows = [
                measure_row("baseline: 50-row table", baseline + "/table", scale, args),
                measure_row("baseline: static file", baseline + "/static/css/app.css", scale, args),
            ]
            rss_baseline = peak_rss_mb(baseline_process)
        rows += base_rows
        with gunicorn("wsgi:app", url) as (site, process):
            for name, target, method, body, cookie in endpoints(site, seeded, cursor):
                if args.only and args.only not in name:
                    continue
                rows.append(measure_row(name, target, scale, args, method, body, cookie))
            rss[scale] = {"app_mb": peak_rss_mb(process), "baseline_mb": rss_baseline}
            if not args.only or "export" in args.only:
                rss[scale]["export"] = measure_export(site, seeded, process)
        if index == len(scales) - 1 and scale == "1M" and not args.only:
            rows += grow_network(url, seeded, scale, args)
    return {"database": database, "tool": args.tool, "concurrency": args.concurrency,
            "duration_s": args.duration, "seeding_s": seeding, "rss": rss,
            "rows": [asdict(r) for r in with_ratios(rows)]}  # fmt: skip


def measure_export(site: str, seeded: seed.Seeded, process) -> dict:
    """Download the office's whole list (every request) as CSV and as XLSX, one request
    each, and the app workers' peak memory before and after: exports must stream in
    constant memory."""
    coordinator = Session(site, seeded.coordinator_email)
    result = {"before_mb": peak_rss_mb(process)}
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
                       "peak_mb": peak_rss_mb(process)}  # fmt: skip
        print(f"  export {fmt}: {result[fmt]}", flush=True)
    return result


def grow_network(url: str, seeded: seed.Seeded, scale: str, args) -> list[Row]:
    """2,000 centres and 2,000 more towns on the same requests: the maps and coverage at scale."""
    import random

    app = bench_app(url)
    with app.app_context():
        rng = random.Random(11)
        cities = seed.add_cities(rng, 2000)
        seed.add_centres(rng, 2000, cities, prefix="grown")
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Centre))
        db.engine.dispose()
    label = f"{scale}, {total - 1:,} centres"
    rows = []
    with gunicorn("wsgi:app", url) as (site, _process):
        for name, target, method, body, cookie in endpoints(site, seeded, "", network_only=True):
            rows.append(measure_row(name, target, label, args, method, body, cookie))
    # The database now has 2,000 centres: it can no longer stand in for the 20-centre
    # scale, so --reuse must seed again. (Deleting them is slow: nothing is ever
    # deleted in the product, so no index serves it.)
    (WORK / f"bench-{scale}.json").unlink(missing_ok=True)
    return rows


def measure_row(name, url, scale, args, method="GET", body="", cookie="") -> Row:
    tool = None if args.tool == "auto" else args.tool
    load.measure(url, args.concurrency, min(1.0, args.duration), method, body, cookie, tool)
    result = load.measure(url, args.concurrency, args.duration, method, body, cookie, tool)
    row = Row(name, scale, round(result.rps, 1), round(result.p50_ms, 2), round(result.p95_ms, 2),
              round(result.p99_ms, 2), result.errors, result.requests)  # fmt: skip
    print(f"  {scale:>18}  {name:<34} {row.rps:>8} req/s  p50 {row.p50_ms:>8} ms  "
          f"errors {row.errors}", flush=True)  # fmt: skip
    return row


def with_ratios(rows: list[Row]) -> list[Row]:
    """Each endpoint's requests/s as a share of the baseline table's at the same database size
    (the map script: of the static file's)."""
    table = {r.scale: r.rps for r in rows if r.endpoint == "baseline: 50-row table"}
    static = {r.scale: r.rps for r in rows if r.endpoint == "baseline: static file"}
    for row in rows:
        base_scale = row.scale.split(",")[0]
        reference = static if "map script" in row.endpoint else table
        if reference.get(base_scale):
            row.vs_baseline = round(row.rps / reference[base_scale], 2)
    return rows


def markdown(report: dict) -> str:
    rows = [Row(**r) for r in report["rows"]]
    lines = [
        f"Database: **{report['database']}**, load: {report['tool']}, "
        f"{report['concurrency']} connections × {report['duration_s']} s per endpoint, "
        "gunicorn with 2 sync workers, 2 cores.",
        "",
        "| endpoint | scale | req/s | p50 ms | p95 ms | p99 ms | errors | × baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = "—" if r.vs_baseline is None else f"{r.vs_baseline:.2f}"
        lines.append(f"| {r.endpoint} | {r.scale} | {r.rps:,.0f} | {r.p50_ms:.1f} | "
                     f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {ratio} |")  # fmt: skip
    scales = list(report["seeding_s"])
    if len(scales) == 2:
        small, large = scales
        lines += ["", f"| endpoint | p50 {small} ms | p50 {large} ms | p50 {large} / p50 {small} |",
                  "|---|---:|---:|---:|"]  # fmt: skip
        by = {(r.endpoint, r.scale): r for r in rows}
        for r in rows:
            if r.scale == small and (r.endpoint, large) in by:
                big = by[(r.endpoint, large)]
                lines.append(f"| {r.endpoint} | {r.p50_ms:.1f} | {big.p50_ms:.1f} | "
                             f"{big.p50_ms / r.p50_ms:.2f} |" if r.p50_ms else "")  # fmt: skip
    lines += ["", "| scale | seeding s | app worker peak RSS MB | baseline worker peak RSS MB |",
              "|---|---:|---:|---:|"]  # fmt: skip
    for scale in scales:
        memory = report["rss"].get(scale, {})
        lines.append(f"| {scale} | {report['seeding_s'][scale]} | {memory.get('app_mb')} | "
                     f"{memory.get('baseline_mb')} |")  # fmt: skip
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
        "--reuse", action="store_true", help="reuse the SQLite databases of the last run"
    )
    parser.add_argument("--only", help="measure only endpoints whose name contains this")
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
