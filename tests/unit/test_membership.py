"""Which TISCs were in the network at the end of a year, without a database."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tisc.domain.catalogue import CentreKind, CentreStatus
from tisc.domain.membership import Census, CentreRecord, StatusChange, census

ALMATY = ZoneInfo("Asia/Almaty")
ACTIVE, PLANNED, SUSPENDED = CentreStatus.ACTIVE, CentreStatus.PLANNED, CentreStatus.SUSPENDED


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=ALMATY)


def end_of(year: int) -> tuple[datetime, date]:
    return at(year + 1, 1, 1), date(year, 12, 31)


def centre(status=ACTIVE, joined_on=None, added_on=date(2026, 12, 5), changes=(),
           kind=CentreKind.TISC) -> CentreRecord:  # fmt: skip
    return CentreRecord("c", kind, status, joined_on, added_on, tuple(changes))


def created(when, status) -> StatusChange:
    return StatusChange(when, None, status)


def changed(when, before, after) -> StatusChange:
    return StatusChange(when, before, after)


@pytest.mark.parametrize(
    ("record", "year", "expected"),
    [
        # Joined on 1 Nov 2026: not in 2025's network, in 2026's.
        (centre(joined_on=date(2026, 11, 1)), 2025, Census(0, 0)),
        (centre(joined_on=date(2026, 11, 1)), 2026, Census(1, 0)),
        # Joined on the year's last day counts; on the next year's first day does not.
        (centre(joined_on=date(2025, 12, 31)), 2025, Census(1, 0)),
        (centre(joined_on=date(2026, 1, 1)), 2025, Census(0, 0)),
        # Added to the app in 2026, but joined in 2019: active since (its created status).
        (centre(joined_on=date(2019, 3, 1), changes=[created(at(2026, 12, 5, 10), ACTIVE)]),
         2020, Census(1, 0)),
        # No join date: counts from the day its record was added, never before.
        (centre(added_on=date(2026, 12, 5)), 2025, Census(0, 0)),
        (centre(added_on=date(2026, 12, 5)), 2026, Census(1, 0)),
        (centre(added_on=date(2026, 12, 5)), 2000, Census(0, 0)),
        # Suspended in 2026: still active at the end of 2025, not at the end of 2026.
        (centre(SUSPENDED, date(2020, 1, 1), date(2024, 1, 1),
                [changed(at(2026, 6, 1, 12), ACTIVE, SUSPENDED)]), 2025, Census(1, 0)),
        (centre(SUSPENDED, date(2020, 1, 1), date(2024, 1, 1),
                [changed(at(2026, 6, 1, 12), ACTIVE, SUSPENDED)]), 2026, Census(0, 0)),
        # Suspended at 23:59 on 31 December: suspended when the year ended.
        (centre(SUSPENDED, date(2020, 1, 1), date(2024, 1, 1),
                [changed(at(2025, 12, 31, 23, 59), ACTIVE, SUSPENDED)]), 2025, Census(0, 0)),
        # Suspended, then reactivated: each year's end sees the status of then.
        (centre(ACTIVE, date(2020, 1, 1), date(2024, 1, 1), [
            changed(at(2024, 3, 1, 9), ACTIVE, SUSPENDED),
            changed(at(2025, 2, 1, 9), SUSPENDED, ACTIVE),
        ]), 2024, Census(0, 0)),
        (centre(ACTIVE, date(2020, 1, 1), date(2024, 1, 1), [
            changed(at(2024, 3, 1, 9), ACTIVE, SUSPENDED),
            changed(at(2025, 2, 1, 9), SUSPENDED, ACTIVE),
        ]), 2025, Census(1, 0)),
        # Planned in 2025, active from 2026 (joined then): planned, then active.
        (centre(ACTIVE, date(2026, 3, 1), date(2025, 5, 1), [
            created(at(2025, 5, 1, 9), PLANNED), changed(at(2026, 3, 1, 9), PLANNED, ACTIVE),
        ]), 2025, Census(0, 1)),
        (centre(ACTIVE, date(2026, 3, 1), date(2025, 5, 1), [
            created(at(2025, 5, 1, 9), PLANNED), changed(at(2026, 3, 1, 9), PLANNED, ACTIVE),
        ]), 2026, Census(1, 0)),
        (centre(ACTIVE, date(2026, 3, 1), date(2025, 5, 1), [
            created(at(2025, 5, 1, 9), PLANNED), changed(at(2026, 3, 1, 9), PLANNED, ACTIVE),
        ]), 2024, Census(0, 0)),
        # A planned centre is counted once on record, its join date still ahead.
        (centre(PLANNED, date(2027, 6, 1), date(2026, 12, 1)), 2026, Census(0, 1)),
        (centre(PLANNED, None, date(2026, 12, 1)), 2025, Census(0, 0)),
        # The coordinating office is no TISC.
        (centre(joined_on=date(2019, 1, 1), kind=CentreKind.COORDINATOR), 2025, Census(0, 0)),
    ],
)  # fmt: skip
def test_a_census_counts_the_network_as_it_stood_when_the_year_ended(record, year, expected):
    assert census([record], *end_of(year)) == expected


def test_the_year_under_way_is_counted_as_it_stands_now():
    record = centre(SUSPENDED, date(2020, 1, 1), date(2024, 1, 1),
                    [changed(at(2026, 12, 5, 9), ACTIVE, SUSPENDED)])  # fmt: skip
    assert census([record], at(2026, 12, 5, 8), date(2026, 12, 5)) == Census(1, 0)
    assert census([record], at(2026, 12, 5, 10), date(2026, 12, 5)) == Census(0, 0)
    # A join date later this year is not reached yet.
    assert census([centre(joined_on=date(2026, 12, 20))], at(2026, 12, 5, 10),
                  date(2026, 12, 5)) == Census(0, 0)  # fmt: skip


def test_with_no_recorded_change_a_centre_had_its_present_status_throughout():
    assert census([centre(PLANNED, None, date(2024, 1, 1))], *end_of(2025)) == Census(0, 1)
    assert census([centre(SUSPENDED, date(2020, 1, 1))], *end_of(2025)) == Census(0, 0)
