"""The workflow's loose ends, with a fixed calendar: reminders and closing by working days,
reopening within the window, questions after completion, duplicates - and the figures of
requests that never take these paths left exactly as they were."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tisc.domain.catalogue import Outcome, Role, Service
from tisc.domain.errors import Refused
from tisc.domain.figures import ON_TIME, RequestFacts, contributions
from tisc.domain.permissions import SCHEDULE, Actor
from tisc.domain.policy import Policy
from tisc.domain.workflow import (
    Action,
    Completion,
    Inputs,
    RequestState,
    Status,
    apply,
    available_actions,
)

POLICY = Policy()  # Kazakhstan's holidays; remind after 5 working days, close 10 after that
INVENTOR = Actor(1, Role.INVENTOR)
STAFF = Actor(2, Role.STAFF, 10)
COORDINATOR = Actor(3, Role.COORDINATOR)


def almaty(day: str, hour: int = 10) -> datetime:
    """``day`` at ``hour`` o'clock in Almaty (UTC+5), as UTC."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+05:00").astimezone(UTC)


def awaiting(since: datetime, **changes) -> RequestState:
    values = {
        "status": Status.AWAITING_INVENTOR, "centre_id": 10, "inventor_id": 1, "assignee_id": 2,
        "service": Service.PRIOR_ART_SEARCH, "due_at": since + timedelta(days=10),
        "awaiting_since": since,
    } | changes  # fmt: skip
    return RequestState(**values)


def act(state, action, actor, now, inputs=None):
    inputs = inputs or Inputs()
    return apply(state, action, actor, inputs, now=now, policy=POLICY).state


def is_due(state, action, actor, now) -> bool:
    return action in available_actions(state, actor, now=now, policy=POLICY)


# --- reminders and closing, in working days -------------------------------------------------


@pytest.mark.parametrize(
    ("since", "not_yet", "due"),
    [
        # Monday to Monday: five working days.
        (almaty("2026-11-02"), almaty("2026-11-09", 9), almaty("2026-11-09", 11)),
        # Over a weekend: Thursday to the next Thursday.
        (almaty("2026-11-05"), almaty("2026-11-12", 9), almaty("2026-11-12", 11)),
        # Independence Day (16 December) does not count: Friday to Monday week.
        (almaty("2026-12-11"), almaty("2026-12-18", 18), almaty("2026-12-21", 11)),
    ],
)
def test_the_reminder_comes_after_five_working_days(since, not_yet, due):
    state = awaiting(since)
    assert not is_due(state, Action.REMIND, SCHEDULE, not_yet)
    with pytest.raises(Refused):
        act(state, Action.REMIND, SCHEDULE, not_yet)
    assert is_due(state, Action.REMIND, SCHEDULE, due)
    reminded = act(state, Action.REMIND, SCHEDULE, due)
    assert reminded.status is Status.AWAITING_INVENTOR and reminded.reminded_at == due
    assert reminded.due_at == state.due_at  # the centre's clock stays paused


def test_an_inventor_is_reminded_once_per_question():
    reminded = act(awaiting(almaty("2026-11-02")), Action.REMIND, SCHEDULE, almaty("2026-11-10"))
    assert not is_due(reminded, Action.REMIND, SCHEDULE, almaty("2026-11-11"))
    with pytest.raises(Refused) as refusal:
        act(reminded, Action.REMIND, SCHEDULE, almaty("2026-11-11"))
    assert refusal.value.message == "The inventor has already been reminded."


def test_the_request_closes_ten_working_days_after_the_reminder():
    reminded = awaiting(almaty("2026-11-02"), reminded_at=almaty("2026-11-09", 11))
    assert not is_due(reminded, Action.EXPIRE, SCHEDULE, almaty("2026-11-23", 10))
    assert is_due(reminded, Action.EXPIRE, SCHEDULE, almaty("2026-11-23", 12))
    closed = act(reminded, Action.EXPIRE, SCHEDULE, almaty("2026-11-23", 12))
    assert closed.status is Status.NO_ANSWER
    assert closed.closed_at == almaty("2026-11-23", 12)
    assert closed.reminded_at is None and closed.awaiting_since is None


def test_a_request_is_never_closed_without_a_reminder_first():
    state = awaiting(almaty("2026-01-05"))
    assert not is_due(state, Action.EXPIRE, SCHEDULE, almaty("2026-06-01"))
    assert is_due(state, Action.REMIND, SCHEDULE, almaty("2026-06-01"))


