"""The request page's next step, role by role and state by state, as a table."""

from datetime import UTC, datetime, timedelta

import pytest

from tisc.domain.catalogue import Role, Service
from tisc.domain.next_step import (
    ASSIGNED_TO_YOU,
    HEADLINES,
    Situation,
    next_step,
    offered,
    reply_by,
    situation_of,
)
from tisc.domain.permissions import Actor
from tisc.domain.policy import Policy
from tisc.domain.workflow import SPECS, Action, RequestState, Status, available_actions

A, S = Action, Status
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
CENTRE, INVENTOR_ID, STAFF_ID = 10, 1, 2
STAFF = Actor(STAFF_ID, Role.STAFF, CENTRE)
INVENTOR = Actor(INVENTOR_ID, Role.INVENTOR)


def state(status: Status, **extra) -> RequestState:
    values = {"assignee_id": STAFF_ID} if status is not S.SUBMITTED else {}
    if status is S.AWAITING_INVENTOR:
        values["awaiting_since"] = NOW - timedelta(days=1)
    if status not in (S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INVENTOR):
        values["closed_at"] = NOW - timedelta(days=1)
    values |= {"due_at": NOW + timedelta(days=10), "service": Service.PRIOR_ART_SEARCH}
    return RequestState(status, CENTRE, INVENTOR_ID, **(values | extra))


def arrange(actor: Actor, request: RequestState):
    available = available_actions(request, actor, now=NOW, policy=Policy())
    return next_step(request, actor, available)


