"""Lists' dates: day first and all digits in every language, on the reader's calendar day."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from tisc.formatting import Clock

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5


@pytest.mark.parametrize(("locale", "expected"), [("kk", "02.12.2026"), ("ru", "02.12.2026"),
                                                  ("en", "02/12/2026")])  # fmt: skip
def test_a_lists_date_is_the_local_day_day_first(locale, expected):
    clock = Clock(Locale.parse(locale), ALMATY)
    late_evening_utc = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # already the 2nd in Almaty
    assert clock.short(late_evening_utc) == expected
    assert clock.short(date(2026, 12, 2)) == expected  # a date is already a day


def test_a_lists_date_keeps_the_year_whole_and_pads_day_and_month():
    clock = Clock(Locale.parse("ru"), ALMATY)
    assert clock.short(date(2027, 1, 5)) == "05.01.2027"
