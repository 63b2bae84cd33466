"""The deployment's rules for requests: turnaround targets, the working calendar, limits."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from tisc.domain.calendar import KAZAKHSTAN_HOLIDAYS, WorkingCalendar
from tisc.domain.catalogue import DEFAULT_TARGET_DAYS, Service

# How long a sign-in lasts: a browser session ends after this long unused; "keep me
# signed in" ends this long after signing in, used or not.
SESSION_IDLE = timedelta(hours=8)
REMEMBER_FOR = timedelta(days=30)
# Files attached at once (to a request, a reply, a message…), each within ``upload_max_bytes``.
MAX_FILES = 5


@dataclass(frozen=True)
class Policy:
    target_days: Mapping[Service, int] = field(default_factory=lambda: dict(DEFAULT_TARGET_DAYS))
    calendar: WorkingCalendar = field(
        default_factory=lambda: WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS)
    )
    upload_max_bytes: int = 10 * 1024 * 1024
    password_hash_method: str = "scrypt"
    # A request awaiting the inventor: a reminder after this many working days,
    # closed as "no answer" this many working days after the reminder.
    remind_after_days: int = 5
    close_after_days: int = 10
    # The inventor may reopen a request closed for want of an answer this many days.
    reopen_window_days: int = 30
    # A delivered e-mail's copy in the outbox (subject, texts, what they were made from,
    # which may quote a request's content) is emptied this many days after sending.
    keep_sent_mail_days: int = 30

    @classmethod
    def from_config(cls, config: Mapping) -> "Policy":
        return cls(
            target_days={Service(k): int(v) for k, v in config["TISC_TARGET_DAYS"].items()},
            calendar=WorkingCalendar.from_holidays(
                config["TISC_HOLIDAYS"], config["TISC_TIMEZONE"], config["TISC_HOLIDAYS_NOT_MOVED"]
            ),
            upload_max_bytes=int(config["TISC_UPLOAD_MAX_BYTES"]),
            password_hash_method=config["TISC_PASSWORD_HASH"],
            remind_after_days=int(config["TISC_REMIND_AFTER_DAYS"]),
            close_after_days=int(config["TISC_CLOSE_AFTER_DAYS"]),
            reopen_window_days=int(config["TISC_REOPEN_WINDOW_DAYS"]),
            keep_sent_mail_days=int(config["TISC_MAIL_KEEP_DAYS"]),
        )

    @cached_property
    def due_date_rules(self) -> str:
        """What a due date depends on besides the request (the working calendar, its time
        zone, the services' targets), as a short key: when it changes, the open requests'
        due dates are worked out again (``services/due_dates.py``)."""
        calendar = self.calendar
        parts = [
            str(calendar.tz),
            *(f"{month:02}-{day:02}" for month, day in sorted(calendar.recurring)),
            *(day.isoformat() for day in sorted(calendar.dated)),
            *(f"{service.value}={days}" for service, days in sorted(self.target_days.items())),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def due_at(self, service: Service, start: datetime) -> datetime:
        """When a request for ``service`` received at ``start`` is due."""
        return self.calendar.add_working_days(start, self.target_days[service])

    def reminder_due(self, awaiting_since: datetime) -> datetime:
        """When an inventor who has not answered since ``awaiting_since`` is reminded."""
        return self.calendar.add_working_days(awaiting_since, self.remind_after_days)

    def closing_due(self, reminded_at: datetime) -> datetime:
        """When a request whose inventor was reminded at ``reminded_at`` closes unanswered."""
        return self.calendar.add_working_days(reminded_at, self.close_after_days)

    def reopen_until(self, closed_at: datetime) -> datetime:
        """Until when the inventor may reopen a request closed for want of an answer."""
        return closed_at + timedelta(days=self.reopen_window_days)
