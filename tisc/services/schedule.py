"""Jobs that run once a day, however many processes try to run them.

Each job is a function ``(today, now, policy) -> int`` (how many things it
did; ``policy`` is the deployment's calendar and delays) that is also safe to
run twice on its own. :func:`run_due` runs every job not yet run for today
(in the network's time zone), each in one transaction together
with its :class:`~tisc.models.DailyRun` row: a second process, or a second
run the same day, finds the row and skips the job. ``tisc daily`` (cron) and
the worker (``tisc worker``) both call it.
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
from tisc.services import filing_followups, followups, notifications, sessions, sign_in
from tisc.services.unit_of_work import use_case


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[date, datetime, Policy], int]


JOBS: list[DailyJob] = [
    DailyJob("daily_digest", lambda today, now, policy: notifications.queue_digests(today, now)),
    DailyJob("unanswered_requests", followups.chase_unanswered),
    DailyJob("rating_invitations", lambda today, now, policy: followups.invite_ratings(today, now)),
    DailyJob("expired_sessions", lambda today, now, policy: sessions.purge_expired(today, now)),
    DailyJob(
        "old_sign_in_failures", lambda today, now, policy: sign_in.forget_old_failures(today, now)
    ),
    DailyJob(
        "filing_followups",
        lambda today, now, policy: filing_followups.queue_filing_followups(today, now),
    ),
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


@use_case
def _run_once(job: DailyJob, today: date, now: datetime, policy: Policy) -> int | None:
    claimed = db.session.scalar(
        upsert_insert(db.session, DailyRun)
        .values(job=job.name, day=today, finished_at=now, result=0)
        .on_conflict_do_nothing(index_elements=["job", "day"])
        .returning(DailyRun.job)
    )
    if claimed is None:
        return None
    result = job.run(today, now, policy)
    db.session.execute(
        sa.update(DailyRun)
        .where(DailyRun.job == job.name, DailyRun.day == today)
        .values(result=result)
    )
    return result