def test_an_answer_ends_the_wait_and_a_new_question_starts_a_new_one():
    reminded = act(awaiting(almaty("2026-11-02")), Action.REMIND, SCHEDULE, almaty("2026-11-10"))
    replied = act(reminded, Action.REPLY, INVENTOR, almaty("2026-11-11"), Inputs(text="Yes."))
    assert replied.status is Status.IN_PROGRESS and replied.reminded_at is None
    asked = act(replied, Action.ASK, STAFF, almaty("2026-11-12"), Inputs(text="And?"))
    assert not is_due(asked, Action.REMIND, SCHEDULE, almaty("2026-11-18"))
    assert is_due(asked, Action.REMIND, SCHEDULE, almaty("2026-11-19", 11))


def test_only_the_daily_jobs_remind_and_close_by_themselves():
    state = awaiting(almaty("2026-01-05"), reminded_at=almaty("2026-02-02"))
    for person in (INVENTOR, STAFF, COORDINATOR):
        for action in (Action.REMIND, Action.EXPIRE):
            with pytest.raises(Refused):
                act(state, action, person, almaty("2026-06-01"))


def test_staff_close_a_request_awaiting_the_inventor_with_a_reason():
    closed = act(awaiting(almaty("2026-11-02")), Action.CLOSE_NO_ANSWER, STAFF,
                 almaty("2026-11-03"), Inputs(text="No answer by phone either."))  # fmt: skip
    assert closed.status is Status.NO_ANSWER and closed.closed_at == almaty("2026-11-03")


# --- the inventor reopens ----------------------------------------------------------------


def closed_unanswered(at: datetime) -> RequestState:
    return RequestState(
        Status.NO_ANSWER, 10, 1, assignee_id=2, service=Service.PRIOR_ART_SEARCH,
        due_at=at - timedelta(days=3), closed_at=at,
    )  # fmt: skip


def test_the_inventor_reopens_within_thirty_days_and_the_due_date_moves_by_the_time_closed():
    state = closed_unanswered(almaty("2026-11-02"))
    now = almaty("2026-12-01")  # 29 days later
    reopened = act(state, Action.RESUME, INVENTOR, now, Inputs(text="Here is my answer."))
    assert reopened.status is Status.IN_PROGRESS and reopened.closed_at is None
    closed_for = POLICY.calendar.working_seconds_between(almaty("2026-11-02"), now)
    assert reopened.due_at == POLICY.calendar.add_working_seconds(state.due_at, closed_for)
    assert reopened.paused_seconds == closed_for
    assert reopened.assignee_id == 2


def test_after_thirty_days_the_inventor_cannot_reopen():
    state = closed_unanswered(almaty("2026-11-02"))
    late = almaty("2026-12-03")
    assert not is_due(state, Action.RESUME, INVENTOR, late)
    with pytest.raises(Refused) as refusal:
        act(state, Action.RESUME, INVENTOR, late, Inputs(text="Sorry, late."))
    assert refusal.value.params == {"days": 30}


def test_the_window_is_configuration():
    short = Policy(reopen_window_days=7)
    state = closed_unanswered(almaty("2026-11-02"))
    assert not is_due_with(state, Action.RESUME, INVENTOR, almaty("2026-11-10"), short)
    assert is_due_with(state, Action.RESUME, INVENTOR, almaty("2026-11-08"), short)


def is_due_with(state, action, actor, now, policy) -> bool:
    return action in available_actions(state, actor, now=now, policy=policy)


# --- after completion ----------------------------------------------------------------------

SUBMITTED_AT = almaty("2026-11-02", 9)


def completed_request() -> RequestState:
    """Submitted, assigned, started and completed the ordinary way."""
    state = RequestState(None, 10, 1, service=Service.PRIOR_ART_SEARCH)
    state = act(state, Action.SUBMIT, INVENTOR, SUBMITTED_AT)
    state = act(state, Action.ASSIGN, STAFF, SUBMITTED_AT + timedelta(hours=1),
                Inputs(assignee_id=2, assignee_centre_id=10))  # fmt: skip
    state = act(state, Action.START, STAFF, SUBMITTED_AT + timedelta(hours=2))
    done = Completion("Three patents.", Outcome.PRIOR_ART_FOUND, Decimal("4"), 3)
    return act(state, Action.COMPLETE, STAFF, almaty("2026-11-10"), Inputs(completion=done))


