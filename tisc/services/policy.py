"""The deployment's rules that use cases need: turnaround targets, calendar, limits."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tisc.domain.calendar import WorkingCalendar
from tisc.domain.catalogue import Service


@dataclass(frozen=True)
class Policy:
    target_days: Mapping[Service, int]
    calendar: WorkingCalendar
    upload_max_bytes: int = 10 * 1024 * 1024
    password_hash_method: str = "scrypt"

    @classmethod
    def from_config(cls, config: Mapping) -> "Policy":
        return cls(
            target_days={Service(k): int(v) for k, v in config["TISC_TARGET_DAYS"].items()},
            calendar=WorkingCalendar.from_holidays(
                config["TISC_HOLIDAYS"], config["TISC_TIMEZONE"]
            ),
            upload_max_bytes=int(config["TISC_UPLOAD_MAX_BYTES"]),
            password_hash_method=config["TISC_PASSWORD_HASH"],
        )

    def due_at(self, service: Service, start: datetime) -> datetime:
        return self.calendar.add_working_days(start, self.target_days[service])
