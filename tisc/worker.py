"""The worker process (``flask --app wsgi tisc worker``): the work no web request should wait for.

Each round it delivers the outbox (claiming each message, so that any number
of workers send each one once; failures wait for their back-off) and, once a
minute, runs the daily jobs that nobody has run today. It stops cleanly on
SIGTERM or SIGINT, between rounds.
"""

import logging
import signal
import threading
import time
from dataclasses import dataclass, field

from flask import Flask

from tisc.extensions import db
from tisc.mail import delivery
from tisc.services import schedule

log = logging.getLogger(__name__)


@dataclass
class Round:
    sent: int = 0
    kept: int = 0
    failed: int = 0
    daily: dict[str, int] = field(default_factory=dict)

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.kept or self.failed)


class Worker:
    def __init__(self, app: Flask, poll_seconds: float = 1.0, daily_seconds: float = 60.0):
        self.app = app
        self.poll_seconds = poll_seconds
        self.daily_seconds = daily_seconds
        self.stopping = threading.Event()
        self._daily_checked = float("-inf")

    def run_once(self) -> Round:
        """One round: deliver what is due; run the daily jobs when it is time to look again."""
        with self.app.app_context():
            try:
                report = delivery.deliver(limit=delivery.BATCH)
                result = Round(report.sent, report.kept, report.failed)
                if time.monotonic() - self._daily_checked >= self.daily_seconds:
                    self._daily_checked = time.monotonic()
                    result.daily = schedule.run_due(self.app.extensions["tisc.policy"])
                return result
            finally:
                db.session.remove()

    def run(self) -> None:
        """Rounds until stopped; a busy round is followed at once by the next."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        log.info("worker started")
        while not self.stopping.is_set():
            try:
                done = self.run_once()
            except Exception:  # a database or mail outage must not end the worker
                log.exception("worker round failed")
                self.stopping.wait(self.poll_seconds * 5)
                continue
            if done.daily:
                log.info("daily jobs: %s", done.daily)
            if not done.busy:
                self.stopping.wait(self.poll_seconds)
        log.info("worker stopped")