def figures(state: RequestState) -> tuple:
    """Everything the figures read: on time, turnaround, outcome, effort."""
    return (state.status, state.due_at, state.closed_at, state.outcome, state.hours_spent,
            state.documents_cited)  # fmt: skip


def test_an_ordinary_request_keeps_the_due_date_and_closing_it_always_had():
    state = completed_request()
    assert state.due_at == POLICY.due_at(Service.PRIOR_ART_SEARCH, SUBMITTED_AT)
    assert state.closed_at == almaty("2026-11-10")
    assert (state.reminded_at, state.question_since, state.resolved_at) == (None, None, None)
    assert state.duplicate_of_id is None


def test_a_question_about_the_result_changes_no_figure():
    before = completed_request()
    asked = act(before, Action.FOLLOW_UP, INVENTOR, almaty("2026-11-20"), Inputs(text="Why?"))
    assert asked.question_since == almaty("2026-11-20")
    answered = act(asked, Action.ANSWER, STAFF, almaty("2026-11-21"), Inputs(text="Because."))
    resolved = act(answered, Action.RESOLVE, INVENTOR, almaty("2026-11-22"))
    for state in (asked, answered, resolved):
        assert figures(state) == figures(before)
    assert answered.question_since is None
    assert resolved.resolved_at == almaty("2026-11-22")


def test_a_second_question_keeps_the_first_one_s_date_and_undoes_resolved():
    resolved = act(completed_request(), Action.RESOLVE, INVENTOR, almaty("2026-11-12"))
    first = act(resolved, Action.FOLLOW_UP, INVENTOR, almaty("2026-11-20"), Inputs(text="a"))
    second = act(first, Action.FOLLOW_UP, INVENTOR, almaty("2026-11-21"), Inputs(text="b"))
    assert second.question_since == almaty("2026-11-20") and second.resolved_at is None


def test_staff_answer_only_a_waiting_question_and_may_reopen_instead():
    state = completed_request()
    assert not is_due(state, Action.ANSWER, STAFF, almaty("2026-11-20"))
    asked = act(state, Action.FOLLOW_UP, INVENTOR, almaty("2026-11-20"), Inputs(text="More?"))
    reopened = act(asked, Action.REOPEN, STAFF, almaty("2026-11-21"), Inputs(text="More work."))
    assert reopened.status is Status.ASSIGNED and reopened.question_since is None


def complete_again(state: RequestState, reopened_at: datetime, done_at: datetime):
    state = act(state, Action.REOPEN, STAFF, reopened_at, Inputs(text="One more claim."))
    state = act(state, Action.START, STAFF, reopened_at + timedelta(minutes=1))
    done = Completion("Four patents.", Outcome.PRIOR_ART_FOUND, Decimal("2"), 4)
    return act(state, Action.COMPLETE, STAFF, done_at, Inputs(completion=done))


def late_request() -> RequestState:
    """Prior-art search (15 working days) submitted 2 Nov, completed 4 Dec: 25 working days."""
    state = RequestState(None, 10, 1, service=Service.PRIOR_ART_SEARCH)
    state = act(state, Action.SUBMIT, INVENTOR, SUBMITTED_AT)
    state = act(state, Action.ASSIGN, STAFF, SUBMITTED_AT, Inputs(assignee_id=2,
                assignee_centre_id=10))  # fmt: skip
    state = act(state, Action.START, STAFF, SUBMITTED_AT)
    done = Completion("Three patents.", Outcome.PRIOR_ART_FOUND, Decimal("4"), 3)
    return act(state, Action.COMPLETE, STAFF, almaty("2026-12-04"), Inputs(completion=done))


def on_time(state: RequestState) -> bool:
    facts = RequestFacts(10, "prior_art_search", "KZ-75", None, state.status, state.created_at,
                         state.due_at, state.closed_at, state.turnaround_days)  # fmt: skip
    return any(key[-1] == ON_TIME for key in contributions(facts, POLICY.calendar.tz))


def test_a_late_request_reopened_and_completed_again_stays_late():
    late = late_request()
    assert (late.turnaround_days, on_time(late)) == (25, False)
    # Reopened minutes after completion and completed again the same day (the review's case).
    again = complete_again(late, almaty("2026-12-04", 11), almaty("2026-12-04", 12))
    assert again.due_at < again.closed_at and not on_time(again)
    assert again.turnaround_days == 25


