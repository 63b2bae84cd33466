from datetime import UTC, datetime, timedelta

from tisc.domain.stats import median_turnaround_days, per_100k

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_median_turnaround_in_days():
    spans = [(T0, T0 + timedelta(days=d)) for d in (2, 10, 4)]
    assert median_turnaround_days(spans) == 4.0
    assert median_turnaround_days(spans + [(T0, T0 + timedelta(days=6))]) == 5.0
    assert median_turnaround_days([]) is None


def test_rates_per_hundred_thousand():
    assert per_100k(25, 500_000) == 5.0
    assert per_100k(1, 0) is None
