"""Jobs that run once a day, however many processes try to run them.

Each job is a function ``(today, now) -> int`` (how many things it did) that
is also safe to run twice on its own; a job declared ``with_policy`` is also
given the deployment's :class:`~tisc.domain.policy.Policy` (its calendar and
delays), which the caller passes to :func:`run_due`. :func:`run_due` runs every job not yet
run for today (in the network's time zone), each in one transaction together
with its :class:`~tisc.models.DailyRun` row: a second process, or a second
run the same day, finds the row and skips the job. ``tisc daily`` (cron) and
the worker (``tisc worker``) both call it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

import sqlalchemy as sa

from tisc.database import upsert_insert
from tisc.domain.policy import Policy
from tisc.extensions import db
from tisc.models import DailyRun
from tisc.models.base import utcnow
from tisc.services import followups, notifications
from tisc.services.unit_of_work import use_case


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[..., int]  # (today, now), or (today, now, policy) when with_policy
    with_policy: bool = False


JOBS: list[DailyJob] = [
    DailyJob("daily_digest", notifications.queue_digests),
    DailyJob("unanswered_requests", followups.chase_unanswered, with_policy=True),
    DailyJob("rating_invitations", followups.invite_ratings),
]


def run_due(
    tz: tzinfo, now: datetime | None = None, *, policy: Policy | None = None
) -> dict[str, int]:
    """Run today's jobs that nobody has run yet; what each did (skipped ones left out).

    ``policy`` is required by the jobs declared ``with_policy``; without it they fail
    rather than run with default delays the deployment did not choose.
    """
    now = now or utcnow()
    today = now.astimezone(tz).date()
    done = {}
    for job in JOBS:
        if job.with_policy and policy is None:
            raise ValueError(f"daily job {job.name} needs the policy: run_due(..., policy=…)")
        result = _run_once(job, today, now, policy)
        if result is not None:
            done[job.name] = result
    return done


@use_case
def _run_once(job: DailyJob, today: date, now: datetime, policy: Policy | None) -> int | None:
    claimed = db.session.scalar(
        upsert_insert(db.session, DailyRun)
        .values(job=job.name, day=today, finished_at=now, result=0)
        .on_conflict_do_nothing(index_elements=["job", "day"])
        .returning(DailyRun.job)
    )
    if claimed is None:
        return None
    result = job.run(today, now, policy) if job.with_policy else job.run(today, now)
    db.session.execute(
        sa.update(DailyRun)
        .where(DailyRun.job == job.name, DailyRun.day == today)
        .values(result=result)
    )
    return result