# (who, status, extra state) -> (situation, main, alongside, conversation box)
TABLE = [
    (STAFF, S.SUBMITTED, {}, Situation.NEW, A.ASSIGN, (), A.MESSAGE),
    (STAFF, S.ASSIGNED, {}, Situation.ASSIGNED, A.START, (), A.MESSAGE),
    (STAFF, S.IN_PROGRESS, {}, Situation.WORKING, A.COMPLETE, (A.ASK,), A.MESSAGE),
    (STAFF, S.AWAITING_INVENTOR, {}, Situation.WAITING, None, (), A.MESSAGE),
    (STAFF, S.COMPLETED, {}, Situation.COMPLETED, None, (), None),
    (STAFF, S.COMPLETED, {"question_since": NOW}, Situation.QUESTION, A.ANSWER, (), None),
    (STAFF, S.DECLINED, {}, Situation.DECLINED, None, (), None),
    (STAFF, S.WITHDRAWN, {}, Situation.WITHDRAWN, None, (), None),
    (STAFF, S.NO_ANSWER, {}, Situation.NO_ANSWER, None, (), None),
    (STAFF, S.DUPLICATE, {}, Situation.DUPLICATE, None, (), None),
    # A request transferred in arrives unassigned: taking it is the next step.
    (STAFF, S.SUBMITTED, {"assignee_id": None}, Situation.NEW, A.ASSIGN, (), A.MESSAGE),
    (INVENTOR, S.SUBMITTED, {}, Situation.NEW, None, (), A.MESSAGE),
    (INVENTOR, S.ASSIGNED, {}, Situation.ASSIGNED, None, (), A.MESSAGE),
    (INVENTOR, S.IN_PROGRESS, {}, Situation.WORKING, None, (), A.MESSAGE),
    # The reply box is the main action; no second message box beside it.
    (INVENTOR, S.AWAITING_INVENTOR, {}, Situation.WAITING, A.REPLY, (), None),
    (INVENTOR, S.COMPLETED, {}, Situation.COMPLETED, None,
     (A.FOLLOW_UP, A.RATE, A.RECORD_FILING, A.RESOLVE), None),
    (INVENTOR, S.COMPLETED, {"rating": 4, "resolved_at": NOW}, Situation.COMPLETED, None,
     (A.FOLLOW_UP, A.RECORD_FILING), None),
    (INVENTOR, S.COMPLETED, {"question_since": NOW}, Situation.QUESTION, None,
     (A.FOLLOW_UP, A.RATE, A.RECORD_FILING, A.RESOLVE), None),
    (INVENTOR, S.DECLINED, {}, Situation.DECLINED, None, (), None),
    (INVENTOR, S.NO_ANSWER, {}, Situation.NO_ANSWER, A.RESUME, (), None),
    # Past the window to reopen, nothing is left to do.
    (INVENTOR, S.NO_ANSWER, {"closed_at": NOW - timedelta(days=60)}, Situation.NO_ANSWER,
     None, (), None),
    (INVENTOR, S.WITHDRAWN, {}, Situation.WITHDRAWN, None, (), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("actor", "status", "extra", "situation", "main", "alongside", "conversation"), TABLE
)
def test_the_next_step_for_each_role_and_state(
    actor, status, extra, situation, main, alongside, conversation
):
    step = arrange(actor, state(status, **extra))
    assert (step.situation, step.main, step.alongside, step.conversation) == (
        situation, main, alongside, conversation,
    )  # fmt: skip
    yours = actor is STAFF and situation is Situation.ASSIGNED  # assigned to STAFF itself
    assert step.headline == (ASSIGNED_TO_YOU if yours else HEADLINES[(actor.role, situation)])


def test_staff_read_their_own_assignment_as_theirs_and_a_colleague_s_by_name():
    mine = arrange(STAFF, state(S.ASSIGNED))
    colleague_s = arrange(STAFF, state(S.ASSIGNED, assignee_id=STAFF_ID + 1))
    assert mine.headline == ASSIGNED_TO_YOU
    assert colleague_s.headline == HEADLINES[(Role.STAFF, Situation.ASSIGNED)]
    assert "%(assignee)s" in colleague_s.headline


@pytest.mark.parametrize(("actor", "status", "extra"), [(row[0], row[1], row[2]) for row in TABLE])
def test_every_available_action_has_exactly_one_place(actor, status, extra):
    request = state(status, **extra)
    available = available_actions(request, actor, now=NOW, policy=Policy())
    step = next_step(request, actor, available)
    placed = [*step.shown, *step.menu, *step.flags]
    assert len(placed) == len(set(placed))
    # Everything the workflow allows is somewhere, except a message beside the reply box.
    missing = set(available) - set(placed)
    assert missing <= ({A.MESSAGE} if A.REPLY in available else set())
    assert set(placed) <= set(available)


def test_the_menu_keeps_far_reaching_actions_last():
    step = arrange(STAFF, state(S.ASSIGNED))
    assert step.menu == (A.ASSIGN, A.NOTE, A.TRANSFER, A.DECLINE)
    assert all(SPECS[a].confirm for a in step.menu[2:])


def test_reassigning_an_assigned_request_is_in_the_menu_not_the_main_action():
    step = arrange(STAFF, state(S.ASSIGNED))
    assert step.main is Action.START and Action.ASSIGN in step.menu


def test_staff_of_another_centre_and_other_inventors_get_no_step():
    other_staff = Actor(98, Role.STAFF, CENTRE + 1)
    step = arrange(other_staff, state(S.SUBMITTED))
    assert (step.main, step.alongside, step.conversation, step.menu) == (None, (), None, ())


def test_duplicate_decisions_go_with_their_flags():
    step = arrange(STAFF, state(S.SUBMITTED))
    assert step.flags == (A.LINK_DUPLICATE, A.DISMISS_DUPLICATE)
    assert not set(step.flags) & set(step.menu)


def test_duplicate_decisions_are_offered_only_beside_an_open_flag():
    available = available_actions(state(S.SUBMITTED), STAFF, now=NOW, policy=Policy())
    assert {A.LINK_DUPLICATE, A.DISMISS_DUPLICATE} <= set(available)
    assert offered(available, open_flags=1) == available
    without = offered(available, open_flags=0)
    assert without == [a for a in available if a not in (A.LINK_DUPLICATE, A.DISMISS_DUPLICATE)]


def test_a_coordinator_sees_no_situation_text_of_their_own():
    # The national office never opens a request's page; it acts only by transferring.
    assert not [key for key in HEADLINES if key[0] is Role.COORDINATOR]


def test_situation_of_a_completed_request_with_a_question():
    assert situation_of(state(S.COMPLETED, question_since=NOW)) is Situation.QUESTION
    assert situation_of(state(S.COMPLETED)) is Situation.COMPLETED


def test_reply_by_counts_the_reminder_and_the_wait_after_it():
    policy = Policy(remind_after_days=5, close_after_days=10)
    waiting = state(S.AWAITING_INVENTOR, awaiting_since=NOW)
    expected = policy.closing_due(policy.reminder_due(NOW))
    assert reply_by(waiting, policy) == expected
    reminded = state(S.AWAITING_INVENTOR, awaiting_since=NOW, reminded_at=NOW + timedelta(days=9))
    assert reply_by(reminded, policy) == policy.closing_due(NOW + timedelta(days=9))
    assert reply_by(state(S.IN_PROGRESS), policy) is None


def test_every_confirmed_action_says_what_will_happen_and_carries_no_files():
    # The confirmation step repeats the form's values as hidden fields: files cannot be.
    for spec in SPECS.values():
        if spec.confirm:
            assert spec.warning, spec.action
            assert not spec.files, spec.action
