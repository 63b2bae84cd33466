"""Jobs that run once a day, however many processes try to run them.

Each job is a function ``(today, now) -> int`` (how many things it did) that
is also safe to run twice on its own. :func:`run_due` runs every job not yet
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
from tisc.extensions import db
from tisc.models import DailyRun
from tisc.models.base import utcnow
from tisc.services import followups, notifications
from tisc.services.unit_of_work import use_case


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[date, datetime], int]


JOBS: list[DailyJob] = [
    DailyJob("daily_digest", notifications.queue_digests),
    DailyJob("filing_followups", followups.queue_filing_followups),
]


def run_due(tz: tzinfo, now: datetime | None = None) -> dict[str, int]:
    """Run today's jobs that nobody has run yet; what each did (skipped ones left out)."""
    now = now or utcnow()
    today = now.astimezone(tz).date()
    done = {}
    for job in JOBS:
        result = _run_once(job, today, now)
        if result is not None:
            done[job.name] = result
    return done


@use_case
def _run_once(job: DailyJob, today: date, now: datetime) -> int | None:
    claimed = db.session.scalar(
        upsert_insert(db.session, DailyRun)
        .values(job=job.name, day=today, finished_at=now, result=0)
        .on_conflict_do_nothing(index_elements=["job", "day"])
        .returning(DailyRun.job)
    )
    if claimed is None:
        return None
    result = job.run(today, now)
    db.session.execute(
        sa.update(DailyRun)
        .where(DailyRun.job == job.name, DailyRun.day == today)
        .values(result=result)
    )
    return result
