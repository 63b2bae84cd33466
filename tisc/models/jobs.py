"""Daily jobs' claims (which job has run for which day) and what they keep between runs."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tisc.models.base import Base, UTCDateTime, utcnow


class DailyRun(Base):
    """One row per job and day, inserted before the job runs: whoever inserts it first
    runs the job; everyone else finds it and skips. ``finished_at`` holds the claim's
    time while the job runs, and its end once it is done."""

    __tablename__ = "daily_runs"

    job: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[int] = mapped_column(default=0)  # how many things it did


class DueDateRules(Base):
    """One row: the rules (:attr:`~tisc.domain.policy.Policy.due_date_rules`) the open
    requests' due dates were last worked out by. A deployment that changes its working
    calendar or its targets differs from it, and its daily jobs work them out again."""

    __tablename__ = "due_date_rules"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rules: Mapped[str] = mapped_column(sa.String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
