"""The key of what a due date depends on besides its request: the calendar, its time zone
and the targets, and nothing else of the deployment's policy."""

from dataclasses import replace

from tisc.domain.calendar import KAZAKHSTAN_HOLIDAYS, WorkingCalendar
from tisc.domain.catalogue import Service
from tisc.domain.policy import Policy


def test_the_same_rules_given_in_another_order_have_the_same_key():
    forwards = Policy(calendar=WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS))
    backwards = Policy(calendar=WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS[::-1]))
    assert forwards.due_date_rules == backwards.due_date_rules == Policy().due_date_rules


def test_a_holiday_a_day_in_lieu_a_time_zone_or_a_target_changes_the_key():
    policy = Policy()
    changed = [
        Policy(calendar=WorkingCalendar.from_holidays([*KAZAKHSTAN_HOLIDAYS, "2026-11-11"])),
        Policy(calendar=WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS, not_moved=())),
        Policy(calendar=WorkingCalendar.from_holidays(KAZAKHSTAN_HOLIDAYS, "Asia/Aqtobe")),
        Policy(target_days={**policy.target_days, Service.TRAINING: 11}),
    ]
    keys = {policy.due_date_rules, *(other.due_date_rules for other in changed)}
    assert len(keys) == 1 + len(changed)


def test_what_due_dates_do_not_depend_on_leaves_the_key_alone():
    policy = Policy()
    other = replace(policy, upload_max_bytes=1, remind_after_days=2, reopen_window_days=3)
    assert other.due_date_rules == policy.due_date_rules
