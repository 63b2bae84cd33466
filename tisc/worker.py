"""The worker process (``flask --app wsgi tisc worker``): the work no web request should wait for.

Each round it delivers the outbox (claiming each message, so that any number
of workers, and ``tisc daily`` or ``tisc send-mail`` beside them, send each one at
most once; failures wait for their back-off), moves a batch of a suspended centre's
open requests if one is still moving them and a batch of a moved or deactivated
staff member's requests to unassign, and, once a minute, runs the daily jobs that
nobody has run today. It stops cleanly on SIGTERM or SIGINT: after the message being
sent, if any (each exchange with the mail server waits at most ``TISC_MAIL_TIMEOUT``
seconds, 30 by default), giving back the rest of its batch at once, and otherwise
between rounds.
"""

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from flask import Flask, Response, current_app

from tisc.database import end_read
from tisc.extensions import db, policy
from tisc.mail import delivery
from tisc.services import handover, schedule, suspension

log = logging.getLogger(__name__)

AFTER_RESPONSE_SECONDS = 10  # each, without a worker (gunicorn stops a worker after 30 s)


@dataclass
class Round:
    sent: int = 0
    kept: int = 0
    failed: int = 0
    moved: int | None = None  # requests of a suspended centre (None: none was moving)
    unassigned: int | None = None  # from a staff member who left (None: nobody had)
    daily: dict[str, int] = field(default_factory=dict)

    @property
    def busy(self) -> bool:
        """Whether more may be waiting now: a whole batch of mail went, or requests were
        moved or unassigned. After a part batch the worker waits for its next poll, so
        that under load mail goes in whole batches, not in many small ones that each
        take the turn to write twice (on SQLite one writer goes at a time)."""
        return self.sent + self.kept + self.failed >= delivery.BATCH or (
            self.moved is not None or self.unassigned is not None
        )


class Worker:
    def __init__(self, app: Flask, poll_seconds: float = 1.0, daily_seconds: float = 60.0):
        self.app = app
        self.poll_seconds = poll_seconds
        self.daily_seconds = daily_seconds
        self.stopping = threading.Event()
        self._daily_checked = float("-inf")

    def run_once(self) -> Round:
        """One round: deliver what is due; run the daily jobs when it is time to look again;
        move a batch of a suspended centre's requests and unassign a batch of a staff
        member's who left."""
        with self.app.app_context():
            try:
                report = delivery.deliver(limit=delivery.BATCH, stopping=self.stopping)
                result = Round(report.sent, report.kept, report.failed)
                if time.monotonic() - self._daily_checked >= self.daily_seconds:
                    self._daily_checked = time.monotonic()
                    result.daily = schedule.run_due(self.app.extensions["tisc.policy"])
                result.moved = _batch(suspension.move_more)
                result.unassigned = _batch(handover.hand_over_more)
                end_read(db.session())  # on PostgreSQL, not a rollback: see end_read
                return result
            finally:
                db.session.remove()

    def run(self) -> None:
        """Rounds until stopped; a busy round is followed at once by the next, another
        after ``poll_seconds``."""
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


def finish_after_response(response: Response) -> Response:
    """Without a worker process (``make run``): once ``response`` has gone out, move what
    a suspension left to move and unassign what a staff member who left still holds, in
    this process."""
    if not current_app.config["TISC_WORKER"]:
        response.call_on_close(partial(_move_quietly, current_app._get_current_object()))
    return response


def _move_quietly(app: Flask) -> None:
    with app.app_context():
        try:
            # Not past a web server's timeout: the rest after the next action, or by
            # `tisc daily`.
            for job in (suspension.move_all, handover.hand_over_all):
                _batch(job, seconds=AFTER_RESPONSE_SECONDS)
        finally:
            db.session.remove()


def _batch(job, **options) -> int | None:
    """``job(policy, **options)``, whose failure must not keep the others from running (the
    next round tries again); None when it failed."""
    try:
        return job(policy(), **options)
    except Exception:
        log.exception("%s.%s failed", job.__module__, job.__name__)
        return None