def test_an_on_time_request_reopened_keeps_the_time_it_had_left():
    state = completed_request()  # 7 of 15 working days used
    assert on_time(state)
    # Closed from 10 to 20 November (8 working days); the due date moves by as much.
    reopened = act(state, Action.REOPEN, STAFF, almaty("2026-11-20"), Inputs(text="More."))
    closed_for = POLICY.calendar.working_seconds_between(almaty("2026-11-10"), almaty("2026-11-20"))
    assert reopened.due_at == POLICY.calendar.add_working_seconds(state.due_at, closed_for)
    within = complete_again(state, almaty("2026-11-20"), almaty("2026-11-27"))
    assert (within.turnaround_days, on_time(within)) == (12, True)
    beyond = complete_again(state, almaty("2026-11-20"), almaty("2026-12-07"))
    assert (beyond.turnaround_days, on_time(beyond)) == (18, False)


@pytest.mark.parametrize(
    ("done_on", "days"),
    [("2026-11-24", 14), ("2026-11-25", 15), ("2026-11-26", 16), ("2026-11-30", 18)],
)
def test_on_time_means_a_turnaround_within_the_target(done_on, days):
    """The due date and the turnaround run on one clock: awaiting the inventor, closed and
    reopened, a request is on time exactly when its turnaround is within 15 working days."""
    state = completed_request()
    state = act(state, Action.REOPEN, STAFF, almaty("2026-11-12"), Inputs(text="More."))
    state = act(state, Action.START, STAFF, almaty("2026-11-12", 11))
    state = act(state, Action.ASK, STAFF, almaty("2026-11-13"), Inputs(text="Which claim?"))
    state = act(state, Action.REPLY, INVENTOR, almaty("2026-11-16"), Inputs(text="The first."))
    done = Completion("Done.", Outcome.PRIOR_ART_FOUND, Decimal("1"), 1)
    state = act(state, Action.COMPLETE, STAFF, almaty(done_on, 12), Inputs(completion=done))
    assert state.turnaround_days == days
    assert on_time(state) == (days <= 15)
    assert on_time(state) == (state.closed_at <= state.due_at)


def test_resolved_once():
    resolved = act(completed_request(), Action.RESOLVE, INVENTOR, almaty("2026-11-12"))
    assert not is_due(resolved, Action.RESOLVE, INVENTOR, almaty("2026-11-13"))
    with pytest.raises(Refused):
        act(resolved, Action.RESOLVE, INVENTOR, almaty("2026-11-13"))


# --- duplicates -------------------------------------------------------------------------------


def test_linking_closes_the_request_as_a_duplicate_of_the_other():
    state = RequestState(Status.ASSIGNED, 10, 1, assignee_id=2, due_at=almaty("2026-11-20"))
    flag = Inputs(flag_other_id=77, flag_other_open=True)
    linked = act(state, Action.LINK_DUPLICATE, STAFF, almaty("2026-11-03"), flag)
    assert (linked.status, linked.duplicate_of_id) == (Status.DUPLICATE, 77)
    assert linked.closed_at == almaty("2026-11-03")
    reopened = act(linked, Action.REOPEN, STAFF, almaty("2026-11-04"), Inputs(text="Not the same."))
    assert reopened.duplicate_of_id is None and reopened.closed_at is None


def test_dismissing_a_flag_changes_nothing_the_inventor_sees():
    state = RequestState(Status.SUBMITTED, 10, 1, due_at=almaty("2026-11-20"))
    dismissal = Inputs(flag_other_id=77, text="Different alloys.")
    transition = apply(state, Action.DISMISS_DUPLICATE, STAFF, dismissal, now=almaty("2026-11-03"))
    assert transition.state == state
    assert transition.events[0].internal


def test_the_national_office_only_transfers_and_unassigns():
    state = RequestState(Status.IN_PROGRESS, 10, 1, assignee_id=2)
    moved = act(state, Action.TRANSFER, COORDINATOR, almaty("2026-11-03"),
                Inputs(text="Centre suspended.", target_centre_id=20,
                       target_centre_takes_service=True))  # fmt: skip
    assert (moved.status, moved.centre_id, moved.assignee_id) == (Status.SUBMITTED, 20, None)
    assert available_actions(state, COORDINATOR) == [Action.TRANSFER, Action.UNASSIGN]
