"""Jobs that run once a day, however many processes try to run them.

Each job is a function ``(today, now, policy) -> int`` (how many things it
did; ``policy`` is the deployment's calendar and delays) that is also safe to
run twice on its own, and commits its own work: in one transaction, or in
batches when a day can bring many (a backlog of unanswered requests must not
keep everyone else from writing for minutes). :func:`run_due` runs every job
not yet run for today (in the network's time zone), claiming it first with
its :class:`~tisc.models.DailyRun` row: a second process, or a second run the
same day, finds the row and skips the job. A job that fails gives its claim
back, to be tried at the next round; a process killed in the middle of one
leaves the rest of it to the next day. ``tisc daily`` (cron) and the worker
(``tisc worker``) both call it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.policy import Policy
from tisc.extensions import db
from tisc.models import DailyRun
from tisc.models.base import utcnow
from tisc.services import (
    due_dates,
    filing_followups,
    followups,
    notifications,
    outbox,
    sessions,
    sign_in,
)
from tisc.services.unit_of_work import use_case


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[date, datetime, Policy], int]


def _in_one_transaction(job: Callable[[date, datetime], int]):
    return use_case(lambda today, now, policy: job(today, now))


JOBS: list[DailyJob] = [
    # First: the digest counts overdue requests by their due dates. In batches.
    DailyJob("due_dates", lambda today, now, policy: due_dates.follow_rules(policy, now)),
    DailyJob("daily_digest", _in_one_transaction(notifications.queue_digests)),
    DailyJob("unanswered_requests", followups.chase_unanswered),  # in batches
    DailyJob("rating_invitations", _in_one_transaction(followups.invite_ratings)),
    DailyJob("expired_sessions", _in_one_transaction(sessions.purge_expired)),
    DailyJob("old_sign_in_failures", _in_one_transaction(sign_in.forget_old_failures)),
    DailyJob("filing_followups", _in_one_transaction(filing_followups.queue_filing_followups)),
    DailyJob("old_mail_copies", outbox.empty_old_copies),  # in batches
]


def run_due(policy: Policy, now: datetime | None = None) -> dict[str, int]:
    """Run today's jobs that nobody has run yet; what each did (skipped ones left out)."""
    now = now or utcnow()
    today = now.astimezone(policy.calendar.tz).date()
    done = {}
    for job in JOBS:
        result = _run_once(job, today, now, policy)
        if result is not None:
            done[job.name] = result
    return done


def _run_once(job: DailyJob, today: date, now: datetime, policy: Policy) -> int | None:
    if not _claim(job.name, today, now):
        return None
    try:
        result = job.run(today, now, policy)
    except BaseException:
        _give_back(job.name, today)
        raise
    _finish(job.name, today, result)
    return result


@use_case
def _claim(name: str, today: date, now: datetime) -> bool:
    return (
        db.session.scalar(
            upsert_insert(db.session, DailyRun)
            .values(job=name, day=today, finished_at=now, result=0)
            .on_conflict_do_nothing(index_elements=["job", "day"])
            .returning(DailyRun.job)
        )
        is not None
    )


@use_case
def _give_back(name: str, today: date) -> None:
    db.session.execute(sa.delete(DailyRun).where(DailyRun.job == name, DailyRun.day == today))


@use_case
def _finish(name: str, today: date, result: int) -> None:
    db.session.execute(
        sa.update(DailyRun)
        .where(DailyRun.job == name, DailyRun.day == today)
        .values(result=result, finished_at=utcnow())
    )
