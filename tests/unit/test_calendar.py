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
        (local(2026, 3, 20, 12), 1, local(2026, 3, 26, 12)),  # Nauryz 21-23 March, 2 in lieu
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


def moved_by_pause(due, paused, resumed):
    """As the workflow moves a due date: by the working time a pause lasted."""
    return PLAIN.add_working_seconds(due, PLAIN.working_seconds_between(paused, resumed))


def test_a_pause_moves_the_due_date_by_its_working_time():
    due = local(2026, 11, 20, 12)  # Friday
    paused, resumed = local(2026, 11, 12, 12), local(2026, 11, 16, 12)  # Thu → Mon: 2 working days
    assert moved_by_pause(due, paused, resumed) == local(2026, 11, 24, 12)


@pytest.mark.parametrize(
    ("paused", "resumed", "due"),
    [  # moments to the microsecond, as the clock gives them, spanning weekends and days
        ("2026-12-07 12:10:45.037103", "2026-12-14 13:02:24.027949", "2026-12-24 22:20:52.617058"),
        ("2026-11-24 10:55:42.794831", "2026-12-01 11:23:00.054558", "2026-12-11 19:21:38.284055"),
        ("2026-12-22 03:34:39.896795", "2026-12-29 03:51:20.986900", "2027-01-08 12:37:10.529940"),
    ],
)
def test_a_due_date_moves_by_exactly_the_working_time_a_pause_measured(paused, resumed, due):
    """To the microsecond: the time between the old and the new due date, counted again,
    is what the pause measured (a sum of floats, day by day, came out a hair either side)."""
    paused, resumed, due = (datetime.fromisoformat(f"{at}+00:00") for at in (paused, resumed, due))
    waited = CALENDAR.working_seconds_between(paused, resumed)
    moved = CALENDAR.add_working_seconds(due, waited)
    assert CALENDAR.working_seconds_between(due, moved) == waited


def test_a_weekend_pause_costs_nothing():
    due = local(2026, 11, 20, 12)
    assert moved_by_pause(due, local(2026, 11, 14, 9), local(2026, 11, 15, 18)) == due


def test_holiday_strings_are_validated():
    assert WorkingCalendar.from_holidays(["02-29"]).recurring == {(2, 29)}
    assert not CALENDAR.is_working_day(date(2027, 5, 16)) or date(2027, 5, 16).weekday() >= 5
    with pytest.raises(ValueError):
        WorkingCalendar.from_holidays(["13-01"])
    with pytest.raises(ValueError):
        WorkingCalendar.from_holidays(["someday"])


GIVEN_DATES = {date.fromisoformat(text) for text in KAZAKHSTAN_HOLIDAYS if len(text) == 10}


def in_lieu(calendar: WorkingCalendar, year: int) -> list[str]:
    return sorted(f"{day:%m-%d}" for day in calendar.dated - GIVEN_DATES if day.year == year)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 8 March a Sunday; Nauryz's 21-22 March a weekend, before Monday's 23rd; 9 May a
        # Saturday; 30 August and 25 October Sundays
        (2026, ["03-09", "03-24", "03-25", "05-11", "08-31", "10-26"]),
        (2028, ["01-03", "01-04", "05-08", "12-18"]),  # 1-2 Jan, 7 May, 16 Dec at weekends
        (2024, ["03-25", "07-08"]),  # 23 March, 6 July; 7 January, a Sunday, is religious
        (2027, ["01-04", "03-24", "05-03", "05-10"]),  # 2 Jan, 21 Mar, 1 and 9 May; not Kurban Ait
    ],
)
def test_a_holiday_at_a_weekend_gives_the_next_working_day_off(year, expected):
    assert in_lieu(CALENDAR, year) == expected
    for text in expected:
        assert not CALENDAR.is_working_day(date.fromisoformat(f"{year}-{text}"))


def test_which_holidays_are_not_moved_is_a_setting():
    every_one_moved = WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS, not_moved=())
    assert "01-08" in in_lieu(every_one_moved, 2024)
    assert CALENDAR.is_working_day(date(2024, 1, 8))
    assert in_lieu(PLAIN, 2026) == []
