"""Daily jobs run once a day, whoever runs them and however often."""

from datetime import UTC, datetime, timedelta

import pytest

from tisc.domain.policy import Policy
from tisc.services import schedule

POLICY = Policy()  # the network in Asia/Almaty


@pytest.fixture
def counted(monkeypatch):
    calls = []

    def job(today, now, policy):
        calls.append((today, now))
        return 7

    monkeypatch.setattr(schedule, "JOBS", [schedule.DailyJob("counted", job)])
    return calls


def test_a_job_runs_once_per_day_in_the_network_time_zone(ctx, counted):
    morning = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 08:00 in Almaty
    assert schedule.run_due(POLICY, morning) == {"counted": 7}
    assert schedule.run_due(POLICY, morning + timedelta(hours=10)) == {}  # 18:00, same day
    assert len(counted) == 1
    after_midnight = datetime(2026, 12, 2, 19, 30, tzinfo=UTC)  # 00:30 on the 3rd in Almaty
    assert schedule.run_due(POLICY, after_midnight) == {"counted": 7}
    assert [today.isoformat() for today, _ in counted] == ["2026-12-02", "2026-12-03"]


def test_a_failing_job_is_not_marked_as_run(ctx, monkeypatch):
    attempts = []

    def failing(today, now, policy):
        attempts.append(today)
        raise RuntimeError("mail server down")

    monkeypatch.setattr(schedule, "JOBS", [schedule.DailyJob("failing", failing)])
    now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            schedule.run_due(POLICY, now)
    assert len(attempts) == 2  # tried again: the claim went with the failed transaction
