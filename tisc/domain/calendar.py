"""Working-day arithmetic for due dates.

A working day is Monday to Friday in the network's time zone, minus public
holidays. Time is counted in working seconds, so "15 working days after a
Friday afternoon" lands on a Friday afternoon three weeks later, and a pause
(a request awaiting the inventor) moves the due date by exactly the working
time it lasted.
"""

import math
from calendar import isleap
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

DAY_SECONDS = 86400

# Kazakhstan's public holidays (Labour Code, art. 84 and the holidays law):
# fixed dates as MM-DD, and the first day of Kurban Ait, which moves, as full dates.
KAZAKHSTAN_HOLIDAYS = (
    "01-01", "01-02", "01-07", "03-08", "03-21", "03-22", "03-23", "05-01",
    "05-07", "05-09", "07-06", "08-30", "10-25", "12-16",
    "2025-06-06", "2026-05-27", "2027-05-16", "2028-05-05",
)  # fmt: skip
# A holiday on a Saturday or Sunday gives a day off in lieu, the next working day after it
# (Labour Code, art. 85), except the religious ones: Orthodox Christmas, and Kurban Ait,
# which like every holiday given as a full date is never moved.
KAZAKHSTAN_NOT_MOVED = ("01-07",)
# The years whose days in lieu are worked out when a calendar is built.
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class WorkingCalendar:
    recurring: frozenset[tuple[int, int]] = frozenset()  # (month, day) every year
    dated: frozenset[date] = frozenset()
    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))

    @classmethod
    def from_holidays(
        cls, holidays, tz_name: str = "Asia/Almaty", not_moved=KAZAKHSTAN_NOT_MOVED
    ) -> "WorkingCalendar":
        """Build from strings, ``MM-DD`` for every year or ``YYYY-MM-DD`` for one day.

        An every-year holiday that falls on a weekend gives the next working day off,
        unless it is one of ``not_moved`` (``MM-DD``); the days in lieu are kept with the
        dated holidays. Raises ValueError on a string of neither form.
        """
        recurring, dated = _parsed(holidays)
        fixed, _ = _parsed(not_moved)
        lieu = days_in_lieu(sorted(recurring - fixed), recurring, dated, YEARS)
        return cls(frozenset(recurring), frozenset(dated | lieu), ZoneInfo(tz_name))

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and (day.month, day.day) not in self.recurring
            and day not in self.dated
        )

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.add_working_seconds(start, days * DAY_SECONDS)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of working time after ``start`` (UTC)."""
        if seconds <= 0:
            return start.astimezone(UTC)
        current = start.astimezone(self.tz)
        remaining = timedelta(seconds=seconds)  # whole microseconds: exact from here on
        while True:
            next_midnight = self._next_midnight(current)
            if self.is_working_day(current.date()):
                available = next_midnight - current
                if remaining <= available:
                    return (current + remaining).astimezone(UTC)
                remaining -= available
            current = next_midnight

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time from ``start`` to ``end``; zero when ``end`` is not later."""
        current, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = timedelta()  # summed in whole microseconds, so a pause moves a due date by
        while current < end:  # exactly what it measures (floats summed day by day drift)
            next_midnight = min(self._next_midnight(current), end)
            if self.is_working_day(current.date()):
                total += next_midnight - current
            current = next_midnight
        return total.total_seconds()

    def _next_midnight(self, moment: datetime) -> datetime:
        return datetime.combine(moment.date() + timedelta(days=1), time(), tzinfo=self.tz)


def _parsed(holidays) -> tuple[set[tuple[int, int]], set[date]]:
    recurring, dated = set(), set()
    for text in holidays:
        text = text.strip()
        if len(text) == 5:
            month, day = (int(part) for part in text.split("-"))
            date(2000, month, day)  # validates; 2000 is a leap year
            recurring.add((month, day))
        else:
            dated.add(date.fromisoformat(text))
    return recurring, dated


def days_in_lieu(
    moved: list[tuple[int, int]], recurring: set[tuple[int, int]], dated: set[date], years
) -> set[date]:
    """For each of ``years``, the day off given for each holiday of ``moved`` (month, day;
    in date order) that falls on a weekend: the first weekday after it that is neither a
    holiday nor already given for another (Nauryz on Saturday and Sunday, 21-22 March
    2026, gives Tuesday and Wednesday, after Monday's Nauryz holiday)."""
    given: set[date] = set()
    for year in years:
        for month, day in moved:
            if month == 2 and day == 29 and not isleap(year):
                continue
            holiday = date(year, month, day)
            if holiday.weekday() < 5:
                continue
            lieu = holiday + timedelta(days=1)
            while (
                lieu.weekday() >= 5
                or (lieu.month, lieu.day) in recurring
                or lieu in dated
                or lieu in given
            ):
                lieu += timedelta(days=1)
            given.add(lieu)
    return given


def due_day(due_at: datetime, tz: tzinfo) -> date:
    """The day a request is due, as people read a due date: work that ends exactly at a
    day's end is due at midnight, which belongs to the day it ends, not the next one
    (a weekend submission's five working days end at midnight before a Saturday)."""
    return (due_at.astimezone(tz) - timedelta(microseconds=1)).date()


def turnaround_days(
    calendar: WorkingCalendar, start: datetime, end: datetime, paused_seconds: float = 0
) -> int:
    """Working days from ``start`` to ``end`` with ``paused_seconds`` of working time left out,
    rounded up: a request answered within N working days took N (at least 1)."""
    seconds = calendar.working_seconds_between(start, end) - paused_seconds
    return max(1, math.ceil(seconds / DAY_SECONDS - 1e-9))
