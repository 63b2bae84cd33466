"""The figures' definitions, without a database."""

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tisc.domain import figures as f
from tisc.domain.calendar import KAZAKHSTAN_HOLIDAYS, WorkingCalendar, turnaround_days
from tisc.domain.catalogue import Service
from tisc.domain.errors import Invalid
from tisc.domain.figures import Figures, Period, RequestFacts, choose_period
from tisc.domain.policy import Policy
from tisc.domain.workflow import Status, replay_clock

ALMATY = ZoneInfo("Asia/Almaty")
CALENDAR = WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS)
TODAY = date(2026, 4, 15)


def at(*parts):
    return datetime(*parts, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("histogram", "median", "p90"),
    [
        ({}, None, None),
        ({4: 1}, 4, 4),
        ({3: 1, 6: 1}, 4.5, 6),
        ({1: 9, 10: 1}, 1, 1),
        ({1: 8, 10: 2}, 1, 10),
        ({2: 1, 3: 1, 5: 1, 8: 1, 13: 1}, 5, 13),
    ],
)
def test_median_and_90th_percentile(histogram, median, p90):
    assert f.median_of(histogram) == median
    assert f.percentile_of(histogram, 0.9) == p90


@pytest.mark.parametrize(
    ("start", "end", "paused", "days"),
    [
        (at(2026, 3, 19, 10), at(2026, 3, 27, 16), 24 * 3600, 3),  # Nauryz, 2 days in lieu
        (at(2025, 12, 15, 10), at(2025, 12, 17, 10), 0, 1),  # 16 December, a holiday
        (at(2026, 3, 2, 10), at(2026, 3, 2, 11), 0, 1),  # within the day: at least 1
        (at(2026, 3, 6, 10), at(2026, 3, 9, 10), 0, 1),  # over a weekend
        (at(2026, 3, 2, 10), at(2026, 3, 3, 10, 1), 0, 2),  # a minute more than a day
    ],
)
def test_turnaround_in_working_days_rounded_up(start, end, paused, days):
    assert turnaround_days(CALENDAR, start, end, paused) == days


def test_replaying_the_moves_agrees_with_the_workflow():
    moves = [
        (at(2026, 3, 19, 11), Status.ASSIGNED), (at(2026, 3, 19, 11), Status.IN_PROGRESS),
        (at(2026, 3, 20, 10), Status.AWAITING_INVENTOR), (at(2026, 3, 26, 10), Status.IN_PROGRESS),
        (at(2026, 3, 27, 16), Status.COMPLETED),
    ]  # fmt: skip
    state = replay_clock(at(2026, 3, 19, 10), moves, Policy())
    assert (state.paused_seconds, state.turnaround_days) == (24 * 3600, 3)


def facts(**changes) -> RequestFacts:
    values = dict(
        centre_id=7, service="prior_art_search", region_code="KZ-75", category="student",
        status=Status.COMPLETED, created_at=at(2026, 2, 27, 10), due_at=at(2026, 3, 20, 10),
        closed_at=at(2026, 3, 1, 2), turnaround_days=2, rating=4, outcome="advice_given",
        filings=((date(2026, 5, 4), "patent"),),
    ) | changes  # fmt: skip
    return RequestFacts(**values)


def test_a_completed_request_contributes_in_its_months():
    dims = (7, "prior_art_search", "KZ-75", "student")
    # Closed on 1 March at 02:00 in Almaty: still 28 February in UTC, March here.
    assert f.contributions(facts(), ALMATY) == Counter({
        (202602, *dims, "received"): 1, (202603, *dims, "completed"): 1,
        (202603, *dims, "on_time"): 1, (202603, *dims, "days:2"): 1,
        (202603, *dims, "outcome:advice_given"): 1, (202603, *dims, "rated"): 1,
        (202603, *dims, "rating_sum"): 4, (202605, *dims, "filed:patent"): 1,
    })  # fmt: skip


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN, Status.NO_ANSWER,
                                    Status.DUPLICATE])  # fmt: skip
def test_closed_without_service_counts_received_and_its_own_status_only(status):
    counted = f.contributions(facts(status=status, filings=()), ALMATY)
    measures = {key[-1]: value for key, value in counted.items()}
    assert measures == {"received": 1, status.value: 1}


def test_an_open_request_counts_as_open_now_and_a_request_from_before_categories_is_unknown():
    counted = f.contributions(facts(status=Status.IN_PROGRESS, category=None, filings=()), ALMATY)
    assert set(counted) == {
        (202602, 7, "prior_art_search", "KZ-75", "unknown", "received"),
        (f.NOW, 7, "prior_art_search", "KZ-75", "unknown", "open"),
    }


def test_a_late_completion_without_rating():
    counted = f.contributions(facts(closed_at=at(2026, 4, 1, 9), rating=None), ALMATY)
    assert {key[-1] for key in counted} == {
        "received", "completed", "days:2", "outcome:advice_given", "filed:patent"
    }  # fmt: skip


def test_completed_on_a_day_off_after_its_due_date_is_late_though_no_working_time_passed():
    """Due by the end of Friday 6 March 2026, completed on Saturday the 7th: its turnaround,
    in working time, equals the target, but the inventor was promised an answer by Friday."""
    assert CALENDAR.working_seconds_between(at(2026, 3, 7, 0), at(2026, 3, 7, 11)) == 0
    counted = f.contributions(facts(due_at=at(2026, 3, 7, 0), closed_at=at(2026, 3, 7, 11)), ALMATY)
    assert "completed" in {key[-1] for key in counted}
    assert "on_time" not in {key[-1] for key in counted}


