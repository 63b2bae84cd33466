"""Working days and pauses, in Kazakhstan time (UTC+5), holidays excluded."""

from datetime import UTC, date, datetime

import pytest

from tisc.domain.calendar import KAZAKHSTAN_HOLIDAYS, WorkingCalendar, due_day

CALENDAR = WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS)
PLAIN = WorkingCalendar.from_holidays([])


def local(*args) -> datetime:
    """A moment given in Almaty wall-clock time, as UTC."""
    return datetime(*args, tzinfo=CALENDAR.tz).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (local(2026, 11, 2, 10), 1, local(2026, 11, 3, 10)),  # Monday → Tuesday
        (local(2026, 11, 6, 15), 1, local(2026, 11, 9, 15)),  # Friday → Monday
        (local(2026, 11, 6, 15), 15, local(2026, 11, 27, 15)),  # three weeks
        (local(2026, 11, 7, 10), 1, local(2026, 11, 10, 0)),  # Saturday: clock starts Monday
        (local(2026, 12, 15, 9), 1, local(2026, 12, 17, 9)),  # 16 Dec, Independence Day
        (local(2026, 3, 20, 12), 1, local(2026, 3, 24, 12)),  # Nauryz 21-23 March
        (local(2026, 5, 26, 12), 1, local(2026, 5, 28, 12)),  # Kurban Ait 2026
    ],
)
def test_adding_working_days(start, days, due):
    assert CALENDAR.add_working_days(start, days) == due


def test_work_that_ends_at_midnight_is_due_the_day_it_ends():
    """A Sunday submission's five working days end at midnight before Saturday: it is due
    on Friday, the last working day, as people read a due date."""
    due_at = CALENDAR.add_working_days(local(2026, 11, 22, 12), 5)
    assert due_at == local(2026, 11, 28, 0)
    assert due_day(due_at, CALENDAR.tz) == date(2026, 11, 27)
    assert due_day(local(2026, 11, 27, 15), CALENDAR.tz) == date(2026, 11, 27)
    assert due_day(local(2026, 11, 28, 0, 0, 1), CALENDAR.tz) == date(2026, 11, 28)


def test_results_are_utc():
    assert CALENDAR.add_working_days(local(2026, 11, 2, 10), 1).tzinfo is UTC


def test_working_time_between_skips_weekends():
    friday_noon, monday_noon = local(2026, 11, 6, 12), local(2026, 11, 9, 12)
    assert PLAIN.working_seconds_between(friday_noon, monday_noon) == 24 * 3600
    assert PLAIN.working_seconds_between(monday_noon, friday_noon) == 0


def test_a_pause_moves_the_due_date_by_its_working_time():
    due = local(2026, 11, 20, 12)  # Friday
    paused, resumed = local(2026, 11, 12, 12), local(2026, 11, 16, 12)  # Thu → Mon: 2 working days
    assert PLAIN.extend_for_pause(due, paused, resumed) == local(2026, 11, 24, 12)


def test_a_weekend_pause_costs_nothing():
    due = local(2026, 11, 20, 12)
    assert PLAIN.extend_for_pause(due, local(2026, 11, 14, 9), local(2026, 11, 15, 18)) == due


def test_holiday_strings_are_validated():
    assert WorkingCalendar.from_holidays(["02-29"]).recurring == {(2, 29)}
    assert not CALENDAR.is_working_day(date(2027, 5, 16)) or date(2027, 5, 16).weekday() >= 5
    with pytest.raises(ValueError):
        WorkingCalendar.from_holidays(["13-01"])
    with pytest.raises(ValueError):
        WorkingCalendar.from_holidays(["someday"])
