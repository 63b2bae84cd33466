"""Driving one endpoint with HTTP load from a second process: wrk when installed, else Python.

``python -m bench.load URL --concurrency 8 --duration 5 [--method POST --body … --cookie …]``
prints one JSON line: requests, duration_us, errors, socket_errors, p50_us, p95_us, p99_us.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA = Path(__file__).resolve().parent / "report.lua"


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def measure(url: str, concurrency: int, duration: float, method="GET", body="", cookie="",
            tool: str | None = None, authorization: str = "") -> Result:  # fmt: skip
    """Load ``url`` for ``duration`` seconds from a separate process."""
    tool = tool or ("wrk" if shutil.which("wrk") else "python")
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body, "BENCH_COOKIE": cookie,
           "BENCH_AUTHORIZATION": authorization}  # fmt: skip
    if tool == "wrk":
        command = [
            "wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
            "--latency", "-s", str(LUA), url,
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "bench.load", url, "--concurrency", str(concurrency),
            "--duration", str(duration),
        ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("{"))
    data = json.loads(line)
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"] + data["socket_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


# A body may hold this marker: every request replaces it with words of its own (random
# letters), so that each submission is a new invention rather than the same one again.
UNIQUE = "BENCHUNIQUE"


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """The CPU time, user and system, that ``processes`` and everything they started have
    used so far, in seconds, from ``/proc`` (a server's cost of the load: gunicorn's
    workers, the mail worker, the map helpers they start)."""
    ticks = 0
    waiting = [process.pid for process in processes]
    while waiting:
        pid = waiting.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except FileNotFoundError:  # ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        waiting += [int(child) for child in children]
    return ticks / os.sysconf("SC_CLK_TCK")


def unique_words(count: int = 3, letters: int = 8) -> str:
    """``count`` random lowercase words, joined by ``+`` (a form-encoded space)."""
    return "+".join(
        "".join(random.choices(string.ascii_lowercase, k=letters)) for _ in range(count)
    )


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def python_load(url: str, concurrency: int, duration: float) -> dict:
    """A small keep-alive load generator: ``concurrency`` threads, each one connection."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    method = os.environ.get("BENCH_METHOD", "GET")
    body = os.environ.get("BENCH_BODY", "")
    headers = {"Accept-Encoding": "gzip, deflate"}  # as a browser would
    if os.environ.get("BENCH_COOKIE"):
        headers["Cookie"] = os.environ["BENCH_COOKIE"]
    if os.environ.get("BENCH_AUTHORIZATION"):
        headers["Authorization"] = os.environ["BENCH_AUTHORIZATION"]
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    latencies: list[float] = []
    counts = {"errors": 0, "socket_errors": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, errors, socket_errors = [], 0, 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                sent = body.replace(UNIQUE, unique_words()) if UNIQUE in body else body
                connection.request(method, path, body=sent or None, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors += 1
            except (OSError, http.client.HTTPException):
                socket_errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["socket_errors"] += socket_errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        **counts,
        **{f"p{p}_us": int(_percentile(latencies, p / 100) * 1e6) for p in (50, 95, 99)},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    print(json.dumps(python_load(args.url, args.concurrency, args.duration)))