def test_a_transfer_moves_every_count_to_the_new_centre():
    change = f.difference(
        f.contributions(facts(), ALMATY), f.contributions(facts(centre_id=8), ALMATY)
    )
    assert sum(v for k, v in change.items() if k[1] == 7) == -sum(
        v for k, v in change.items() if k[1] == 8
    )
    expanded = f.expand(change)
    # Nothing changes at the grains without the centre.
    assert all(key[0] & f.CENTRE for key in expanded)


def test_expansion_keeps_every_grain_of_at_most_two_dimensions():
    expanded = f.expand(Counter({(202603, 7, "s", "r", "k", "received"): 1}))
    assert len(expanded) == 11
    assert expanded[(0, 202603, 0, "*", "*", "*", "received")] == 1
    assert expanded[(f.CENTRE | f.REGION, 202603, 7, "*", "r", "*", "received")] == 1


def test_figures_from_counts():
    figures = Figures.from_counts(
        {"received": 4, "completed": 2, "on_time": 1, "rated": 1, "rating_sum": 3,
         "days:2": 1, "days:9": 1, "filed:patent": 2, "filed:trademark": 1, "open": 2}
    )  # fmt: skip
    assert (figures.on_time_rate, figures.mean_rating, figures.rated_share) == (0.5, 3, 0.5)
    assert (figures.median_days, figures.filings_total, figures.open_now) == (5.5, 3, 2)
    assert Figures().on_time_rate is None and Figures().median_days is None


@pytest.mark.parametrize(
    ("kind", "first", "last", "period"),
    [
        ("this_year", "", "", Period(202601, 202604)),
        ("", "", "", Period(202601, 202604)),
        ("last_year", "", "", Period(202501, 202512)),
        ("last_12_months", "", "", Period(202505, 202604)),
        ("custom", "2025-03", "2025-08", Period(202503, 202508)),
        ("custom", "2026-03", "2026-12", Period(202603, 202604)),  # cut at today
    ],
)
def test_periods(kind, first, last, period):
    assert choose_period(kind, TODAY, first, last) == period


@pytest.mark.parametrize(
    ("kind", "first", "last", "field"),
    [
        ("custom", "2026-03", "2025-03", "last"),  # inverted
        ("custom", "2006-01", "2026-01", "last"),  # twenty years
        ("custom", "1900-01", "1901-01", "first"),  # absurd
        ("custom", "2026-13", "2026-12", "first"),
        ("custom", "yesterday", "2026-01", "first"),
        ("custom", "2027-01", "2027-02", "first"),  # the future
        ("decade", "", "", "period"),
    ],
)
def test_bad_periods_are_refused_with_the_field(kind, first, last, field):
    with pytest.raises(Invalid) as refusal:
        choose_period(kind, TODAY, first, last)
    assert refusal.value.field == field


def test_the_previous_period_has_the_same_length():
    assert Period(202601, 202604).previous() == Period(202509, 202512)
    assert Period(202603, 202603).previous() == Period(202602, 202602)
    assert Period(202511, 202602).end == date(2026, 2, 28)


def test_report_years():
    assert f.check_year(2025, TODAY) == 2025
    for year in (None, 1999, 2027):
        with pytest.raises(Invalid):
            f.check_year(year, TODAY)


def test_turnaround_bands():
    assert f.turnaround_bands({1: 2, 5: 1, 6: 1, 20: 3, 41: 1, 999: 1}) == [3, 1, 3, 0, 2]


def test_months_in_the_network_time_zone():
    assert f.month_of(datetime(2026, 2, 28, 20, 0, tzinfo=UTC), ALMATY) == 202603
    assert f.month_of(date(2026, 2, 28), ALMATY) == 202602


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"), ("+7", "'+7"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), (-3, -3),
        (None, None), ("", ""),
    ],
)  # fmt: skip
def test_cells_that_could_start_a_formula_are_neutralised(value, safe):
    from tisc.services.exports import neutralise

    assert neutralise(value) == safe


def test_replaying_the_moves_of_a_reopened_request_gives_its_due_date_on_the_same_clock():
    """Submitted Monday 2 March (prior-art search, 15 working days), completed on the 4th,
    closed for a working week, reopened on the 11th, completed on the 13th."""
    moves = [
        (at(2026, 3, 2, 10), Status.IN_PROGRESS), (at(2026, 3, 4, 10), Status.COMPLETED),
        (at(2026, 3, 11, 10), Status.ASSIGNED), (at(2026, 3, 13, 10), Status.COMPLETED),
    ]  # fmt: skip
    policy = Policy()
    state = replay_clock(at(2026, 3, 2, 10), moves, policy, Service.PRIOR_ART_SEARCH)
    closed = policy.calendar.working_seconds_between(at(2026, 3, 4, 10), at(2026, 3, 11, 10))
    assert state.paused_seconds == closed
    first_due = policy.due_at(Service.PRIOR_ART_SEARCH, at(2026, 3, 2, 10))
    assert state.due_at == policy.calendar.add_working_seconds(first_due, closed)
    assert state.turnaround_days == 4


@pytest.mark.parametrize(
    ("kind", "running"),
    [("this_year", True), ("last_12_months", True), ("last_year", False)],
)
def test_a_period_ending_with_this_month_is_still_running(kind, running):
    assert choose_period(kind, TODAY).running(TODAY) is running
    assert choose_period("custom", TODAY, "2026-01", "2026-03").running(TODAY) is False
    assert choose_period("custom", TODAY, "2026-04", "2026-04").running(TODAY) is True
